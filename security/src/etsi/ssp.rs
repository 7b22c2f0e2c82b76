//! ETSI service specific permissions (SSPs): a version octet followed by a permission bitmap,
//! carried in the authorisation ticket's `appPermissions` (TS 103 097 §6, the SSP of each
//! service defined by its own standard).
//!
//! The policy always comes from the ticket: [`SspTable::from_certificate`] reads its
//! `appPermissions` once, [`SspTable::check`] says whether content needing some permission
//! bits may be signed, and the content rules ([`spatem_need`], [`mapem_need`], [`cam_need`],
//! [`denm_need`]) turn facts the runtime knows about a message into the bits it needs. A
//! refusal is a [`SspRefusal`] whose [`SspRefusal::code`] is a metric label.
//!
//! Bits are numbered as the standards draw them: octet 1 (the first after the version octet)
//! holds bits 0..7 from its most significant bit down, octet 2 bits 8..15, and so on.

use crate::cert::Certificate;
use rasn_its::ieee1609dot2::base_types::ServiceSpecificPermissions;
use std::fmt;

/// The SSP version every ETSI service defined so far uses in its first octet.
pub const SSP_VERSION_1: u8 = 1;

/// Longest permission bitmap kept (octets after the version octet). CAM has 2, DENM 3,
/// TLM/RLT 1 or 2; anything longer is refused as malformed rather than truncated.
pub const MAX_BITMAP_LEN: usize = 8;

/// A set of permission bits of one service's SSP, bit 0 being the most significant bit of
/// the first bitmap octet.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SspNeed(u64);

impl SspNeed {
    /// Content that needs no special permission (the ITS-AID alone must be in the ticket).
    pub const NONE: SspNeed = SspNeed(0);

    /// The single bit `index` (0 = most significant bit of bitmap octet 1).
    pub const fn bit(index: u8) -> SspNeed {
        if index as usize >= MAX_BITMAP_LEN * 8 {
            // Beyond what any ticket can grant: a need nobody satisfies.
            return SspNeed(u64::MAX);
        }
        SspNeed(1u64 << (63 - index as u32))
    }

    /// Both sets of bits.
    pub const fn with(self, other: SspNeed) -> SspNeed {
        SspNeed(self.0 | other.0)
    }

    /// `other` added when `cond` holds.
    pub const fn with_if(self, cond: bool, other: SspNeed) -> SspNeed {
        if cond { self.with(other) } else { self }
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bits as a left-aligned 64-bit mask (octet 1 in the top byte).
    pub const fn mask(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for SspNeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SspNeed({:016x})", self.0)
    }
}

impl fmt::Display for SspNeed {
    /// The bits as they would appear in the bitmap, hex, trailing zero octets dropped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0.to_be_bytes();
        let used = bytes.iter().rposition(|b| *b != 0).map_or(1, |i| i + 1);
        for b in bytes.iter().take(used) {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Why an SSP could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EtsiSspError {
    #[error("SSP is empty (an ETSI SSP starts with a version octet)")]
    Empty,
    #[error("SSP is neither opaque nor bitmapSsp (an extension this build does not know)")]
    UnknownForm,
    #[error("SSP bitmap of {0} octets after the version octet; at most {MAX_BITMAP_LEN} are read")]
    TooLong(usize),
}

/// An ETSI SSP: version octet and permission bitmap (TS 103 097 §6 via the service's own
/// standard: EN 302 637-2 CAM, EN 302 637-3 DENM, TS 103 301 TLM/RLT/IVI).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EtsiSsp {
    version: u8,
    len: u8,
    bitmap: u64,
}

impl EtsiSsp {
    /// Parses the octets of an `opaque` or `bitmapSsp` SSP.
    pub fn parse(bytes: &[u8]) -> Result<EtsiSsp, EtsiSspError> {
        let (&version, bits) = bytes.split_first().ok_or(EtsiSspError::Empty)?;
        if bits.len() > MAX_BITMAP_LEN {
            return Err(EtsiSspError::TooLong(bits.len()));
        }
        let mut be = [0u8; 8];
        be[..bits.len()].copy_from_slice(bits);
        Ok(EtsiSsp {
            version,
            // At most MAX_BITMAP_LEN (8), checked above.
            len: bits.len() as u8,
            bitmap: u64::from_be_bytes(be),
        })
    }

