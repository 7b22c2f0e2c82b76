//! Trust store and certificate chain validation (1609.2 §5.1, §6.4).
//!
//! Trust anchors (self-signed roots) and other known certificates (intermediate CAs, and end
//! entities so that a digest signer can be resolved) are loaded from files. A chain is linked
//! by issuer HashedId8 up to an anchor; each link checks the issuer's signature (explicit) or
//! reconstructs the key (implicit, ECQV), nested validity and nested regions. Validated
//! certificates are cached by HashedId8 in a bounded cache, so the hot path of a digest-signed
//! SPDU is one hash-map lookup.
//!
//! PSID permissions depend on the SPDU, so they are checked per SPDU by [`permits`], walking
//! the (cached) chain.

use crate::cert::{self, CertError, Certificate, IssuerRef, KeyIndicator};
use crate::ecqv::{self, HashToInteger};
use crate::hash::HashedId8;
use crate::keys::VerifyKey;
use crate::region::{self, Containment};
use rasn_its::ieee1609dot2::base_types::{GeographicRegion, ServiceSpecificPermissions, SspRange};
use rasn_its::ieee1609dot2::{SubjectPermissions, ToBeSignedCertificate};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to do when a region check cannot be decided (an identified region against a
/// geometric one needs a country map this product does not carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionPolicy {
    /// Accept what cannot be decided (vanetza does the same for identified regions).
    Lenient,
    /// Reject what cannot be decided.
    Strict,
}

/// Chain-validation settings.
#[derive(Debug, Clone)]
pub struct TrustConfig {
    /// Slack on every validity boundary, in seconds: issuers disagree on the TAI offset.
    pub time_tolerance_s: i64,
    /// Validated certificates kept.
    pub cache_capacity: usize,
    pub region_policy: RegionPolicy,
    /// How an implicit certificate's hash becomes the ECQV integer e.
    pub ecqv_rule: HashToInteger,
    /// Longest chain followed (signer plus issuers).
    pub max_chain: usize,
}

impl Default for TrustConfig {
    fn default() -> Self {
        TrustConfig {
            time_tolerance_s: 10,
            cache_capacity: 1024,
            region_policy: RegionPolicy::Lenient,
            ecqv_rule: HashToInteger::FullDigest,
            max_chain: 6,
        }
    }
}

/// Why a certificate chain is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("issuer {0} of a certificate in the chain is not known")]
    UnknownIssuer(HashedId8),
    #[error("chain ends at self-signed certificate {0}, which is not a trust anchor")]
    UntrustedRoot(HashedId8),
    #[error("certificate {id} expired at Unix time {until}")]
    Expired { id: HashedId8, until: i64 },
    #[error("certificate {id} is not valid before Unix time {from}")]
    NotYetValid { id: HashedId8, from: i64 },
    #[error("certificate {0}'s validity is not inside its issuer's")]
    ValidityOutsideIssuer(HashedId8),
    #[error("certificate {0}'s region is not inside its issuer's")]
    RegionOutsideIssuer(HashedId8),
    #[error("certificate {0}'s issuer signature does not verify")]
    BadCertificateSignature(HashedId8),
    #[error("certificate {0}: {1}")]
    Malformed(HashedId8, String),
    #[error("certificate {0}'s issuer may not issue certificates")]
    IssuerNotAuthorized(HashedId8),
    #[error("chain longer than {0}")]
    TooLong(usize),
}

/// A certificate whose chain to a trust anchor has been validated.
#[derive(Debug)]
pub struct ValidatedCert {
    pub cert: Arc<Certificate>,
    /// The verification key (reconstructed for implicit certificates).
    pub key: VerifyKey,
    /// The issuer, validated; `None` for a trust anchor.
    pub issuer: Option<Arc<ValidatedCert>>,
    /// Unix seconds during which this certificate and every issuer are valid.
    pub valid_from: i64,
    pub valid_until: i64,
    /// The region in force: its own, or inherited from the nearest issuer that has one.
    pub region: Option<GeographicRegion>,
}

impl ValidatedCert {
    /// The trust anchor this chain ends at.
    pub fn root(&self) -> &ValidatedCert {
        let mut c = self;
        while let Some(i) = &c.issuer {
            c = i;
        }
        c
    }
}

