//! A throw-away PKI for tests and demonstrations: **not for deployment**. A real RSU gets its
//! certificates from the authority's SCMS/CCMS; these are self-made and trusted by nobody else.
//!
//! Also the certificate issuing used by the tests (explicit and implicit certificates).

use crate::cert::{CertError, Certificate};
use crate::coer;
use crate::ecqv::{self, HashToInteger};
use crate::hash::{HashAlg, SigningInput};
use crate::keys::{Curve, RawSignature, VerifyKey};
use crate::sign::{self, SignError, SignerBackend};
use crate::time;
use rasn::types::OctetString;
use rasn::types::{Integer, Utf8String};
use rasn_its::ieee1609dot2::base_types::{
    BitmapSsp, CrlSeries, Duration, GeographicRegion, HashedId3, Hostname, IdentifiedRegion, Psid,
    PsidSsp, SequenceOfIdentifiedRegion, SequenceOfPsidSsp, ServiceSpecificPermissions, Time32,
    UnCountryId, ValidityPeriod,
};
use rasn_its::ieee1609dot2::{
    CertificateBase, CertificateId, CertificateType, ExplicitCertificate, ImplicitCertificate,
    IssuerIdentifier, PsidGroupPermissions, SequenceOfPsidGroupPermissions, SubjectPermissions,
    ToBeSignedCertificate, VerificationKeyIndicator,
};
use std::path::Path;

/// PSIDs the demo RSU certificate permits: 0x82 (130) intersection safety and awareness
/// (SPaT, MAP, SSM), 0x83 (131) traveler information (TIM), 0x80 (128) RTCM corrections, and
/// 0x204097 (p-encoded 0xE0000017), the MAP PSID of CTI 4501 deployments.
pub const RSU_PSIDS: [u64; 4] = [0x82, 0x83, 0x80, 0x20_40_97];