    /// From the certificate's SSP choice (either alternative carries the same octets).
    pub fn from_its(ssp: &ServiceSpecificPermissions) -> Result<EtsiSsp, EtsiSspError> {
        match ssp {
            ServiceSpecificPermissions::Opaque(o) => Self::parse(o),
            ServiceSpecificPermissions::BitmapSsp(b) => Self::parse(&b.0),
            #[allow(unreachable_patterns)]
            _ => Err(EtsiSspError::UnknownForm),
        }
    }

    pub fn version(&self) -> u8 {
        self.version
    }

    /// Octets in the bitmap (after the version octet).
    pub fn bitmap_len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether every bit of `need` is set (bits beyond the bitmap count as not set).
    pub fn allows(&self, need: SspNeed) -> bool {
        need.0 & !self.bitmap == 0
    }

    /// The bits of `need` this SSP lacks.
    pub fn missing(&self, need: SspNeed) -> SspNeed {
        SspNeed(need.0 & !self.bitmap)
    }
}

impl fmt::Debug for EtsiSsp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EtsiSsp({:02x}", self.version)?;
        for b in self.bitmap.to_be_bytes().iter().take(self.bitmap_len()) {
            write!(f, " {b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Why content may not be signed under the ticket's SSPs. [`SspRefusal::code`] is a stable
/// metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SspRefusal {
    /// The ticket does not list the ITS-AID at all.
    #[error("ITS-AID {its_aid} is not in the authorisation ticket's appPermissions")]
    MissingPsid { its_aid: u64 },
    /// The ITS-AID is listed without an SSP, and the content needs permission bits.
    #[error(
        "ITS-AID {its_aid} has no SSP in the authorisation ticket; the content needs bits {need}"
    )]
    MissingSsp { its_aid: u64, need: SspNeed },
    /// The SSP cannot be read.
    #[error("ITS-AID {its_aid}: unreadable SSP: {reason}")]
    Malformed { its_aid: u64, reason: EtsiSspError },
    /// An SSP version this code does not know the bitmap of.
    #[error("ITS-AID {its_aid}: SSP version {version}, only version 1 is known")]
    UnknownVersion { its_aid: u64, version: u8 },
    /// The SSP lacks bits the content needs.
    #[error("ITS-AID {its_aid}: the SSP lacks permission bits {missing} the content needs")]
    ForbidsContent { its_aid: u64, missing: SspNeed },
    /// The content has no permission defined in the version-1 bitmap (e.g. a DENM cause code
    /// added after it), so no ticket can be shown to allow it.
    #[error("ITS-AID {its_aid}: content ({what}) has no permission bit in SSP version 1")]
    UnknownContent { its_aid: u64, what: &'static str },
}

impl SspRefusal {
    /// A snake_case label for the refusal counter.
    pub fn code(&self) -> &'static str {
        match self {
            SspRefusal::MissingPsid { .. } => "ssp_missing_psid",
            SspRefusal::MissingSsp { .. } => "ssp_missing",
            SspRefusal::Malformed { .. } => "ssp_malformed",
            SspRefusal::UnknownVersion { .. } => "ssp_unknown_version",
            SspRefusal::ForbidsContent { .. } => "ssp_forbids_content",
            SspRefusal::UnknownContent { .. } => "ssp_unknown_content",
        }
    }
}

/// What the ticket says about one ITS-AID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Listed without an SSP.
    NoSsp,
    Ssp(EtsiSsp),
    Malformed(EtsiSspError),
}

/// The ticket's `appPermissions`, read once so that each check is a short scan with no
/// allocation (the SPATEM path asks ten times a second).
#[derive(Debug, Clone, Default)]
pub struct SspTable {
    entries: Vec<(u64, Entry)>,
}

impl SspTable {
    /// Reads `cert`'s `appPermissions`. PSIDs wider than 64 bits cannot be ETSI ITS-AIDs and
    /// are left out.
    pub fn from_certificate(cert: &Certificate) -> SspTable {
        let entries = cert
            .app_permissions()
            .into_iter()
            .map(|(psid, ssp)| {
                let e = match ssp {
                    None => Entry::NoSsp,
                    Some(s) => match EtsiSsp::from_its(s) {
                        Ok(s) => Entry::Ssp(s),
                        Err(e) => Entry::Malformed(e),
                    },
                };
                (psid, e)
            })
            .collect();
        SspTable { entries }
    }