/// Trust anchors, known certificates and the cache of validated ones.
///
/// `Clone` gives an independent store (certificates are shared, the cache is copied), so each
/// verification worker thread can own one without a lock.
#[derive(Debug, Clone)]
pub struct TrustStore {
    config: TrustConfig,
    anchors: HashMap<HashedId8, Arc<Certificate>>,
    known: HashMap<HashedId8, Arc<Certificate>>,
    cache: HashMap<HashedId8, (Arc<ValidatedCert>, u64)>,
    tick: u64,
    stats: CacheStats,
}

/// How often a validated chain was found in the cache, counted since the store was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups of a signer's or issuer's chain that found it validated already.
    pub hits: u64,
    /// Lookups that did not, so the chain was validated (or refused).
    pub misses: u64,
}

/// Why the trust store could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Cert { path: PathBuf, source: CertError },
    #[error("{path}: self-signed certificate {id} does not verify its own signature")]
    BadAnchor { path: PathBuf, id: HashedId8 },
}

impl TrustStore {
    pub fn new(config: TrustConfig) -> Self {
        TrustStore {
            config,
            anchors: HashMap::new(),
            known: HashMap::new(),
            cache: HashMap::new(),
            tick: 0,
            stats: CacheStats::default(),
        }
    }

    pub fn config(&self) -> &TrustConfig {
        &self.config
    }

    /// Adds a certificate: a self-signed one becomes a trust anchor (its self-signature must
    /// verify), any other a known certificate that must still chain to an anchor when used.
    pub fn add(&mut self, cert: Certificate) -> Result<HashedId8, CertError> {
        let id = cert.hashed_id8();
        if cert.is_self_signed() {
            let ok = cert
                .verify_key()
                .is_some_and(|k| cert::verify_certificate_signature(&cert, None, k));
            if !ok {
                return Err(CertError::Invalid(
                    "self-signed certificate whose signature does not verify",
                ));
            }
            self.anchors.insert(id, Arc::new(cert));
        } else {
            self.known.insert(id, Arc::new(cert));
        }
        Ok(id)
    }

