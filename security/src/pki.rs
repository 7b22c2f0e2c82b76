//! A throw-away PKI for tests and demonstrations: **not for deployment**. A real RSU gets its
//! certificates from the authority's SCMS/CCMS; these are self-made and trusted by nobody else.
//!
//! Also the certificate issuing used by the tests (explicit and implicit certificates).

use crate::cert::{CertError, Certificate};
use crate::coer;
use crate::ecqv::{self, HashToInteger};
use crate::hash::{HashAlg, SigningInput};
use crate::keys::{RawSignature, VerifyKey};
use crate::sign::{self, SignError, SignerBackend};
use crate::time;
use rasn::types::{Integer, Utf8String};
use rasn_its::ieee1609dot2::base_types::{
    CrlSeries, Duration, GeographicRegion, HashedId3, Hostname, Psid, PsidSsp, SequenceOfPsidSsp,
    ServiceSpecificPermissions, Time32, ValidityPeriod,
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
        crate::hash::Digest,
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
            (ident, cert.digest_with(alg), key)
        }
        None => {
            let key =
                self_key.ok_or_else(|| PkiError::Invalid("self-signed needs its key".into()))?;
            let alg = key.curve().hash();
            (IssuerIdentifier::VSelf(alg.to_its()), alg.digest(b""), key)
        }
    };
    let alg = backend.curve().hash();
    let sig: RawSignature =
        backend.sign(SigningInput::new(alg, &tbs_bytes, &signer_hash).as_bytes())?;
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

/// Creates `dir/root.oer`, `dir/rsu.oer`, `dir/root-key.pem` and `dir/rsu-key.pem` (keys mode
/// 0600): a self-signed P-256 root CA and an explicit P-256 RSU application certificate it
/// issued, valid from one minute before `now_unix`.
pub fn init(dir: &Path, now_unix: i64, opts: &InitOptions) -> Result<InitReport, PkiError> {
    let files = ["root.oer", "rsu.oer", "root-key.pem", "rsu-key.pem"];
    for f in files {
        let p = dir.join(f);
        if p.exists() {
            return Err(PkiError::Exists(p.display().to_string()));
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| PkiError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let start = now_unix - 60;
    let days = opts.rsu_days.unwrap_or(365);
    let duration = match days.checked_mul(24) {
        Some(h) => Duration::Hours(h),
        None => Duration::Years(days / 365),
    };
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