    /// Whether the ticket lists `its_aid`.
    pub fn lists(&self, its_aid: u64) -> bool {
        self.entries.iter().any(|(p, _)| *p == its_aid)
    }

    /// The SSP for `its_aid`: `None` when it is not listed, `Some(None)` when listed without
    /// an SSP.
    pub fn ssp(&self, its_aid: u64) -> Option<Option<Result<EtsiSsp, EtsiSspError>>> {
        self.entries
            .iter()
            .find(|(p, _)| *p == its_aid)
            .map(|(_, e)| match e {
                Entry::NoSsp => None,
                Entry::Ssp(s) => Some(Ok(*s)),
                Entry::Malformed(e) => Some(Err(*e)),
            })
    }

    /// Whether content of `its_aid` needing `need` may be signed (vanetza's
    /// `valid_for_signing`, in spirit). With no bits needed an SSP-less entry suffices; an SSP
    /// that is present must still be readable and of version 1, since a different version
    /// means a bitmap this code cannot interpret.
    pub fn check(&self, its_aid: u64, need: SspNeed) -> Result<(), SspRefusal> {
        let entry = self
            .entries
            .iter()
            .find(|(p, _)| *p == its_aid)
            .map(|(_, e)| *e)
            .ok_or(SspRefusal::MissingPsid { its_aid })?;
        let ssp = match entry {
            Entry::NoSsp if need.is_empty() => return Ok(()),
            Entry::NoSsp => return Err(SspRefusal::MissingSsp { its_aid, need }),
            Entry::Malformed(reason) => return Err(SspRefusal::Malformed { its_aid, reason }),
            Entry::Ssp(s) => s,
        };
        if ssp.version() != SSP_VERSION_1 {
            return Err(SspRefusal::UnknownVersion {
                its_aid,
                version: ssp.version(),
            });
        }
        if ssp.allows(need) {
            Ok(())
        } else {
            Err(SspRefusal::ForbidsContent {
                its_aid,
                missing: ssp.missing(need),
            })
        }
    }
}

// ---- SPATEM (ITS-AID 137, traffic light manoeuvre, TS 103 301) ----------------------------

/// TLM SSP bit 0 (`80` in bitmap octet 1): permission to send IntersectionState.
///
/// **Inferred**, not read from TS 103 301: ETSI's test purpose TP_IS_TLM_SSP_SND_BV_07 makes an
/// RSU whose ticket carries the TLM SSP `01 78` send no SPAT with IntersectionState, while
/// TP_IS_TLM_SSP_SND_BV_02 lets one send IntersectionState without the optional parts. `78`
/// leaves the top bit clear, so the top bit is taken as the base permission
/// (reference/eu-etsi.md §1.5).
pub const TLM_INTERSECTION_STATE: SspNeed = SspNeed::bit(0);
/// TLM SSP bit 1 (`40`): advisory speed in IntersectionState. **Unverified**: the test purposes
/// say advisory speed is gated by the ticket but not by which bit; taken as the next bit down.
pub const TLM_ADVISORY_SPEED: SspNeed = SspNeed::bit(1);
/// TLM SSP bit 2 (`20`): maneuver assist (ConnectionManeuverAssist) in IntersectionState.
/// **Unverified**, as [`TLM_ADVISORY_SPEED`].
pub const TLM_MANEUVER_ASSIST: SspNeed = SspNeed::bit(2);

/// What a SPATEM carries that its SSP gates; the runtime fills it from the message it built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpatemContent {
    /// At least one IntersectionState (every useful SPATEM has one).
    pub intersection_state: bool,
    /// Any MovementEvent with `speeds` (AdvisorySpeed).
    pub advisory_speed: bool,
    /// Any MovementState with `maneuverAssistList`.
    pub maneuver_assist: bool,
}