    /// Adds every `.oer` file in `dir` (see [`TrustStore::add`]); returns how many.
    pub fn load_dir(&mut self, dir: &Path) -> Result<usize, LoadError> {
        let io = |source| LoadError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "oer"))
            .collect();
        paths.sort();
        for p in &paths {
            self.load_file(p)?;
        }
        Ok(paths.len())
    }

    /// Adds one COER certificate file.
    pub fn load_file(&mut self, path: &Path) -> Result<HashedId8, LoadError> {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let cert = Certificate::from_coer(&bytes).map_err(|source| LoadError::Cert {
            path: path.to_path_buf(),
            source,
        })?;
        let id = cert.hashed_id8();
        self.add(cert).map_err(|_| LoadError::BadAnchor {
            path: path.to_path_buf(),
            id,
        })
    }

    pub fn anchors(&self) -> impl Iterator<Item = &Arc<Certificate>> {
        self.anchors.values()
    }

    /// A certificate by HashedId8, anchor or known.
    pub fn find(&self, id: &HashedId8) -> Option<&Arc<Certificate>> {
        self.anchors.get(id).or_else(|| self.known.get(id))
    }

    /// Remembers a certificate learnt from the air (a signer that sent its full certificate),
    /// so later digest-signed SPDUs from it resolve. It is validated when used.
    pub fn learn(&mut self, cert: &Certificate) {
        let id = cert.hashed_id8();
        if !self.anchors.contains_key(&id)
            && !self.known.contains_key(&id)
            && !cert.is_self_signed()
        {
            if self.known.len() >= self.config.cache_capacity * 4 {
                // Bounded: drop an arbitrary learnt entry rather than grow without end.
                if let Some(k) = self.known.keys().next().copied() {
                    self.known.remove(&k);
                }
            }
            self.known.insert(id, Arc::new(cert.clone()));
        }
    }

    /// The validated chain of a known certificate, from the cache when possible.
    pub fn validate_id(
        &mut self,
        id: &HashedId8,
        at_unix: i64,
    ) -> Result<Arc<ValidatedCert>, ChainError> {
        if let Some(v) = self.cached_signer(id) {
            self.check_time(&v, at_unix)?;
            return Ok(v);
        }
        let cert = self
            .find(id)
            .cloned()
            .ok_or(ChainError::UnknownIssuer(*id))?;
        self.validate(&cert, at_unix)
    }

    /// As [`TrustStore::validate`] for a certificate that came with an SPDU: it is cloned
    /// into the store's keeping only when its chain is not cached yet.
    pub fn validate_received(
        &mut self,
        cert: &Certificate,
        at_unix: i64,
    ) -> Result<Arc<ValidatedCert>, ChainError> {
        if let Some(v) = self.cached_signer(&cert.hashed_id8()) {
            self.check_time(&v, at_unix)?;
            return Ok(v);
        }
        self.validate(&Arc::new(cert.clone()), at_unix)
    }

    /// Validates `cert`'s chain at `at_unix` (Unix seconds).
    pub fn validate(
        &mut self,
        cert: &Arc<Certificate>,
        at_unix: i64,
    ) -> Result<Arc<ValidatedCert>, ChainError> {
        let v = self.validate_at_depth(cert, 0)?;
        self.check_time(&v, at_unix)?;
        Ok(v)
    }

    fn cached(&mut self, id: &HashedId8) -> Option<Arc<ValidatedCert>> {
        self.tick += 1;
        let tick = self.tick;
        self.cache.get_mut(id).map(|(v, t)| {
            *t = tick;
            v.clone()
        })
    }

    /// [`TrustStore::cached`] for a signer's certificate, counted in [`CacheStats`].
    fn cached_signer(&mut self, id: &HashedId8) -> Option<Arc<ValidatedCert>> {
        let found = self.cached(id);
        if found.is_some() {
            self.stats.hits += 1;
        } else {
            self.stats.misses += 1;
        }
        found
    }

    /// Signer lookups ([`TrustStore::validate_id`], [`TrustStore::validate_received`]) that
    /// found the chain validated already, and those that did not.
    pub fn cache_stats(&self) -> CacheStats {
        self.stats
    }

    fn remember(&mut self, v: &Arc<ValidatedCert>) {
        if self.config.cache_capacity == 0 {
            return;
        }
        if self.cache.len() >= self.config.cache_capacity {
            // Evict the least recently used entry: O(n), and only on a miss.
            if let Some(old) = self
                .cache
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| *k)
            {
                self.cache.remove(&old);
            }
        }
        self.tick += 1;
        self.cache
            .insert(v.cert.hashed_id8(), (v.clone(), self.tick));
    }

    /// Number of validated certificates cached.
    pub fn cached_len(&self) -> usize {
        self.cache.len()
    }

    fn check_time(&self, v: &ValidatedCert, at: i64) -> Result<(), ChainError> {
        let tol = self.config.time_tolerance_s;
        // The chain's validity is the intersection kept in `v`; only when `at` falls outside
        // it is the chain walked to report which certificate is out of time, nearest first.
        if at + tol >= v.valid_from && at - tol <= v.valid_until {
            return Ok(());
        }
        let mut c = Some(v);
        while let Some(x) = c {
            let (from, until) = (x.cert.valid_from_unix(), x.cert.valid_until_unix());
            if at + tol < from {
                return Err(ChainError::NotYetValid {
                    id: x.cert.hashed_id8(),
                    from,
                });
            }
            if at - tol > until {
                return Err(ChainError::Expired {
                    id: x.cert.hashed_id8(),
                    until,
                });
            }
            c = x.issuer.as_deref();
        }
        Ok(())
    }

    fn validate_at_depth(
        &mut self,
        cert: &Arc<Certificate>,
        depth: usize,
    ) -> Result<Arc<ValidatedCert>, ChainError> {
        let id = cert.hashed_id8();
        if let Some(v) = self.cached(&id) {
            return Ok(v);
        }
        if depth >= self.config.max_chain {
            return Err(ChainError::TooLong(self.config.max_chain));
        }
        let issuer_id = match cert.issuer() {
            IssuerRef::SelfSigned(_) => {
                let anchored = self
                    .anchors
                    .get(&id)
                    .is_some_and(|a| a.canonical() == cert.canonical());
                if !anchored {
                    return Err(ChainError::UntrustedRoot(id));
                }
                let key = cert
                    .verify_key()
                    .cloned()
                    .ok_or_else(|| ChainError::Malformed(id, "self-signed without a key".into()))?;
                let v = Arc::new(ValidatedCert {
                    cert: cert.clone(),
                    key,
                    issuer: None,
                    valid_from: cert.valid_from_unix(),
                    valid_until: cert.valid_until_unix(),
                    region: cert.tbs().region.clone(),
                });
                self.remember(&v);
                return Ok(v);
            }
            IssuerRef::Digest(_, issuer_id) => issuer_id,
        };
        let issuer_cert = self
            .find(&issuer_id)
            .cloned()
            .ok_or(ChainError::UnknownIssuer(issuer_id))?;
        let issuer = self.validate_at_depth(&issuer_cert, depth + 1)?;
        if issuer.cert.tbs().cert_issue_permissions.is_none() {
            return Err(ChainError::IssuerNotAuthorized(id));
        }
        let key = match cert
            .key()
            .map_err(|e| ChainError::Malformed(id, e.to_string()))?
        {
            KeyIndicator::Explicit(k) => {
                if !cert::verify_certificate_signature(cert, Some(&issuer.cert), &issuer.key) {
                    return Err(ChainError::BadCertificateSignature(id));
                }
                k.clone()
            }
            KeyIndicator::Implicit(reconstruction) => {
                let VerifyKey::NistP256 { uncompressed } = &issuer.key else {
                    return Err(ChainError::Malformed(
                        id,
                        "implicit certificate from a non-P-256 issuer".into(),
                    ));
                };
                let issuer_pk = p256::PublicKey::from_sec1_bytes(uncompressed)
                    .map_err(|_| ChainError::Malformed(id, "issuer key".into()))?;
                let digest = ecqv::certificate_digest(
                    cert.tbs_bytes(),
                    &issuer.cert.digest_with(crate::hash::HashAlg::Sha256),
                );
                let pk = ecqv::reconstruct_public_key(
                    self.config.ecqv_rule,
                    &digest,
                    reconstruction,
                    &issuer_pk,
                )
                .map_err(|e| ChainError::Malformed(id, e.to_string()))?;
                VerifyKey::from_p256(&pk)
            }
        };
        let tol = self.config.time_tolerance_s;
        let (from, until) = (cert.valid_from_unix(), cert.valid_until_unix());
        if from + tol < issuer.valid_from || until - tol > issuer.valid_until {
            return Err(ChainError::ValidityOutsideIssuer(id));
        }
        let region = match (&cert.tbs().region, &issuer.region) {
            (None, inherited) => inherited.clone(),
            (Some(own), None) => Some(own.clone()),
            (Some(own), Some(outer)) => {
                match region::region_within(own, outer) {
                    Ok(Containment::Inside) => {}
                    Ok(Containment::Undecidable)
                        if self.config.region_policy == RegionPolicy::Lenient => {}
                    Ok(_) => return Err(ChainError::RegionOutsideIssuer(id)),
                    Err(e) => return Err(ChainError::Malformed(id, e.to_string())),
                }
                Some(own.clone())
            }
        };
        let v = Arc::new(ValidatedCert {
            cert: cert.clone(),
            key,
            valid_from: from.max(issuer.valid_from),
            valid_until: until.min(issuer.valid_until),
            issuer: Some(issuer),
            region,
        });
        self.remember(&v);
        Ok(v)
    }
}