/// Why issuing failed.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("{0}")]
    Cert(#[from] CertError),
    #[error("{0}")]
    Sign(#[from] SignError),
    #[error("{0}")]
    Coer(#[from] coer::CoerError),
    #[error("{0}")]
    Ecqv(#[from] ecqv::EcqvError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} exists already; refusing to overwrite keys (remove it first)")]
    Exists(String),
    #[error("{0}")]
    Invalid(String),
}

/// What goes into a certificate.
#[derive(Debug, Clone)]
pub struct CertSpec {
    pub name: Option<String>,
    /// Start of validity, Unix seconds.
    pub start_unix: i64,
    pub duration: Duration,
    pub region: Option<GeographicRegion>,
    pub app_permissions: Vec<(u64, Option<ServiceSpecificPermissions>)>,
    /// `certIssuePermissions`: `Some(groups)` makes a CA certificate.
    pub issue_permissions: Option<Vec<PsidGroupPermissions>>,
}

impl CertSpec {
    /// An end-entity certificate for these PSIDs (no SSP).
    pub fn end_entity(name: &str, start_unix: i64, duration: Duration, psids: &[u64]) -> Self {
        CertSpec {
            name: Some(name.into()),
            start_unix,
            duration,
            region: None,
            app_permissions: psids.iter().map(|&p| (p, None)).collect(),
            issue_permissions: None,
        }
    }

    /// A CA certificate that may issue anything, `chain_length_range` levels deep beyond the
    /// first (-1: any depth).
    pub fn ca(name: &str, start_unix: i64, duration: Duration, chain_length_range: i64) -> Self {
        CertSpec {
            name: Some(name.into()),
            start_unix,
            duration,
            region: None,
            app_permissions: Vec::new(),
            issue_permissions: Some(vec![issue_all(chain_length_range)]),
        }
    }

    fn to_tbs(&self, key: VerificationKeyIndicator) -> Result<ToBeSignedCertificate, PkiError> {
        let app = (!self.app_permissions.is_empty()).then(|| {
            SequenceOfPsidSsp(
                self.app_permissions
                    .iter()
                    .map(|(p, s)| PsidSsp {
                        psid: Psid(Integer::from(*p)),
                        ssp: s.clone(),
                    })
                    .collect(),
            )
        });
        ToBeSignedCertificate::builder()
            .id(match &self.name {
                Some(n) => CertificateId::Name(Hostname(Utf8String::from(n.as_str()))),
                None => CertificateId::None(()),
            })
            .craca_id(HashedId3([0, 0, 0].into()))
            .crl_series(CrlSeries(0))
            .validity_period(ValidityPeriod {
                start: Time32(time::time32_from_unix(self.start_unix)),
                duration: self.duration.clone(),
            })
            .maybe_region(self.region.clone())
            .maybe_app_permissions(app)
            .maybe_cert_issue_permissions(
                self.issue_permissions
                    .clone()
                    .map(SequenceOfPsidGroupPermissions),
            )
            .verify_key_indicator(key)
            .build()
            .map_err(|e| PkiError::Invalid(e.to_string()))
    }
}

/// A `certIssuePermissions` group allowing every PSID for application certificates.
pub fn issue_all(chain_length_range: i64) -> PsidGroupPermissions {
    PsidGroupPermissions::builder()
        .subject_permissions(SubjectPermissions::All(()))
        .chain_length_range(Integer::from(chain_length_range))
        .build()
}

/// Issues an explicit certificate for `subject`. `issuer` is the issuing certificate and its
/// key; `None` makes it self-signed with `subject_key` (which must then be `subject`'s).
pub fn issue_explicit(
    spec: &CertSpec,
    subject: &VerifyKey,
    issuer: Option<(&Certificate, &dyn SignerBackend)>,
    self_key: Option<&dyn SignerBackend>,
) -> Result<Certificate, PkiError> {
    let tbs = spec.to_tbs(VerificationKeyIndicator::VerificationKey(
        subject.to_its().map_err(CertError::from)?,
    ))?;
    let tbs_bytes = coer::encode(&tbs)?;
    let (issuer_id, signer_hash, backend): (
        IssuerIdentifier,
        Option<crate::hash::Digest>,
        &dyn SignerBackend,
    ) = match issuer {
        Some((cert, key)) => {
            let alg = key.curve().hash();
            let id = cert.digest_with(alg).hashed_id8().into();
            let ident = match alg {
                HashAlg::Sha256 => IssuerIdentifier::Sha256AndDigest(id),
                HashAlg::Sha384 => IssuerIdentifier::Sha384AndDigest(id),
                HashAlg::Sm3 => IssuerIdentifier::Sm3AndDigest(id),
            };
            (ident, Some(cert.digest_with(alg)), key)
        }
        None => {
            let key =
                self_key.ok_or_else(|| PkiError::Invalid("self-signed needs its key".into()))?;
            let alg = key.curve().hash();
            (IssuerIdentifier::VSelf(alg.to_its()), None, key)
        }
    };
    // ECDSA: 1609.2's H(H(tbs) || H(issuer)); SM2: YD/T 3957's SM3(Z_A || tbs).
    let input = SigningInput::for_key(&backend.public_key(), &tbs_bytes, signer_hash.as_ref())
        .map_err(CertError::from)?;
    let sig: RawSignature = backend.sign(input.as_bytes())?;
    let base = CertificateBase::builder()
        .r#type(CertificateType::Explicit)
        .issuer(issuer_id)
        .to_be_signed(tbs)
        .signature(sig.to_its())
        .build();
    let c = ExplicitCertificate::new(base).map_err(|e| PkiError::Invalid(e.to_string()))?;
    Ok(Certificate::from_its(c.into())?)
}

/// Issues an implicit (ECQV) certificate: `request` is the requester's R_U = k_U·G, `k` the
/// CA's ephemeral scalar, `ca_key` its private key. Returns the certificate and the private
/// key reconstruction value r for the requester.
pub fn issue_implicit(
    spec: &CertSpec,
    request: &p256::PublicKey,
    issuer: &Certificate,
    ca_key: &p256::NonZeroScalar,
    k: &p256::NonZeroScalar,
    rule: HashToInteger,
) -> Result<(Certificate, p256::Scalar), PkiError> {
    let p_u = ecqv::ca_contribution(k, request)?;
    let tbs = spec.to_tbs(VerificationKeyIndicator::ReconstructionValue(
        ecqv::point_to_its_compressed(&p_u),
    ))?;
    let digest =
        ecqv::certificate_digest(&coer::encode(&tbs)?, &issuer.digest_with(HashAlg::Sha256));
    let r = ecqv::ca_private_reconstruction(rule, &digest, k, ca_key);
    let base = CertificateBase::builder()
        .r#type(CertificateType::Implicit)
        .issuer(IssuerIdentifier::Sha256AndDigest(
            issuer.hashed_id8().into(),
        ))
        .to_be_signed(tbs)
        .build();
    let c = ImplicitCertificate::new(base).map_err(|e| PkiError::Invalid(e.to_string()))?;
    Ok((Certificate::from_its(c.into())?, r))
}

/// A root CA and an end-entity certificate it issued, with fresh keys: what `rsu pki init`
/// writes, and the fixture of tests and benchmarks.
pub struct TestChain {
    pub root: Certificate,
    pub root_pem: String,
    pub root_key: Box<dyn SignerBackend>,
    pub ee: Certificate,
    pub ee_pem: String,
    pub ee_key: Box<dyn SignerBackend>,
}

impl TestChain {
    /// A self-signed root from `root_spec` on `root_curve`, and an explicit end-entity
    /// certificate from `ee_spec` on `ee_curve` that it issued.
    pub fn new(
        root_spec: &CertSpec,
        root_curve: crate::keys::Curve,
        ee_spec: &CertSpec,
        ee_curve: crate::keys::Curve,
    ) -> Result<Self, PkiError> {
        let root_pem = sign::generate_pem(root_curve)?;
        let root_key = sign::backend_from_pem(&root_pem, "root key")?;
        let root = issue_explicit(
            root_spec,
            &root_key.public_key(),
            None,
            Some(root_key.as_ref()),
        )?;
        let ee_pem = sign::generate_pem(ee_curve)?;
        let ee_key = sign::backend_from_pem(&ee_pem, "end-entity key")?;
        let ee = issue_explicit(
            ee_spec,
            &ee_key.public_key(),
            Some((&root, root_key.as_ref())),
            None,
        )?;
        Ok(TestChain {
            root,
            root_pem,
            root_key,
            ee,
            ee_pem,
            ee_key,
        })
    }
}

/// Options of `rsu pki init`.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Region of the RSU certificate (the root carries none, so any region is inside it).
    pub region: Option<GeographicRegion>,
    /// Validity of the RSU certificate in days (default 365); the root gets ten years.
    pub rsu_days: Option<u16>,
}

/// What `init` wrote.
#[derive(Debug)]
pub struct InitReport {
    pub root: Certificate,
    pub rsu: Certificate,
}

/// Refuses to go on if any of `files` exists in `dir`, then creates `dir`.
fn prepare_dir(dir: &Path, files: &[&str]) -> Result<(), PkiError> {
    for f in files {
        let p = dir.join(f);
        if p.exists() {
            return Err(PkiError::Exists(p.display().to_string()));
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| PkiError::Io {
        path: dir.display().to_string(),
        source,
    })
}

/// `days` as a certificate duration: hours while they fit in 16 bits, else whole years.
fn days_duration(days: u16) -> Duration {
    match days.checked_mul(24) {
        Some(h) => Duration::Hours(h),
        None => Duration::Years(days / 365),
    }
}

/// Creates `dir/root.oer`, `dir/rsu.oer`, `dir/root-key.pem` and `dir/rsu-key.pem` (keys mode
/// 0600): a self-signed P-256 root CA and an explicit P-256 RSU application certificate it
/// issued, valid from one minute before `now_unix`.
pub fn init(dir: &Path, now_unix: i64, opts: &InitOptions) -> Result<InitReport, PkiError> {
    prepare_dir(dir, &["root.oer", "rsu.oer", "root-key.pem", "rsu-key.pem"])?;
    let start = now_unix - 60;
    let duration = days_duration(opts.rsu_days.unwrap_or(365));
    let mut spec = CertSpec::end_entity("rsu.test.invalid", start, duration, &RSU_PSIDS);
    spec.region = opts.region.clone();
    let chain = TestChain::new(
        &CertSpec::ca(
            "RSU test root CA - not for deployment",
            start,
            Duration::Years(10),
            1,
        ),
        crate::keys::Curve::NistP256,
        &spec,
        crate::keys::Curve::NistP256,
    )?;
    let TestChain {
        root,
        root_pem,
        ee: rsu,
        ee_pem: rsu_pem,
        ..
    } = chain;
    write(dir, "root.oer", root.raw(), 0o644)?;
    write(dir, "rsu.oer", rsu.raw(), 0o644)?;
    write(dir, "root-key.pem", root_pem.as_bytes(), 0o600)?;
    write(dir, "rsu-key.pem", rsu_pem.as_bytes(), 0o600)?;
    Ok(InitReport { root, rsu })
}

/// ITS-AIDs of the EU demo authorisation ticket: CAM 36, DENM 37, SPATEM 137, MAPEM 138,
/// IVIM 139, SREM 140, GN management (secured beacons) 141 and SSEM 637 (TS 102 965).
pub const EU_ITS_AIDS: [u64; 8] = [36, 37, 137, 138, 139, 140, 141, 637];

/// The SSP octets the EU demo ticket carries for `its_aid` (`None`: listed without SSP).
///
/// Chosen to permit the demo's content, never as a deployment preset: CAM `01 80 00`
/// (cenDsrcTollingZone, so an RSU CAM may list protected zones), DENM `01 20 00 00`
/// (road works), SPATEM and MAPEM `01 FF` (every permission of a one-octet bitmap, as the
/// TLM/RLT layouts are only partly known), IVIM `01 FF`, SREM and SSEM `01` (version only, no
/// special permissions), GN management none (beacons carry no SSP).
pub fn eu_demo_ssp(its_aid: u64) -> Option<Vec<u8>> {
    match its_aid {
        36 => Some(vec![0x01, 0x80, 0x00]),
        37 => Some(vec![0x01, 0x20, 0x00, 0x00]),
        137..=139 => Some(vec![0x01, 0xff]),
        140 | 637 => Some(vec![0x01]),
        _ => None,
    }
}

/// A `bitmapSsp` SSP of these octets.
pub fn bitmap_ssp(octets: &[u8]) -> ServiceSpecificPermissions {
    ServiceSpecificPermissions::BitmapSsp(BitmapSsp(OctetString::from_slice(octets)))
}

/// The EU demo ticket's `appPermissions`, with `spatem_ssp` replacing the SPATEM SSP when
/// given (a ticket whose SSP forbids IntersectionState, `01 78`, for refusal tests).
pub fn eu_app_permissions(
    spatem_ssp: Option<&[u8]>,
) -> Vec<(u64, Option<ServiceSpecificPermissions>)> {
    EU_ITS_AIDS
        .iter()
        .map(|&aid| {
            let ssp = match (aid, spatem_ssp) {
                (137, Some(o)) => Some(o.to_vec()),
                _ => eu_demo_ssp(aid),
            };
            (aid, ssp.as_deref().map(bitmap_ssp))
        })
        .collect()
}

/// One certificate of a test chain with its fresh key (PEM and backend).
struct Issued {
    cert: Certificate,
    pem: String,
    key: Box<dyn SignerBackend>,
}

/// A root, a CA it issued and a leaf the CA issued, each with a fresh key on its curve: the
/// shape of the EU and China test PKIs. `levels` gives each one's curve and name (the leaf's
/// name only labels its key in errors; its certificate is `leaf_spec`). The root is valid ten
/// years and grants depth 2, the CA five years; all start at `start_unix`.
fn three_levels(
    start_unix: i64,
    levels: [(Curve, &str); 3],
    leaf_spec: &CertSpec,
) -> Result<[Issued; 3], PkiError> {
    let [
        (root_curve, root_name),
        (ca_curve, ca_name),
        (leaf_curve, leaf_name),
    ] = levels;
    let root_pem = sign::generate_pem(root_curve)?;
    let root_key = sign::backend_from_pem(&root_pem, "root key")?;
    let root = issue_explicit(
        &CertSpec::ca(root_name, start_unix, Duration::Years(10), 1),
        &root_key.public_key(),
        None,
        Some(root_key.as_ref()),
    )?;
    let ca_pem = sign::generate_pem(ca_curve)?;
    let ca_key = sign::backend_from_pem(&ca_pem, "CA key")?;
    let ca = issue_explicit(
        &CertSpec::ca(ca_name, start_unix, Duration::Years(5), 0),
        &ca_key.public_key(),
        Some((&root, root_key.as_ref())),
        None,
    )?;
    let leaf_pem = sign::generate_pem(leaf_curve)?;
    let leaf_key = sign::backend_from_pem(&leaf_pem, &format!("{leaf_name} key"))?;
    let leaf = issue_explicit(
        leaf_spec,
        &leaf_key.public_key(),
        Some((&ca, ca_key.as_ref())),
        None,
    )?;
    Ok([
        Issued {
            cert: root,
            pem: root_pem,
            key: root_key,
        },
        Issued {
            cert: ca,
            pem: ca_pem,
            key: ca_key,
        },
        Issued {
            cert: leaf,
            pem: leaf_pem,
            key: leaf_key,
        },
    ])
}

/// A test PKI shaped like the EU CCMS (TS 102 941): a self-signed brainpoolP384r1 root CA,
/// a NIST P-256 authorisation authority (AA) it issued, and a NIST P-256 authorisation
/// ticket (AT) the AA issued, all explicit certificates as EU practice has them. The AT is
/// what an RSU signs with.
pub struct EuChain {
    pub root: Certificate,
    pub root_pem: String,
    pub root_key: Box<dyn SignerBackend>,
    pub aa: Certificate,
    pub aa_pem: String,
    pub aa_key: Box<dyn SignerBackend>,
    pub at: Certificate,
    pub at_pem: String,
    pub at_key: Box<dyn SignerBackend>,
}

impl EuChain {
    /// The three certificates with fresh keys, valid from `start_unix`: root ten years, AA
    /// five, AT `at_spec`'s duration; the AT gets `at_spec`'s permissions and region.
    pub fn new(start_unix: i64, at_spec: &CertSpec) -> Result<Self, PkiError> {
        let [root, aa, at] = three_levels(
            start_unix,
            [
                (
                    Curve::BrainpoolP384r1,
                    "EU-shaped test root CA - not for deployment",
                ),
                (Curve::NistP256, "EU-shaped test authorization authority"),
                (Curve::NistP256, "AT"),
            ],
            at_spec,
        )?;
        Ok(EuChain {
            root: root.cert,
            root_pem: root.pem,
            root_key: root.key,
            aa: aa.cert,
            aa_pem: aa.pem,
            aa_key: aa.key,
            at: at.cert,
            at_pem: at.pem,
            at_key: at.key,
        })
    }

    /// The demo chain: an AT (no name, as EU tickets are anonymous) for [`EU_ITS_AIDS`] with
    /// the demo SSPs, `spatem_ssp` replacing the SPATEM one when given.
    pub fn demo(
        start_unix: i64,
        at_duration: Duration,
        spatem_ssp: Option<&[u8]>,
    ) -> Result<Self, PkiError> {
        let spec = CertSpec {
            name: None,
            start_unix,
            duration: at_duration,
            region: None,
            app_permissions: eu_app_permissions(spatem_ssp),
            issue_permissions: None,
        };
        Self::new(start_unix, &spec)
    }
}

/// Options of `rsu pki init --region eu`.
#[derive(Debug, Clone, Default)]
pub struct EuInitOptions {
    /// Region of the authorisation ticket (root and AA carry none).
    pub region: Option<GeographicRegion>,
    /// Validity of the ticket in days (default 365).
    pub at_days: Option<u16>,
    /// The ticket's SPATEM (137) SSP octets instead of the demo's `01 FF`; `01 78` makes a
    /// ticket that forbids IntersectionState.
    pub spatem_ssp: Option<Vec<u8>>,
}

/// What `init_eu` wrote.
#[derive(Debug)]
pub struct EuInitReport {
    pub root: Certificate,
    pub aa: Certificate,
    pub at: Certificate,
}

/// Creates the EU-shaped test PKI of [`EuChain`] in `dir`: `root.oer`, `aa.oer`, `rsu.oer`
/// (the authorisation ticket) and `root-key.pem`, `aa-key.pem`, `rsu-key.pem` (mode 0600),
/// valid from one minute before `now_unix`. `rsu.oer` and `rsu-key.pem` keep the US names so
/// that `rsu sign` and the configuration point at the ticket the same way; a trust folder
/// loaded from `dir` holds the root as anchor and the AA to chain through.
pub fn init_eu(dir: &Path, now_unix: i64, opts: &EuInitOptions) -> Result<EuInitReport, PkiError> {
    if let Some(ssp) = &opts.spatem_ssp {
        crate::etsi::ssp::EtsiSsp::parse(ssp)
            .map_err(|e| PkiError::Invalid(format!("SPATEM SSP: {e}")))?;
    }
    prepare_dir(
        dir,
        &[
            "root.oer",
            "aa.oer",
            "rsu.oer",
            "root-key.pem",
            "aa-key.pem",
            "rsu-key.pem",
        ],
    )?;
    let start = now_unix - 60;
    let spec = CertSpec {
        name: None,
        start_unix: start,
        duration: days_duration(opts.at_days.unwrap_or(365)),
        region: opts.region.clone(),
        app_permissions: eu_app_permissions(opts.spatem_ssp.as_deref()),
        issue_permissions: None,
    };
    let c = EuChain::new(start, &spec)?;
    write(dir, "root.oer", c.root.raw(), 0o644)?;
    write(dir, "aa.oer", c.aa.raw(), 0o644)?;
    write(dir, "rsu.oer", c.at.raw(), 0o644)?;
    write(dir, "root-key.pem", c.root_pem.as_bytes(), 0o600)?;
    write(dir, "aa-key.pem", c.aa_pem.as_bytes(), 0o600)?;
    write(dir, "rsu-key.pem", c.at_pem.as_bytes(), 0o600)?;
    Ok(EuInitReport {
        root: c.root,
        aa: c.aa,
        at: c.at,
    })
}

/// The `countryOnly` region of China (UN M.49 156), as the CAICT root carries it.
pub fn cn_country_region() -> GeographicRegion {
    GeographicRegion::IdentifiedRegion(SequenceOfIdentifiedRegion(vec![
        IdentifiedRegion::CountryOnly(UnCountryId(crate::cn::COUNTRY_CHINA)),
    ]))
}

/// A test PKI shaped like China's V2X PKI (YD/T 3957): a self-signed SM2 root CA, an SM2
/// application CA (ACA) it issued, and an SM2 RSU application certificate the ACA issued, all
/// explicit with `sm3AndDigest` issuers. The root signs itself with SM2 ID
/// "1234567812345678"; each issued certificate is signed with ID = SM3(issuer certificate)
/// (see [`crate::cn`]).
pub struct CnChain {
    pub root: Certificate,
    pub root_pem: String,
    pub root_key: Box<dyn SignerBackend>,
    pub aca: Certificate,
    pub aca_pem: String,
    pub aca_key: Box<dyn SignerBackend>,
    pub rsu: Certificate,
    pub rsu_pem: String,
    pub rsu_key: Box<dyn SignerBackend>,
}

impl CnChain {
    /// The three certificates with fresh SM2 keys, valid from `start_unix`: root ten years,
    /// ACA five, the RSU certificate as `rsu_spec` says (duration, AIDs, region).
    pub fn new(start_unix: i64, rsu_spec: &CertSpec) -> Result<Self, PkiError> {
        let [root, aca, rsu] = three_levels(
            start_unix,
            [
                (Curve::Sm2, "CN-shaped test root CA - not for deployment"),
                (Curve::Sm2, "CN-shaped test application CA"),
                (Curve::Sm2, "RSU"),
            ],
            rsu_spec,
        )?;
        Ok(CnChain {
            root: root.cert,
            root_pem: root.pem,
            root_key: root.key,
            aca: aca.cert,
            aca_pem: aca.pem,
            aca_key: aca.key,
            rsu: rsu.cert,
            rsu_pem: rsu.pem,
            rsu_key: rsu.key,
        })
    }

    /// The RSU application certificate's spec: named `rsu.test.invalid`, the CN RSU AIDs
    /// ([`crate::cn::RSU_AIDS`]) without SSP, `region` or else countryOnly 156.
    pub fn rsu_spec(
        start_unix: i64,
        duration: Duration,
        region: Option<GeographicRegion>,
    ) -> CertSpec {
        let mut spec = CertSpec::end_entity(
            "rsu.test.invalid",
            start_unix,
            duration,
            &crate::cn::RSU_AIDS,
        );
        spec.region = Some(region.unwrap_or_else(cn_country_region));
        spec
    }
}

/// Options of `rsu pki init --region cn`.
#[derive(Debug, Clone, Default)]
pub struct CnInitOptions {
    /// Region of the RSU certificate; `None`: countryOnly 156 (China). Root and ACA carry
    /// none, so any region is inside them.
    pub region: Option<GeographicRegion>,
    /// Validity of the RSU certificate in days (default 365).
    pub rsu_days: Option<u16>,
}

/// What `init_cn` wrote.
#[derive(Debug)]
pub struct CnInitReport {
    pub root: Certificate,
    pub aca: Certificate,
    pub rsu: Certificate,
}

/// Creates the China-shaped test PKI of [`CnChain`] in `dir`: `root.oer`, `aca.oer`,
/// `rsu.oer` and `root-key.pem`, `aca-key.pem`, `rsu-key.pem` (PKCS#8 SM2 keys, mode 0600),
/// valid from one minute before `now_unix`. The RSU certificate permits the CN AIDs MAP 3618,
/// SPAT 3619, RSI 3620/3621/3622 and RSM 3623. As with [`init_eu`], `rsu.oer` and
/// `rsu-key.pem` are what `rsu sign` and the configuration point at, and a trust folder loaded
/// from `dir` holds the root as anchor and the ACA to chain through.
pub fn init_cn(dir: &Path, now_unix: i64, opts: &CnInitOptions) -> Result<CnInitReport, PkiError> {
    prepare_dir(
        dir,
        &[
            "root.oer",
            "aca.oer",
            "rsu.oer",
            "root-key.pem",
            "aca-key.pem",
            "rsu-key.pem",
        ],
    )?;
    let start = now_unix - 60;
    let spec = CnChain::rsu_spec(
        start,
        days_duration(opts.rsu_days.unwrap_or(365)),
        opts.region.clone(),
    );
    let c = CnChain::new(start, &spec)?;
    write(dir, "root.oer", c.root.raw(), 0o644)?;
    write(dir, "aca.oer", c.aca.raw(), 0o644)?;
    write(dir, "rsu.oer", c.rsu.raw(), 0o644)?;
    write(dir, "root-key.pem", c.root_pem.as_bytes(), 0o600)?;
    write(dir, "aca-key.pem", c.aca_pem.as_bytes(), 0o600)?;
    write(dir, "rsu-key.pem", c.rsu_pem.as_bytes(), 0o600)?;
    Ok(CnInitReport {
        root: c.root,
        aca: c.aca,
        rsu: c.rsu,
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8], mode: u32) -> Result<(), PkiError> {
    use std::io::Write as _;
    let path = dir.join(name);
    let io = |source| PkiError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(&path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}