/// The TLM permission bits a SPATEM needs (TS 103 301 SSP; layout partly inferred, see
/// [`TLM_INTERSECTION_STATE`]). Advisory speed and maneuver assist live inside an
/// IntersectionState, so they need the base bit too.
pub fn spatem_need(c: SpatemContent) -> SspNeed {
    let optional = c.advisory_speed || c.maneuver_assist;
    SspNeed::NONE
        .with_if(c.intersection_state || optional, TLM_INTERSECTION_STATE)
        .with_if(c.advisory_speed, TLM_ADVISORY_SPEED)
        .with_if(c.maneuver_assist, TLM_MANEUVER_ASSIST)
}

// ---- MAPEM (ITS-AID 138, road and lane topology, TS 103 301) ------------------------------

/// The RLT permission bits a MAPEM needs: none known. TS 103 301's RLT bitmap could not be
/// read (reference/eu-etsi.md §1.5, **unverified**), so a MAPEM needs the ITS-AID in the
/// ticket and, if an SSP is there, one of version 1; no content bit is asked for until a
/// deploying authority states the layout.
pub fn mapem_need() -> SspNeed {
    SspNeed::NONE
}

// ---- CAM (ITS-AID 36, EN 302 637-2 SSP: version 1 + 16 bits) ------------------------------

/// CAM SSP bit 0 (`80 00`): cenDsrcTollingZone, needed for an RSU CAM that lists protected
/// communication zones.
pub const CAM_CEN_DSRC_TOLLING_ZONE: SspNeed = SspNeed::bit(0);
/// CAM SSP bit 1: publicTransport (public transport container).
pub const CAM_PUBLIC_TRANSPORT: SspNeed = SspNeed::bit(1);
/// CAM SSP bit 2: specialTransport.
pub const CAM_SPECIAL_TRANSPORT: SspNeed = SspNeed::bit(2);
/// CAM SSP bit 3: dangerousGoods.
pub const CAM_DANGEROUS_GOODS: SspNeed = SspNeed::bit(3);
/// CAM SSP bit 4: roadwork (road works container).
pub const CAM_ROADWORK: SspNeed = SspNeed::bit(4);
/// CAM SSP bit 5: rescue.
pub const CAM_RESCUE: SspNeed = SspNeed::bit(5);
/// CAM SSP bit 6: emergency.
pub const CAM_EMERGENCY: SspNeed = SspNeed::bit(6);
/// CAM SSP bit 7: safetyCar.
pub const CAM_SAFETY_CAR: SspNeed = SspNeed::bit(7);

/// What an RSU CAM carries that its SSP gates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CamContent {
    /// `rsuContainerHighFrequency.protectedCommunicationZonesRSU` is present.
    pub protected_zones: bool,
    /// A road works special-vehicle container (an RSU on a works site).
    pub roadwork_container: bool,
}

/// The CAM permission bits a CAM needs (EN 302 637-2 SSP layout as in Wireshark's CAM SSP
/// dissector, reference/eu-etsi.md §1.5). A bare RSU CAM needs none (`01 00 00` suffices).
pub fn cam_need(c: CamContent) -> SspNeed {
    SspNeed::NONE
        .with_if(c.protected_zones, CAM_CEN_DSRC_TOLLING_ZONE)
        .with_if(c.roadwork_container, CAM_ROADWORK)
}

// ---- DENM (ITS-AID 37, EN 302 637-3 SSP: version 1 + 24 cause bits) -----------------------

/// The cause codes of the version-1 DENM SSP in bit order (bit 0 first): trafficCondition,
/// accident, roadworks, adhesion, surface condition, obstacle, animal, human presence; wrong-way
/// driving, rescue and recovery, extreme weather, visibility, precipitation, slow vehicle,
/// dangerous end of queue, vehicle breakdown; post crash, human problem, stationary vehicle,
/// emergency vehicle approaching, dangerous curve, collision risk, signal violation, dangerous
/// situation. The numbers are the CauseCodeType values of TS 102 894-2.
const DENM_CAUSE_BITS: [u8; 24] = [
    1, 2, 3, 6, 9, 10, 11, 12, 14, 15, 17, 18, 19, 26, 27, 91, 92, 93, 94, 95, 96, 97, 98, 99,
];