/// Why a validated chain does not permit a PSID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermissionError {
    #[error("PSID {0} is not in the signer's appPermissions")]
    NotInAppPermissions(u64),
    #[error("PSID {psid} needs an SSP and the signer's certificate has none")]
    SspMissing { psid: u64 },
    #[error("issuer {issuer} may not issue PSID {psid} at chain depth {depth}")]
    NotIssuable {
        psid: u64,
        issuer: HashedId8,
        depth: usize,
    },
}

/// Checks that `signer` may sign for `psid`: the PSID is in its `appPermissions` (with an SSP
/// where `ssp_required`), and every issuer's `certIssuePermissions` has a group that covers the
/// PSID and the SSP, for end-entity type "app", at the issuer's distance from the signer
/// (`minChainLength ≤ depth ≤ minChainLength + chainLengthRange`, range -1 = unbounded).
/// Returns the signer's SSP.
pub fn permits(
    signer: &ValidatedCert,
    psid: u64,
    ssp_required: bool,
) -> Result<Option<&ServiceSpecificPermissions>, PermissionError> {
    let ssp = signer
        .cert
        .permission(psid)
        .ok_or(PermissionError::NotInAppPermissions(psid))?;
    if ssp_required && ssp.is_none() {
        return Err(PermissionError::SspMissing { psid });
    }
    let mut depth = 1;
    let mut issuer = signer.issuer.as_deref();
    while let Some(i) = issuer {
        if !issue_group_covers(i.cert.tbs(), psid, ssp, depth) {
            return Err(PermissionError::NotIssuable {
                psid,
                issuer: i.cert.hashed_id8(),
                depth,
            });
        }
        depth += 1;
        issuer = i.issuer.as_deref();
    }
    Ok(ssp)
}

