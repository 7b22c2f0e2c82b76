//! `rsu pki init`, `rsu sign` and `rsu verify`: IEEE 1609.2 / ETSI TS 103 097 tools over
//! `rsu-security`.

use rsu_hw::Psid;
use rsu_security::cert::Certificate;
use rsu_security::pki;
use rsu_security::sign::{self, Signer};
use rsu_security::spdu::SignerInfo;
use rsu_security::time;
use rsu_security::trust::{TrustConfig, TrustStore};
use rsu_security::verify::{Verifier, VerifierConfig};
use std::path::Path;
use std::sync::Arc;

/// A failure: the message, and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub status: u8,
}

pub(crate) fn bad(message: impl std::fmt::Display) -> Failure {
    Failure {
        message: message.to_string(),
        status: 2,
    }
}

/// The options of `rsu pki init DIR`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PkiInitArgs<'a> {
    /// `us` or `eu`; a `LAT,LON,RADIUS_M` value is taken as `area` with `us` (the flag's
    /// meaning before the EU region existed).
    pub region: &'a str,
    /// `LAT,LON,RADIUS_M`: the RSU certificate's (EU: the ticket's) circular region.
    pub area: Option<&'a str>,
    pub days: Option<u16>,
    /// EU only: the ticket's SPATEM SSP as hex.
    pub spatem_ssp: Option<&'a str>,
}

/// `rsu pki init DIR [--region us|eu] [--area LAT,LON,RADIUS_M] [--days N] [--spatem-ssp HEX]`.
pub fn pki_init(dir: &Path, now_unix: i64, args: &PkiInitArgs<'_>) -> Result<String, Failure> {
    let (eu, area) = match args.region.trim().to_ascii_lowercase().as_str() {
        "" | "us" => (false, args.area),
        "eu" => (true, args.area),
        _ if args.region.contains(',') && args.area.is_none() => (false, Some(args.region)),
        _ => {
            return Err(bad(format!(
                "--region {:?}: expected us or eu (a circle goes in --area LAT,LON,RADIUS_M)",
                args.region
            )));
        }
    };
    let region = area.map(parse_circle).transpose()?;
    if eu {
        return pki_init_eu(dir, now_unix, region, args);
    }
    if args.spatem_ssp.is_some() {
        return Err(bad("--spatem-ssp applies to --region eu only"));
    }
    let report = pki::init(
        dir,
        now_unix,
        &pki::InitOptions {
            region,
            rsu_days: args.days,
        },
    )
    .map_err(bad)?;
    Ok(format!(
        "wrote {d}/root.oer (root CA {root}), {d}/rsu.oer (RSU {rsu}, PSIDs {psids}), {d}/root-key.pem and {d}/rsu-key.pem (mode 0600)\n\
         these are a throw-away test PKI: trusted by nobody else, not for deployment",
        d = dir.display(),
        root = report.root.hashed_id8(),
        rsu = report.rsu.hashed_id8(),
        psids = pki::RSU_PSIDS
            .map(|p| u32::try_from(p)
                .ok()
                .and_then(Psid::new)
                .map_or_else(|| p.to_string(), |p| p.to_string()))
            .join(" "),
    ))
}