/// The DENM permission bit for `cause_code` (TS 102 894-2 CauseCodeType), or a refusal for a
/// cause the version-1 bitmap does not cover (v2 additions such as impassability (5)).
pub fn denm_need(cause_code: u8) -> Result<SspNeed, SspRefusal> {
    DENM_CAUSE_BITS
        .iter()
        .position(|c| *c == cause_code)
        .and_then(|i| u8::try_from(i).ok())
        .map(SspNeed::bit)
        .ok_or(SspRefusal::UnknownContent {
            its_aid: super::ITS_AID_DENM,
            what: "a DENM cause code outside the version-1 SSP",
        })
}

/// The DENM cause code of road works (TS 102 894-2 CauseCodeType `roadworks`).
pub const DENM_CAUSE_ROADWORKS: u8 = 3;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::etsi::{ITS_AID_CAM, ITS_AID_DENM, ITS_AID_MAPEM, ITS_AID_SPATEM};
    use crate::keys::Curve;
    use crate::pki::{self, CertSpec};
    use rasn::types::OctetString;
    use rasn_its::ieee1609dot2::base_types::{BitmapSsp, Duration};

    fn bitmap(bytes: &[u8]) -> Option<ServiceSpecificPermissions> {
        Some(ServiceSpecificPermissions::BitmapSsp(BitmapSsp(
            OctetString::from_slice(bytes),
        )))
    }

    /// A ticket with these permissions, issued by a throw-away root.
    fn ticket(perms: Vec<(u64, Option<ServiceSpecificPermissions>)>) -> Certificate {
        let mut ee = CertSpec::end_entity("at", 1_700_000_000, Duration::Hours(24), &[]);
        ee.app_permissions = perms;
        let chain = pki::TestChain::new(
            &CertSpec::ca("root", 1_700_000_000, Duration::Years(1), 1),
            Curve::NistP256,
            &ee,
            Curve::NistP256,
        )
        .unwrap();
        chain.ee
    }

    #[test]
    fn parse_reads_version_and_bitmap() {
        let s = EtsiSsp::parse(&[1, 0x78]).unwrap();
        assert_eq!(s.version(), 1);
        assert_eq!(s.bitmap_len(), 1);
        assert!(s.allows(SspNeed::bit(1)));
        assert!(!s.allows(TLM_INTERSECTION_STATE));
        assert_eq!(EtsiSsp::parse(&[]), Err(EtsiSspError::Empty));
        assert_eq!(EtsiSsp::parse(&[1; 10]), Err(EtsiSspError::TooLong(9)));
        // Bits beyond the bitmap are not granted.
        assert!(!EtsiSsp::parse(&[1]).unwrap().allows(SspNeed::bit(0)));
        assert!(EtsiSsp::parse(&[1]).unwrap().allows(SspNeed::NONE));
        assert!(!SspNeed::bit(200).is_empty());
        assert_eq!(SspNeed::bit(0).with(SspNeed::bit(9)).to_string(), "8040");
    }

    /// ETSI TP_IS_TLM_SSP_SND_BV_07: a ticket with TLM SSP `01 78` must not sign a SPATEM
    /// with IntersectionState; BV_02: one that permits IntersectionState signs it without
    /// the optional parts.
    #[test]
    fn tlm_ssp_like_the_etsi_test_purposes() {
        let with_is = SpatemContent {
            intersection_state: true,
            ..SpatemContent::default()
        };
        let bv07 =
            SspTable::from_certificate(&ticket(vec![(ITS_AID_SPATEM, bitmap(&[0x01, 0x78]))]));
        let refusal = bv07
            .check(ITS_AID_SPATEM, spatem_need(with_is))
            .unwrap_err();
        assert_eq!(refusal.code(), "ssp_forbids_content");
        assert_eq!(
            refusal,
            SspRefusal::ForbidsContent {
                its_aid: 137,
                missing: TLM_INTERSECTION_STATE
            }
        );
        let bv02 =
            SspTable::from_certificate(&ticket(vec![(ITS_AID_SPATEM, bitmap(&[0x01, 0x80]))]));
        bv02.check(ITS_AID_SPATEM, spatem_need(with_is)).unwrap();
        let with_speed = SpatemContent {
            advisory_speed: true,
            ..with_is
        };
        assert_eq!(
            bv02.check(ITS_AID_SPATEM, spatem_need(with_speed)),
            Err(SspRefusal::ForbidsContent {
                its_aid: 137,
                missing: TLM_ADVISORY_SPEED
            })
        );
        // Optional parts imply the base permission.
        assert_eq!(
            spatem_need(SpatemContent {
                maneuver_assist: true,
                ..SpatemContent::default()
            }),
            TLM_INTERSECTION_STATE.with(TLM_MANEUVER_ASSIST)
        );
        // The policy comes from the ticket: a full TLM SSP allows everything.
        let full =
            SspTable::from_certificate(&ticket(vec![(ITS_AID_SPATEM, bitmap(&[0x01, 0xff]))]));
        let all = SpatemContent {
            intersection_state: true,
            advisory_speed: true,
            maneuver_assist: true,
        };
        full.check(ITS_AID_SPATEM, spatem_need(all)).unwrap();
    }

    #[test]
    fn refusal_reasons_and_labels() {
        let t = SspTable::from_certificate(&ticket(vec![
            (ITS_AID_CAM, bitmap(&[0x01, 0x00, 0x00])),
            (ITS_AID_MAPEM, None),
            (ITS_AID_DENM, bitmap(&[0x02, 0xff, 0xff, 0xff])),
            (
                139,
                Some(ServiceSpecificPermissions::Opaque(OctetString::from_slice(
                    &[],
                ))),
            ),
        ]));
        assert_eq!(
            t.check(ITS_AID_SPATEM, SspNeed::NONE).unwrap_err().code(),
            "ssp_missing_psid"
        );
        t.check(ITS_AID_MAPEM, mapem_need()).unwrap();
        assert_eq!(
            t.check(ITS_AID_MAPEM, SspNeed::bit(0)).unwrap_err().code(),
            "ssp_missing"
        );
        assert_eq!(
            t.check(ITS_AID_DENM, SspNeed::NONE).unwrap_err().code(),
            "ssp_unknown_version"
        );
        assert_eq!(
            t.check(139, SspNeed::NONE).unwrap_err().code(),
            "ssp_malformed"
        );
        // A bare RSU CAM is allowed by 01 00 00; protected zones need the tolling bit.
        t.check(ITS_AID_CAM, cam_need(CamContent::default()))
            .unwrap();
        let zones = CamContent {
            protected_zones: true,
            ..CamContent::default()
        };
        assert_eq!(
            t.check(ITS_AID_CAM, cam_need(zones)).unwrap_err().code(),
            "ssp_forbids_content"
        );
        let tolling =
            SspTable::from_certificate(&ticket(vec![(ITS_AID_CAM, bitmap(&[0x01, 0x80, 0x00]))]));
        tolling.check(ITS_AID_CAM, cam_need(zones)).unwrap();
    }

    #[test]
    fn denm_cause_bits() {
        assert_eq!(denm_need(1).unwrap().to_string(), "80");
        assert_eq!(
            denm_need(DENM_CAUSE_ROADWORKS).unwrap().to_string(),
            "20",
            "roadworks is 0x200000"
        );
        assert_eq!(denm_need(99).unwrap().to_string(), "000001");
        assert_eq!(denm_need(91).unwrap().to_string(), "0001");
        assert_eq!(denm_need(5).unwrap_err().code(), "ssp_unknown_content");
        let t = SspTable::from_certificate(&ticket(vec![(
            ITS_AID_DENM,
            bitmap(&[0x01, 0x20, 0x00, 0x00]),
        )]));
        t.check(ITS_AID_DENM, denm_need(3).unwrap()).unwrap();
        assert_eq!(
            t.check(ITS_AID_DENM, denm_need(2).unwrap())
                .unwrap_err()
                .code(),
            "ssp_forbids_content"
        );
    }
}