fn issue_group_covers(
    tbs: &ToBeSignedCertificate,
    psid: u64,
    ssp: Option<&ServiceSpecificPermissions>,
    depth: usize,
) -> bool {
    let Some(groups) = &tbs.cert_issue_permissions else {
        return false;
    };
    groups.0.iter().any(|g| {
        let min = i64::try_from(&g.min_chain_length).unwrap_or(i64::MAX);
        let range = i64::try_from(&g.chain_length_range).unwrap_or(0);
        let d = depth as i64;
        let length_ok = d >= min && (range == -1 || d <= min.saturating_add(range));
        // eeType: bit 0 is "app", bit 1 "enroll". An enrolment certificate (ETSI's EC) signs
        // its certificate requests with the PSID in its appPermissions (623), so either kind
        // of end entity may use the PSIDs a group grants; the group must grant some kind.
        let app = g.ee_type.0.iter().take(2).any(|b| *b);
        let covers = match &g.subject_permissions {
            SubjectPermissions::All(()) => true,
            SubjectPermissions::Explicit(list) => list.0.iter().any(|r| {
                u64::try_from(&r.psid.0).is_ok_and(|p| p == psid)
                    && ssp_in_range(ssp, r.ssp_range.as_ref())
            }),
            #[allow(unreachable_patterns)]
            _ => false,
        };
        length_ok && app && covers
    })
}

/// An absent range, or `all`, allows any SSP; an opaque range lists the allowed values; a
/// bitmap range fixes the SSP bits where `sspBitmask` has a 1 to `sspValue`'s and leaves the
/// others free. The ETSI conformance pool's ranges read sensibly only this way: CAM value
/// `01 FF FC` mask `FF 00 03` fixes the version octet to 1 and the two reserved low bits to 0;
/// DENM `01 FF FF FF` / `FF 00 00 00` fixes only the version.
fn ssp_in_range(ssp: Option<&ServiceSpecificPermissions>, range: Option<&SspRange>) -> bool {
    match range {
        None | Some(SspRange::All(())) => true,
        Some(SspRange::Opaque(values)) => match ssp {
            None => values.is_empty(),
            Some(ServiceSpecificPermissions::Opaque(o)) => values.iter().any(|v| v == o),
            Some(_) => false,
        },
        Some(SspRange::BitmapSspRange(b)) => match ssp {
            None => true,
            Some(ServiceSpecificPermissions::BitmapSsp(s)) => {
                s.0.len() == b.ssp_value.len()
                    && s.0
                        .iter()
                        .zip(b.ssp_value.iter().zip(b.ssp_bitmask.iter()))
                        .all(|(v, (want, fixed))| v & fixed == want & fixed)
            }
            Some(_) => false,
        },
        #[allow(unreachable_patterns)]
        Some(_) => false,
    }
}