/// `rsu pki init --region eu`: the EU-shaped root, AA and authorisation ticket.
fn pki_init_eu(
    dir: &Path,
    now_unix: i64,
    region: Option<rasn_its::ieee1609dot2::base_types::GeographicRegion>,
    args: &PkiInitArgs<'_>,
) -> Result<String, Failure> {
    let spatem_ssp = args
        .spatem_ssp
        .map(|h| {
            hex::decode(h.trim()).map_err(|_| {
                bad(format!(
                    "--spatem-ssp {h:?}: expected hex octets, e.g. 01ff"
                ))
            })
        })
        .transpose()?;
    let report = pki::init_eu(
        dir,
        now_unix,
        &pki::EuInitOptions {
            region,
            at_days: args.days,
            spatem_ssp,
        },
    )
    .map_err(bad)?;
    let aids = pki::EU_ITS_AIDS
        .iter()
        .map(|&aid| match pki::eu_demo_ssp(aid) {
            _ if aid == 137 => format!(
                "137:{}",
                args.spatem_ssp
                    .map_or("01ff".into(), |h| h.trim().to_lowercase())
            ),
            Some(ssp) => format!("{aid}:{}", hex::encode(ssp)),
            None => aid.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    Ok(format!(
        "wrote {d}/root.oer (root CA {root}, brainpoolP384r1), {d}/aa.oer (authorization authority {aa}),          {d}/rsu.oer (authorization ticket {at}, ITS-AID:SSP {aids}), {d}/root-key.pem, {d}/aa-key.pem and {d}/rsu-key.pem (mode 0600)\n\
         these are a throw-away test PKI shaped like the EU CCMS: trusted by nobody else, not for deployment",
        d = dir.display(),
        root = report.root.hashed_id8(),
        aa = report.aa.hashed_id8(),
        at = report.at.hashed_id8(),
    ))
}

/// `LAT,LON,RADIUS_M` in degrees and metres → a circular region.
fn parse_circle(
    text: &str,
) -> Result<rasn_its::ieee1609dot2::base_types::GeographicRegion, Failure> {
    use rasn_its::ieee1609dot2::base_types::{
        CircularRegion, GeographicRegion, Latitude, Longitude, NinetyDegreeInt, OneEightyDegreeInt,
        TwoDLocation,
    };
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let err = || {
        bad(format!(
            "--area {text:?}: expected LAT,LON,RADIUS_M (degrees, degrees, metres)"
        ))
    };
    let [lat, lon, r] = parts[..] else {
        return Err(err());
    };
    let (lat, lon) = crate::input::tenth_microdegrees(lat, lon).map_err(|_| err())?;
    let r: u16 = r.parse().map_err(|_| err())?;
    Ok(GeographicRegion::CircularRegion(CircularRegion {
        center: TwoDLocation {
            latitude: Latitude(NinetyDegreeInt::from(lat)),
            longitude: Longitude(OneEightyDegreeInt(lon)),
        },
        radius: r,
    }))
}

/// `rsu sign`: the SPDU as hex.
pub fn sign(
    cert: &Path,
    key: &Path,
    psid: &str,
    payload: &[u8],
    now_us: i64,
    digest: bool,
) -> Result<String, Failure> {
    let psid = u64::from(Psid::parse(psid).map_err(bad)?.value());
    let bytes = std::fs::read(cert).map_err(|e| bad(format!("{}: {e}", cert.display())))?;
    let cert =
        Certificate::from_coer(&bytes).map_err(|e| bad(format!("{}: {e}", cert.display())))?;
    let backend = sign::load_key_file(key).map_err(bad)?;
    let mut signer =
        Signer::new(backend, Arc::new(cert)).map_err(|e| bad(format!("{}: {e}", key.display())))?;
    if digest {
        signer.policy.interval_us = i64::MAX;
        // The first SPDU of a signer carries the certificate; make this one the second.
        let _ = signer.sign(psid, payload, now_us).map_err(bad)?;
    }
    let spdu = signer.sign(psid, payload, now_us).map_err(bad)?;
    Ok(hex::encode(spdu))
}

/// `rsu verify`: the JSON report and the exit status (0 valid, 1 invalid, 2 not an SPDU).
pub fn verify(trust: &Path, spdu: &[u8], now_us: i64) -> Result<(serde_json::Value, u8), Failure> {
    let mut store = TrustStore::new(TrustConfig::default());
    let n = store.load_dir(trust).map_err(bad)?;
    if store.anchors().count() == 0 {
        return Err(bad(format!(
            "{}: {n} certificate(s), none self-signed: no trust anchor",
            trust.display()
        )));
    }
    let mut verifier = Verifier::new(store, VerifierConfig::default());
    let out = verifier
        .verify(spdu, now_us)
        .map_err(|e| bad(format!("not an SPDU: {e}")))?;
    let signed = out.signed();
    let mut json = serde_json::json!({
        "valid": out.is_valid(),
        "reason": out.reason.as_ref().map_or("valid", |r| r.code()),
        "psid": signed.map(|s| s.header.psid),
        "signer": out.signer_id().map(|h| h.to_string()),
        "generationTime": signed.and_then(|s| s.header.generation_time),
        "payload": out.payload().map(hex::encode),
    });
    if let Some(r) = &out.reason {
        json["detail"] = serde_json::Value::String(r.to_string());
    }
    // Unsecured data has no signer (null); a self-signed SPDU gets no form.
    match signed.map(|s| &s.signer) {
        None => json["signerForm"] = serde_json::Value::Null,
        Some(SignerInfo::Certificates(_)) => json["signerForm"] = "certificate".into(),
        Some(SignerInfo::Digest(_)) => json["signerForm"] = "digest".into(),
        Some(SignerInfo::SelfSigned) => {}
    }
    Ok((json, if out.is_valid() { 0 } else { 1 }))
}

/// Now, or `--at UNIX_SECONDS`, in Unix microseconds.
pub fn now_us(at: Option<i64>) -> i64 {
    at.map_or_else(time::now_unix_micros, |s| s.saturating_mul(1_000_000))
}
