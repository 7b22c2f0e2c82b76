//! A structure pre-check run on received COER before rasn decodes it.
//!
//! rasn 0.30's OER decoder reserves `Vec::with_capacity(quantity)` for a SEQUENCE OF before it
//! decodes a single element, so one flipped bit in a quantity (an appPermissions count, a
//! certificate list) makes it ask for petabytes and abort the process: a remote denial of
//! service of an unattended roadside unit. This module walks the bytes with the schema of the
//! IEEE 1609.2 types as rasn-its 0.30 models them, without allocating, in one linear pass, and
//! checks that
//!
//! - every SEQUENCE OF quantity is at most the number of bytes left in the enclosing input (or
//!   open type): every element of every SEQUENCE OF in these types takes at least one octet;
//! - every length determinant (OCTET STRING, UTF8String, INTEGER, OBJECT IDENTIFIER, open type,
//!   extension bitmap) fits in what is left;
//! - `Ieee1609Dot2Data` (recursive through `SignedDataPayload.data`) nests at most
//!   [`MAX_DATA_DEPTH`] levels.
//!
//! It follows rasn's reading of the bytes exactly where rasn would go on decoding, and refuses
//! ([`GuardError::Unsupported`]) whatever rasn would read differently from a plain X.696 walk:
//! extension additions rasn does not know (rasn does not skip their open types, so the bytes
//! after them would be misread), unknown CHOICE alternatives, unknown ETSI header-info
//! extension ids. Refusing is safe: the caller then refuses the input.
//!
//! It does not check value constraints, canonical form or trailing bytes: rasn and
//! [`crate::coer`] still do the real decode after the guard passes. **Trailing bytes after the
//! walked structure are accepted silently** (both callers reject them afterwards with their
//! own, more specific, error). Inside an open type the contents must fill it exactly.

/// Maximum nesting of `Ieee1609Dot2Data` (1 = unsecured, 2 = signed around unsecured, ...).
pub const MAX_DATA_DEPTH: usize = 16;

/// Why the guard refused the input. `at` is the byte offset in the input given to the check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("{what} at byte {at}: the input ends inside it")]
    Truncated { at: usize, what: &'static str },
    #[error("{what} at byte {at}: length {length} exceeds the {remaining} byte(s) left")]
    Length {
        at: usize,
        what: &'static str,
        length: u64,
        remaining: usize,
    },
    #[error(
        "{what} at byte {at}: SEQUENCE OF quantity {quantity} exceeds the {remaining} byte(s) left"
    )]
    Quantity {
        at: usize,
        what: &'static str,
        quantity: u64,
        remaining: usize,
    },
    #[error("{what} at byte {at}: nested deeper than {limit} Ieee1609Dot2Data levels")]
    TooDeep {
        at: usize,
        what: &'static str,
        limit: usize,
    },
    #[error("{what} at byte {at}: not supported ({why})")]
    Unsupported {
        at: usize,
        what: &'static str,
        why: &'static str,
    },
    #[error("{what} at byte {at}: malformed ({why})")]
    Malformed {
        at: usize,
        what: &'static str,
        why: &'static str,
    },
}

/// Walks an `Ieee1609Dot2Data` (any content: unsecured, signed, encrypted, certificate
/// requests). Trailing bytes after it are not looked at.
pub fn check_spdu(bytes: &[u8]) -> Result<(), GuardError> {
    Walker::new(bytes).data()
}

/// Walks a `Certificate` (`CertificateBase`). Trailing bytes after it are not looked at.
pub fn check_certificate(bytes: &[u8]) -> Result<(), GuardError> {
    Walker::new(bytes).certificate()
}

type Walk = Result<(), GuardError>;

/// Which OPTIONAL/DEFAULT components (or extension additions) are present: bit `i` is the
/// `i`-th one in declaration order.
#[derive(Clone, Copy)]
struct Present(u32);

impl Present {
    fn has(self, i: u32) -> bool {
        self.0 & (1 << i) != 0
    }
}

struct Walker<'a> {
    buf: &'a [u8],
    pos: usize,
    /// End of the current input: the whole buffer, or the open type being walked.
    end: usize,
    depth: usize,
}

impl<'a> Walker<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Walker {
            buf,
            pos: 0,
            end: buf.len(),
            depth: 0,
        }
    }

    fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    fn skip(&mut self, n: usize, what: &'static str) -> Walk {
        if n > self.remaining() {
            return Err(GuardError::Truncated { at: self.pos, what });
        }
        self.pos += n;
        Ok(())
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, GuardError> {
        if self.pos >= self.end {
            return Err(GuardError::Truncated { at: self.pos, what });
        }
        let b = self
            .buf
            .get(self.pos)
            .copied()
            .ok_or(GuardError::Truncated { at: self.pos, what })?;
        self.pos += 1;
        Ok(b)
    }

    /// `n` octets as a big-endian unsigned number, saturating at `u64::MAX`.
    fn unsigned(&mut self, n: usize, what: &'static str) -> Result<u64, GuardError> {
        let mut v = 0u64;
        for _ in 0..n {
            v = v
                .saturating_mul(256)
                .saturating_add(u64::from(self.byte(what)?));
        }
        Ok(v)
    }

    /// A length determinant (X.696 §8.6), checked against what is left after it.
    fn length(&mut self, what: &'static str) -> Result<usize, GuardError> {
        let at = self.pos;
        let first = self.byte(what)?;
        let length = if first < 0x80 {
            u64::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 {
                return Err(GuardError::Malformed {
                    at,
                    what,
                    why: "length of length is zero",
                });
            }
            self.unsigned(n, what)?
        };
        let remaining = self.remaining();
        match usize::try_from(length) {
            Ok(l) if l <= remaining => Ok(l),
            _ => Err(GuardError::Length {
                at,
                what,
                length,
                remaining,
            }),
        }
    }

    /// Length determinant and contents: OCTET STRING, UTF8String, OBJECT IDENTIFIER and
    /// INTEGER without a finite range.
    fn octets(&mut self, what: &'static str) -> Walk {
        let n = self.length(what)?;
        self.skip(n, what)
    }

    /// ENUMERATED: one octet 0..127, or 0x80|n then n octets.
    fn enumerated(&mut self, what: &'static str) -> Walk {
        let b = self.byte(what)?;
        if b >= 0x80 {
            self.skip(usize::from(b & 0x7f), what)?;
        }
        Ok(())
    }

    /// A CHOICE tag; returns its offset and the alternative's index.
    fn choice(&mut self, what: &'static str) -> Result<(usize, u8), GuardError> {
        let at = self.pos;
        let b = self.byte(what)?;
        if b & 0xc0 != 0x80 {
            return Err(GuardError::Unsupported {
                at,
                what,
                why: "CHOICE tag is not context-specific",
            });
        }
        // 0x3f would start a multi-octet tag number (alternative ≥ 63): none of these types has
        // that many alternatives, and every caller refuses an index it does not know.
        Ok((at, b & 0x3f))
    }

    /// SEQUENCE preamble: the extension bit (if `extensible`) then `optional` presence bits.
    /// Returns whether extension additions follow, and which optional components are present.
    fn preamble(
        &mut self,
        what: &'static str,
        extensible: bool,
        optional: u32,
    ) -> Result<(bool, Present), GuardError> {
        let width = optional + u32::from(extensible);
        let mut ext = false;
        let mut present = 0u32;
        let mut bit = 0u32;
        for _ in 0..width.div_ceil(8) {
            let b = self.byte(what)?;
            for k in 0..8u32 {
                if bit < width && b & (0x80 >> k) != 0 {
                    if extensible && bit == 0 {
                        ext = true;
                    } else {
                        present |= 1 << (bit - u32::from(extensible));
                    }
                }
                bit += 1;
            }
        }
        Ok((ext, Present(present)))
    }

    /// The extension-addition presence bitmap of a SEQUENCE with `known` additions. Any other
    /// addition is refused: rasn would leave its open type unread and misparse what follows.
    fn extensions(&mut self, what: &'static str, known: u32) -> Result<Present, GuardError> {
        let at = self.pos;
        let len = self.length(what)?;
        if len == 0 {
            return Err(GuardError::Malformed {
                at,
                what,
                why: "empty extension presence bitmap",
            });
        }
        let unused = self.byte(what)?;
        if unused > 7 || (len == 1 && unused > 0) {
            return Err(GuardError::Malformed {
                at,
                what,
                why: "bad unused-bit count in the extension presence bitmap",
            });
        }
        let mut present = 0u32;
        for index in 0..len - 1 {
            let b = self.byte(what)?;
            for k in 0..8usize {
                if b & (0x80 >> k) != 0 {
                    let i = index * 8 + k;
                    match u32::try_from(i) {
                        Ok(i) if i < known => present |= 1 << i,
                        _ => {
                            return Err(GuardError::Unsupported {
                                at,
                                what,
                                why: "an extension addition this build does not know",
                            });
                        }
                    }
                }
            }
        }
        Ok(Present(present))
    }

    /// An open type: a length determinant, then contents walked by `inner`, which must fill it.
    fn open(&mut self, what: &'static str, inner: impl FnOnce(&mut Self) -> Walk) -> Walk {
        let len = self.length(what)?;
        let outer_end = self.end;
        self.end = self.pos + len;
        inner(self)?;
        if self.pos != self.end {
            return Err(GuardError::Malformed {
                at: self.pos,
                what,
                why: "open type longer than its contents",
            });
        }
        self.end = outer_end;
        Ok(())
    }

    /// An open type whose contents hold no SEQUENCE OF: skipped by its length. Safe because
    /// rasn decodes an open type's contents from a sub-slice of exactly that length, so nothing
    /// in it can move where rasn reads next, and nothing in it can over-allocate. (Walking these
    /// would also risk false refusals: rasn 0.30 reads a `FixedBitString` extension addition
    /// such as `flags` as a length-prefixed BIT STRING, not as X.696's fixed-size one.)
    fn opaque_open(&mut self, what: &'static str) -> Walk {
        let n = self.length(what)?;
        self.skip(n, what)
    }

    /// SEQUENCE OF: the quantity (checked against the bytes left), then each element.
    fn sequence_of(
        &mut self,
        what: &'static str,
        mut element: impl FnMut(&mut Self) -> Walk,
    ) -> Walk {
        let at = self.pos;
        let n = self.length(what)?;
        let quantity = self.unsigned(n, what)?;
        let remaining = self.remaining();
        let count = match usize::try_from(quantity) {
            Ok(q) if q <= remaining => q,
            _ => {
                return Err(GuardError::Quantity {
                    at,
                    what,
                    quantity,
                    remaining,
                });
            }
        };
        for _ in 0..count {
            let before = self.pos;
            element(self)?;
            if self.pos == before {
                // Cannot happen with these types; keeps the walk linear whatever changes.
                return Err(GuardError::Malformed {
                    at: before,
                    what,
                    why: "empty SEQUENCE OF element",
                });
            }
        }
        Ok(())
    }

    fn unknown(at: usize, what: &'static str) -> Walk {
        Err(GuardError::Unsupported {
            at,
            what,
            why: "unknown CHOICE alternative",
        })
    }

    // ---- Secured data ----------------------------------------------------------------------

    fn data(&mut self) -> Walk {
        const W: &str = "Ieee1609Dot2Data";
        if self.depth >= MAX_DATA_DEPTH {
            return Err(GuardError::TooDeep {
                at: self.pos,
                what: W,
                limit: MAX_DATA_DEPTH,
            });
        }
        self.depth += 1;
        self.skip(1, "Ieee1609Dot2Data.protocolVersion")?;
        self.content()?;
        self.depth -= 1;
        Ok(())
    }

    fn content(&mut self) -> Walk {
        const W: &str = "Ieee1609Dot2Content";
        match self.choice(W)? {
            (_, 0) => self.octets("Ieee1609Dot2Content.unsecuredData"),
            (_, 1) => self.signed_data(),
            (_, 2) => self.encrypted_data(),
            (_, 3) => self.octets("Ieee1609Dot2Content.signedCertificateRequest"),
            (_, 4) => self.opaque_open("Ieee1609Dot2Content.signedX509CertificateRequest"),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn signed_data(&mut self) -> Walk {
        self.enumerated("SignedData.hashId")?;
        self.signed_data_payload()?;
        self.header_info()?;
        self.signer_identifier()?;
        self.signature()
    }

    fn signed_data_payload(&mut self) -> Walk {
        const W: &str = "SignedDataPayload";
        let (ext, opt) = self.preamble(W, true, 2)?;
        if opt.has(0) {
            self.data()?;
        }
        if opt.has(1) {
            self.hashed_data()?;
        }
        if ext {
            let add = self.extensions("SignedDataPayload extensions", 1)?;
            if add.has(0) {
                // omitted: NULL
                self.opaque_open("SignedDataPayload.omitted")?;
            }
        }
        Ok(())
    }

    fn hashed_data(&mut self) -> Walk {
        const W: &str = "HashedData";
        match self.choice(W)? {
            (_, 0) => self.skip(32, "HashedData.sha256HashedData"),
            (_, 1) => self.opaque_open("HashedData.sha384HashedData"),
            (_, 2) => self.opaque_open("HashedData.sm3HashedData"),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn header_info(&mut self) -> Walk {
        const W: &str = "HeaderInfo";
        let (ext, opt) = self.preamble(W, true, 6)?;
        self.octets("HeaderInfo.psid")?;
        if opt.has(0) {
            self.skip(8, "HeaderInfo.generationTime")?;
        }
        if opt.has(1) {
            self.skip(8, "HeaderInfo.expiryTime")?;
        }
        if opt.has(2) {
            self.skip(10, "HeaderInfo.generationLocation")?;
        }
        if opt.has(3) {
            self.skip(3, "HeaderInfo.p2pcdLearningRequest")?;
        }
        if opt.has(4) {
            let at = self.pos;
            let (ext, _) = self.preamble("MissingCrlIdentifier", true, 0)?;
            if ext {
                return Err(GuardError::Unsupported {
                    at,
                    what: "MissingCrlIdentifier",
                    why: "extension additions this build does not know",
                });
            }
            self.skip(3 + 2, "MissingCrlIdentifier")?;
        }
        if opt.has(5) {
            const E: &str = "HeaderInfo.encryptionKey";
            match self.choice(E)? {
                (_, 0) => self.public_encryption_key()?,
                (_, 1) => self.symmetric_encryption_key()?,
                (at, _) => Self::unknown(at, E)?,
            }
        }
        if ext {
            let add = self.extensions("HeaderInfo extensions", 4)?;
            if add.has(0) {
                self.open("HeaderInfo.inlineP2pcdRequest", |w| {
                    w.sequence_of("HeaderInfo.inlineP2pcdRequest", |w| {
                        w.skip(3, "HeaderInfo.inlineP2pcdRequest")
                    })
                })?;
            }
            if add.has(1) {
                self.open("HeaderInfo.requestedCertificate", Self::certificate)?;
            }
            if add.has(2) {
                self.opaque_open("HeaderInfo.pduFunctionalType")?;
            }
            if add.has(3) {
                self.open("HeaderInfo.contributedExtensions", |w| {
                    w.sequence_of("ContributedExtensionBlocks", Self::contributed_block)
                })?;
            }
        }
        Ok(())
    }

    fn contributed_block(&mut self) -> Walk {
        const W: &str = "ContributedExtensionBlock";
        match self.choice(W)? {
            (_, 0) => {
                self.skip(1, "ContributedExtensionBlock.contributorId")?;
                self.sequence_of("ContributedExtensionBlock.extns", |w| {
                    w.skip(1 + 8, "Ieee1609ContributedHeaderInfoExtension")
                })
            }
            (_, 1) => {
                self.skip(1, "ContributedExtensionBlock.contributorId")?;
                self.sequence_of("ContributedExtensionBlock.extns", Self::etsi_extension)
            }
            (at, _) => Self::unknown(at, W),
        }
    }

    fn etsi_extension(&mut self) -> Walk {
        const W: &str = "EtsiOriginatingHeaderInfoExtension";
        let at = self.pos;
        let (optional_len, what) = match self.byte(W)? {
            1 => (4, "EtsiTs102941CrlRequest"),
            2 => (1, "EtsiTs102941CtlRequest"),
            _ => {
                return Err(GuardError::Unsupported {
                    at,
                    what: W,
                    why: "unknown extension id",
                });
            }
        };
        let (_, opt) = self.preamble(what, false, 1)?;
        self.skip(8, what)?;
        if opt.has(0) {
            self.skip(optional_len, what)?;
        }
        Ok(())
    }

    fn signer_identifier(&mut self) -> Walk {
        const W: &str = "SignerIdentifier";
        match self.choice(W)? {
            (_, 0) => self.skip(8, "SignerIdentifier.digest"),
            (_, 1) => self.sequence_of("SignerIdentifier.certificate", Self::certificate),
            (_, 2) => Ok(()),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn signature(&mut self) -> Walk {
        const W: &str = "Signature";
        match self.choice(W)? {
            (_, 0 | 1) => {
                self.p256_point("EcdsaP256Signature.rSig")?;
                self.skip(32, "EcdsaP256Signature.sSig")
            }
            (_, 2 | 3) => self.opaque_open("EcdsaP384Signature"),
            (_, 4) => self.opaque_open("EcsigP256Signature"),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn p256_point(&mut self, what: &'static str) -> Walk {
        match self.choice(what)? {
            (_, 0 | 2 | 3) => self.skip(32, what),
            (_, 1) => Ok(()),
            (_, 4) => self.skip(64, what),
            (at, _) => Self::unknown(at, what),
        }
    }

    // ---- Encrypted data ----------------------------------------------------------------------

    fn encrypted_data(&mut self) -> Walk {
        self.sequence_of("EncryptedData.recipients", Self::recipient_info)?;
        self.symmetric_ciphertext()
    }

    fn recipient_info(&mut self) -> Walk {
        const W: &str = "RecipientInfo";
        match self.choice(W)? {
            (_, 0) => self.skip(8, "PreSharedKeyRecipientInfo"),
            (_, 1) => {
                self.skip(8, "SymmRecipientInfo.recipientId")?;
                self.symmetric_ciphertext()
            }
            (_, 2..=4) => {
                self.skip(8, "PKRecipientInfo.recipientId")?;
                const K: &str = "EncryptedDataEncryptionKey";
                match self.choice(K)? {
                    (_, 0 | 1) => {
                        self.p256_point("EciesP256EncryptedKey.v")?;
                        self.skip(16 + 16, "EciesP256EncryptedKey")
                    }
                    (_, 2) => self.opaque_open("EcencP256EncryptedKey"),
                    (at, _) => Self::unknown(at, K),
                }
            }
            (at, _) => Self::unknown(at, W),
        }
    }

    fn symmetric_ciphertext(&mut self) -> Walk {
        const W: &str = "SymmetricCiphertext";
        fn ccm(w: &mut Walker<'_>) -> Walk {
            w.skip(12, "One28BitCcmCiphertext.nonce")?;
            w.octets("One28BitCcmCiphertext.ccmCiphertext")
        }
        match self.choice(W)? {
            (_, 0) => ccm(self),
            (_, 1) => self.opaque_open("SymmetricCiphertext.sm4Ccm"),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn public_encryption_key(&mut self) -> Walk {
        const W: &str = "BasePublicEncryptionKey";
        self.enumerated("PublicEncryptionKey.supportedSymmAlg")?;
        match self.choice(W)? {
            (_, 0 | 1) => self.p256_point(W),
            (_, 2) => self.opaque_open("BasePublicEncryptionKey.ecencSm2"),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn symmetric_encryption_key(&mut self) -> Walk {
        const W: &str = "SymmetricEncryptionKey";
        match self.choice(W)? {
            (_, 0) => self.skip(16, W),
            (_, 1) => self.opaque_open("SymmetricEncryptionKey.sm4Ccm"),
            (at, _) => Self::unknown(at, W),
        }
    }

    // ---- Certificates ------------------------------------------------------------------------

    fn certificate(&mut self) -> Walk {
        const W: &str = "CertificateBase";
        let (_, opt) = self.preamble(W, false, 1)?;
        self.skip(1, "CertificateBase.version")?;
        self.enumerated("CertificateBase.type")?;
        self.issuer_identifier()?;
        self.tbs_certificate()?;
        if opt.has(0) {
            self.signature()?;
        }
        Ok(())
    }

    fn issuer_identifier(&mut self) -> Walk {
        const W: &str = "IssuerIdentifier";
        match self.choice(W)? {
            (_, 0) => self.skip(8, "IssuerIdentifier.sha256AndDigest"),
            (_, 1) => self.enumerated("IssuerIdentifier.self"),
            (_, 2) => self.opaque_open("IssuerIdentifier.sha384AndDigest"),
            (_, 3) => self.opaque_open("IssuerIdentifier.sm3AndDigest"),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn tbs_certificate(&mut self) -> Walk {
        const W: &str = "ToBeSignedCertificate";
        let (ext, opt) = self.preamble(W, true, 7)?;
        self.certificate_id()?;
        self.skip(3, "ToBeSignedCertificate.cracaId")?;
        self.skip(2, "ToBeSignedCertificate.crlSeries")?;
        self.skip(4, "ValidityPeriod.start")?;
        const D: &str = "ValidityPeriod.duration";
        match self.choice(D)? {
            (_, 0..=6) => self.skip(2, D)?,
            (at, _) => Self::unknown(at, D)?,
        }
        if opt.has(0) {
            self.geographic_region()?;
        }
        if opt.has(1) {
            self.skip(1, "ToBeSignedCertificate.assuranceLevel")?;
        }
        if opt.has(2) {
            self.sequence_of("ToBeSignedCertificate.appPermissions", Self::psid_ssp)?;
        }
        if opt.has(3) {
            self.sequence_of(
                "ToBeSignedCertificate.certIssuePermissions",
                Self::psid_group_permissions,
            )?;
        }
        if opt.has(4) {
            self.sequence_of(
                "ToBeSignedCertificate.certRequestPermissions",
                Self::psid_group_permissions,
            )?;
        }
        // opt 5: canRequestRollover, NULL.
        if opt.has(6) {
            self.public_encryption_key()?;
        }
        const V: &str = "VerificationKeyIndicator";
        match self.choice(V)? {
            (_, 0) => self.public_verification_key()?,
            (_, 1) => self.p256_point("VerificationKeyIndicator.reconstructionValue")?,
            (at, _) => Self::unknown(at, V)?,
        }
        if ext {
            let add = self.extensions("ToBeSignedCertificate extensions", 4)?;
            if add.has(0) {
                self.opaque_open("ToBeSignedCertificate.flags")?;
            }
            if add.has(1) {
                self.open("ToBeSignedCertificate.appExtensions", |w| {
                    w.sequence_of("ToBeSignedCertificate.appExtensions", |w| {
                        w.skip(1, "AppExtension.id")?;
                        w.octets("AppExtension.content")
                    })
                })?;
            }
            for (i, what) in [
                (2, "ToBeSignedCertificate.certIssueExtensions"),
                (3, "ToBeSignedCertificate.certRequestExtension"),
            ] {
                if add.has(i) {
                    self.open(what, |w| {
                        w.sequence_of(what, |w| {
                            w.skip(1, what)?;
                            match w.choice(what)? {
                                (_, 0 | 1) => Ok(()),
                                (at, _) => Self::unknown(at, what),
                            }
                        })
                    })?;
                }
            }
        }
        Ok(())
    }

    fn certificate_id(&mut self) -> Walk {
        const W: &str = "CertificateId";
        match self.choice(W)? {
            (_, 0) => {
                let (_, opt) = self.preamble("LinkageData", false, 1)?;
                self.skip(2 + 9, "LinkageData")?;
                if opt.has(0) {
                    self.skip(4 + 9, "LinkageData.group-linkage-value")?;
                }
                Ok(())
            }
            (_, 1) => self.octets("CertificateId.name"),
            (_, 2) => self.octets("CertificateId.binaryId"),
            (_, 3) => Ok(()),
            (at, _) => Self::unknown(at, W),
        }
    }

    fn geographic_region(&mut self) -> Walk {
        const W: &str = "GeographicRegion";
        match self.choice(W)? {
            (_, 0) => self.skip(8 + 2, "CircularRegion"),
            (_, 1) => self.sequence_of("GeographicRegion.rectangularRegion", |w| {
                w.skip(16, "RectangularRegion")
            }),
            (_, 2) => self.sequence_of("GeographicRegion.polygonalRegion", |w| {
                w.skip(8, "TwoDLocation")
            }),
            (_, 3) => {
                self.sequence_of("GeographicRegion.identifiedRegion", Self::identified_region)
            }
            (at, _) => Self::unknown(at, W),
        }
    }

    fn identified_region(&mut self) -> Walk {
        const W: &str = "IdentifiedRegion";
        match self.choice(W)? {
            (_, 0) => self.skip(2, "IdentifiedRegion.countryOnly"),
            (_, 1) => {
                self.skip(2, "CountryAndRegions.countryOnly")?;
                self.sequence_of("CountryAndRegions.regions", |w| {
                    w.skip(1, "CountryAndRegions.regions")
                })
            }
            (_, 2) => {
                self.skip(2, "CountryAndSubregions.countryOnly")?;
                self.sequence_of("CountryAndSubregions.regionAndSubregions", |w| {
                    w.skip(1, "RegionAndSubregions.region")?;
                    w.sequence_of("RegionAndSubregions.subregions", |w| {
                        w.skip(2, "RegionAndSubregions.subregions")
                    })
                })
            }
            (at, _) => Self::unknown(at, W),
        }
    }

    fn psid_ssp(&mut self) -> Walk {
        const W: &str = "ServiceSpecificPermissions";
        let (_, opt) = self.preamble("PsidSsp", false, 1)?;
        self.octets("PsidSsp.psid")?;
        if opt.has(0) {
            match self.choice(W)? {
                (_, 0) => self.octets("ServiceSpecificPermissions.opaque")?,
                (_, 1) => self.opaque_open("ServiceSpecificPermissions.bitmapSsp")?,
                (at, _) => Self::unknown(at, W)?,
            }
        }
        Ok(())
    }

    fn psid_group_permissions(&mut self) -> Walk {
        const W: &str = "SubjectPermissions";
        let (_, opt) = self.preamble("PsidGroupPermissions", false, 3)?;
        match self.choice(W)? {
            (_, 0) => self.sequence_of("SubjectPermissions.explicit", Self::psid_ssp_range)?,
            (_, 1) => {}
            (at, _) => Self::unknown(at, W)?,
        }
        if opt.has(0) {
            self.octets("PsidGroupPermissions.minChainLength")?;
        }
        if opt.has(1) {
            self.octets("PsidGroupPermissions.chainLengthRange")?;
        }
        if opt.has(2) {
            self.skip(1, "PsidGroupPermissions.eeType")?;
        }
        Ok(())
    }

    fn psid_ssp_range(&mut self) -> Walk {
        const W: &str = "SspRange";
        let (_, opt) = self.preamble("PsidSspRange", false, 1)?;
        self.octets("PsidSspRange.psid")?;
        if opt.has(0) {
            match self.choice(W)? {
                (_, 0) => self.sequence_of("SspRange.opaque", |w| w.octets("SspRange.opaque"))?,
                (_, 1) => {}
                (_, 2) => self.opaque_open("SspRange.bitmapSspRange")?,
                (at, _) => Self::unknown(at, W)?,
            }
        }
        Ok(())
    }

    fn public_verification_key(&mut self) -> Walk {
        const W: &str = "PublicVerificationKey";
        match self.choice(W)? {
            (_, 0 | 1) => self.p256_point(W),
            (_, 2) => self.opaque_open("PublicVerificationKey.ecdsaBrainpoolP384r1"),
            (_, 3) => self.opaque_open("PublicVerificationKey.ecdsaNistP384"),
            (_, 4) => self.opaque_open("PublicVerificationKey.ecsigSm2"),
            (at, _) => Self::unknown(at, W),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::cert::{CertError, Certificate};
    use crate::coer;
    use crate::spdu::{self, SpduError};
    use crate::testutil;

    fn all_hex(v: &serde_json::Value, key: &str) -> Vec<(String, Vec<u8>)> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["name"].as_str().unwrap().to_string(),
                    hex::decode(e["hex"].as_str().unwrap()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn every_vector_passes() {
        let Some(v) = testutil::vectors() else { return };
        let certs = all_hex(&v, "certificates");
        assert_eq!(certs.len(), 59);
        for (name, bytes) in &certs {
            check_certificate(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let spdus = all_hex(&v, "spdus");
        assert_eq!(spdus.len(), 4);
        for (name, bytes) in &spdus {
            check_spdu(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    /// Every single-bit flip and every truncation of every vector goes through guard + rasn
    /// without aborting or panicking (the point is that the process survives).
    #[test]
    fn bit_flips_and_truncations_survive_decoding() {
        let Some(v) = testutil::vectors() else { return };
        fn sweep(bytes: &[u8], decode: fn(&[u8]) -> bool) -> (usize, usize) {
            let (mut tried, mut refused_by_guard) = (0, 0);
            let mut m = bytes.to_vec();
            for i in 0..bytes.len() {
                for bit in 0..8 {
                    m[i] ^= 1 << bit;
                    tried += 1;
                    refused_by_guard += usize::from(decode(&m));
                    m[i] ^= 1 << bit;
                }
            }
            for n in 0..bytes.len() {
                tried += 1;
                refused_by_guard += usize::from(decode(&bytes[..n]));
            }
            (tried, refused_by_guard)
        }
        fn cert(b: &[u8]) -> bool {
            matches!(Certificate::from_coer(b), Err(CertError::Guard(_)))
        }
        fn spdu(b: &[u8]) -> bool {
            matches!(spdu::parse(b), Err(SpduError::Guard(_)))
        }
        let certs = all_hex(&v, "certificates");
        let spdus = all_hex(&v, "spdus");
        let (tried, refused) = std::thread::scope(|s| {
            let mut jobs = Vec::new();
            for chunk in certs.chunks(8) {
                jobs.push(s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(_, b)| sweep(b, cert))
                        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
                }));
            }
            for (_, b) in &spdus {
                jobs.push(s.spawn(move || sweep(b, spdu)));
            }
            jobs.into_iter()
                .map(|j| j.join().unwrap())
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        });
        eprintln!("{tried} mutated inputs decoded, {refused} refused by the guard");
        let total: usize = certs.iter().chain(&spdus).map(|(_, b)| 9 * b.len()).sum();
        assert_eq!(tried, total);
        assert!(refused > 0);
    }

    /// Offset of the first occurrence of `needle` in `hay`.
    fn find(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len())
            .position(|w| w == needle)
            .expect("pattern")
    }

    #[test]
    fn huge_quantities_are_refused() {
        let Some(v) = testutil::vectors() else { return };
        let good = testutil::cert_bytes(&v, "CERT_IUT_A_AT");
        let c = Certificate::from_coer(&good).unwrap();
        let perms = coer::encode(c.its().to_be_signed.app_permissions.as_ref().unwrap()).unwrap();
        assert_eq!(perms[0], 0x01, "one-octet quantity");
        let at = find(&good, &perms);
        let mut bad = good[..at].to_vec();
        bad.extend_from_slice(&[0x04, 0xff, 0xff, 0xff, 0xff]);
        bad.extend_from_slice(&good[at + 2..]);
        let e = check_certificate(&bad).unwrap_err();
        assert!(
            matches!(
                e,
                GuardError::Quantity {
                    what: "ToBeSignedCertificate.appPermissions",
                    quantity: 0xffff_ffff,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(
            e,
            GuardError::Quantity {
                at,
                what: "ToBeSignedCertificate.appPermissions",
                quantity: 0xffff_ffff,
                remaining: bad.len() - at - 5,
            }
        );
        assert_eq!(
            Certificate::from_coer(&bad).unwrap_err(),
            CertError::Guard(e)
        );

        // The signer's certificate list of the production CAM, with an 8-octet quantity.
        let cam = testutil::spdu_bytes(&v, "vanetza VW");
        let crate::spdu::Spdu::Signed(s) = spdu::parse(&cam).unwrap() else {
            panic!()
        };
        let at = 3 + s.tbs_bytes.len();
        assert_eq!(cam[at..at + 3], [0x81, 0x01, 0x01]);
        let mut bad = cam[..at + 1].to_vec();
        bad.extend_from_slice(&[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        bad.extend_from_slice(&cam[at + 3..]);
        let e = check_spdu(&bad).unwrap_err();
        assert!(
            matches!(
                e,
                GuardError::Quantity {
                    what: "SignerIdentifier.certificate",
                    quantity: u64::MAX,
                    ..
                }
            ),
            "{e}"
        );
        assert!(matches!(spdu::parse(&bad), Err(SpduError::Guard(_))));
        // A quantity of more than 8 octets saturates.
        let mut bad = cam[..at + 1].to_vec();
        bad.extend_from_slice(&[0x10; 17]);
        assert!(matches!(
            check_spdu(&bad),
            Err(GuardError::Quantity {
                quantity: u64::MAX,
                ..
            })
        ));
        // A length determinant beyond the input.
        assert_eq!(
            check_spdu(&[3, 0x80, 0x84, 0xff, 0xff, 0xff, 0xff, 1, 2]).unwrap_err(),
            GuardError::Length {
                at: 2,
                what: "Ieee1609Dot2Content.unsecuredData",
                length: 0xffff_ffff,
                remaining: 2,
            }
        );
        assert!(matches!(
            check_spdu(&[3, 0x80, 0x80]),
            Err(GuardError::Malformed { at: 2, .. })
        ));
    }

    /// A signed SPDU around `inner` (digest signer, x-only P-256 signature).
    fn wrap(inner: &[u8]) -> Vec<u8> {
        let mut out = vec![3, 0x81, 0x00, 0x40];
        out.extend_from_slice(inner);
        out.extend_from_slice(&[0x00, 0x01, 0x20]); // headerInfo: psid 0x20
        out.push(0x80); // signer: digest
        out.extend_from_slice(&[0x11; 8]);
        out.extend_from_slice(&[0x80, 0x80]); // ecdsaNistP256Signature, x-only
        out.extend_from_slice(&[0x22; 64]);
        out
    }

    fn nested(levels: usize) -> Vec<u8> {
        let mut d = vec![3, 0x80, 0x00];
        for _ in 1..levels {
            d = wrap(&d);
        }
        d
    }

    #[test]
    fn depth_bomb_is_refused() {
        let bomb = nested(201);
        assert!(matches!(
            check_spdu(&bomb),
            Err(GuardError::TooDeep {
                limit: MAX_DATA_DEPTH,
                ..
            })
        ));
        assert!(matches!(
            spdu::parse(&bomb),
            Err(SpduError::Guard(GuardError::TooDeep { .. }))
        ));
        // The deepest accepted nesting is fine for the guard, and rasn survives it.
        let deepest = nested(MAX_DATA_DEPTH);
        check_spdu(&deepest).unwrap();
        assert!(spdu::parse(&deepest).is_ok());
        assert!(check_spdu(&nested(MAX_DATA_DEPTH + 1)).is_err());
        let two = nested(2);
        assert!(matches!(
            spdu::parse(&two).unwrap(),
            spdu::Spdu::Signed(s) if s.payload() == Some(&[][..])
        ));
    }

    #[test]
    fn unknown_extensions_and_alternatives_are_unsupported() {
        // HeaderInfo with the extension bit set and a fifth addition (unknown to rasn-its).
        let mut d = vec![3, 0x81, 0x00, 0x40, 3, 0x80, 0x00];
        d.extend_from_slice(&[0x80, 0x01, 0x20, 0x02, 0x03, 0x08, 0x01, 0x00]);
        assert!(matches!(
            check_spdu(&d),
            Err(GuardError::Unsupported {
                at: 10,
                what: "HeaderInfo extensions",
                ..
            })
        ));
        // An IssuerIdentifier alternative beyond sm3AndDigest.
        assert!(matches!(
            check_certificate(&[0x80, 3, 0, 0x84]),
            Err(GuardError::Unsupported { at: 3, .. })
        ));
        assert_eq!(
            check_certificate(&[0x80, 3, 0]).unwrap_err(),
            GuardError::Truncated {
                at: 3,
                what: "IssuerIdentifier"
            }
        );
        // Trailing bytes are left to the callers.
        let u = spdu::unsecured(b"abc").unwrap();
        let mut t = u.clone();
        t.push(0);
        check_spdu(&t).unwrap();
    }

    /// Every optional component and known extension addition the vectors do not exercise,
    /// encoded by rasn itself: the guard must walk them the way rasn wrote them.
    #[test]
    fn rarely_seen_components_encoded_by_rasn_pass() {
        use rasn::types::{FixedBitString, Integer, ObjectIdentifier, OctetString};
        use rasn_its::ieee1609dot2::base_types::*;
        use rasn_its::ieee1609dot2::*;
        use rasn_its::ts103097::extension_module::{
            EtsiOriginatingHeaderInfoExtension, EtsiTs102941CrlRequest, EtsiTs102941CtlRequest,
            ExtId, Extension,
        };
        let Some(v) = testutil::vectors() else { return };
        let at = crate::cert::Certificate::from_coer(&testutil::cert_bytes(&v, "CERT_IUT_A_AT"))
            .unwrap();
        let p256 = || EccP256CurvePoint::CompressedY1([7u8; 32].into());
        let loc = TwoDLocation {
            latitude: Latitude(NinetyDegreeInt::from(436_163_000)),
            longitude: Longitude(OneEightyDegreeInt(70_553_000)),
        };

        // A certificate with everything.
        let mut base = (**at.its()).clone();
        let tbs = &mut base.to_be_signed;
        tbs.region = Some(GeographicRegion::IdentifiedRegion(
            vec![
                IdentifiedRegion::CountryOnly(UnCountryId(250)),
                IdentifiedRegion::CountryAndRegions(CountryAndRegions {
                    country_only: UnCountryId(276),
                    regions: SequenceOfUint8(vec![1, 2, 3]),
                }),
                IdentifiedRegion::CountryAndSubregions(CountryAndSubregions {
                    country_only: UnCountryId(380),
                    region_and_subregions: SequenceOfRegionAndSubregions(vec![
                        RegionAndSubregions {
                            region: 4,
                            subregions: SequenceOfUint16(vec![5, 600]),
                        },
                    ]),
                }),
            ]
            .into(),
        ));
        tbs.assurance_level = Some(SubjectAssurance([0xe0].into()));
        tbs.app_permissions = Some(SequenceOfPsidSsp(vec![
            PsidSsp {
                psid: Psid(Integer::from(0x20_40_95)),
                ssp: Some(ServiceSpecificPermissions::BitmapSsp(BitmapSsp(
                    OctetString::from_static(&[1, 2, 3]),
                ))),
            },
            PsidSsp {
                psid: Psid(Integer::from(36)),
                ssp: Some(ServiceSpecificPermissions::Opaque(
                    OctetString::from_static(&[9]),
                )),
            },
        ]));
        let range = |r: Option<SspRange>| PsidSspRange {
            psid: Psid(Integer::from(36)),
            ssp_range: r,
        };
        tbs.cert_issue_permissions =
            Some(SequenceOfPsidGroupPermissions(vec![PsidGroupPermissions {
                subject_permissions: SubjectPermissions::Explicit(SequenceOfPsidSspRange(vec![
                    range(Some(SspRange::Opaque(vec![
                        OctetString::from_static(&[1]),
                        OctetString::from_static(&[]),
                    ]))),
                    range(Some(SspRange::All(()))),
                    range(Some(SspRange::BitmapSspRange(BitmapSspRange {
                        ssp_value: OctetString::from_static(&[1, 2]),
                        ssp_bitmask: OctetString::from_static(&[0xff, 0]),
                    }))),
                    range(None),
                ])),
                min_chain_length: Integer::from(300),
                chain_length_range: Integer::from(-1),
                ee_type: EndEntityType(FixedBitString::new([0xc0, 0, 0, 0, 0, 0, 0, 0])),
            }]));
        tbs.cert_request_permissions = Some(SequenceOfPsidGroupPermissions(vec![
            PsidGroupPermissions::builder()
                .subject_permissions(SubjectPermissions::All(()))
                .build(),
        ]));
        tbs.can_request_rollover = Some(());
        tbs.encryption_key = Some(PublicEncryptionKey {
            supported_symm_alg: SymmAlgorithm::Aes128Ccm,
            public_key: BasePublicEncryptionKey::EcencSm2(p256()),
        });
        tbs.flags = Some(FixedBitString::new([0x80, 0, 0, 0, 0, 0, 0, 0]));
        tbs.app_extensions = Some(SequenceOfAppExtensions(vec![AppExtension {
            id: ExtId(1),
            content: OperatingOrganizationId(
                ObjectIdentifier::new(vec![1, 3, 111, 2, 1609]).unwrap(),
            ),
        }]));
        tbs.cert_issue_extensions = Some(SequenceOfCertIssueExtensions(vec![
            CertIssueExtension::new_all(),
            CertIssueExtension::new_specific(()),
        ]));
        tbs.cert_request_extension = Some(SequenceOfCertRequestExtensions(vec![
            CertRequestExtension {
                id: ExtId(1),
                permissions: RequestPermissions::Content(()),
            },
        ]));
        tbs.id = CertificateId::LinkageData(LinkageData {
            i_cert: IValue(3),
            linkage_value: LinkageValue([1; 9].into()),
            group_linkage_value: Some(GroupLinkageValue {
                j_value: [2; 4].into(),
                value: [3; 9].into(),
            }),
        });
        base.issuer = IssuerIdentifier::Sm3AndDigest(HashedId8([4; 8].into()));
        base.signature = Some(Signature::EcdsaNistP384(EcdsaP384Signature {
            r_sig: EccP384CurvePoint::Fill(()),
            s_sig: [5; 48].into(),
        }));
        let cert =
            rasn_its::ieee1609dot2::Certificate::from(ExplicitCertificate::new(base).unwrap());
        let bytes = coer::encode(&cert).unwrap();
        check_certificate(&bytes).unwrap();
        assert_eq!(
            coer::decode_canonical::<rasn_its::ieee1609dot2::Certificate>(&bytes).unwrap(),
            cert
        );
        for (name, region) in [
            (
                "rect",
                GeographicRegion::RectangularRegion(SequenceOfRectangularRegion(vec![
                    RectangularRegion {
                        north_west: loc.clone(),
                        south_east: loc.clone(),
                    },
                ])),
            ),
            (
                "poly",
                GeographicRegion::PolygonalRegion(PolygonalRegion(vec![loc.clone(); 3])),
            ),
            (
                "circle",
                GeographicRegion::CircularRegion(CircularRegion {
                    center: loc.clone(),
                    radius: 5,
                }),
            ),
        ] {
            let mut base = (*cert).clone();
            base.to_be_signed.region = Some(region);
            base.to_be_signed.id = CertificateId::BinaryId(OctetString::from_static(&[1, 2]));
            let c =
                rasn_its::ieee1609dot2::Certificate::from(ExplicitCertificate::new(base).unwrap());
            check_certificate(&coer::encode(&c).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        }

        // An SPDU with every header field and a payload with data, extDataHash and omitted.
        let inner = Ieee1609Dot2Data::builder()
            .content(Ieee1609Dot2Content::EncryptedData(EncryptedData {
                recipients: SequenceOfRecipientInfo(vec![
                    RecipientInfo::PskRecipInfo(PreSharedKeyRecipientInfo(HashedId8(
                        [1; 8].into(),
                    ))),
                    RecipientInfo::SymmRecipInfo(SymmRecipientInfo {
                        recipient_id: HashedId8([2; 8].into()),
                        enc_key: SymmetricCiphertext::Sm4Ccm(One28BitCcmCiphertext {
                            nonce: [3; 12].into(),
                            ccm_ciphertext: Opaque(OctetString::from_static(&[4; 20])),
                        }),
                    }),
                    RecipientInfo::CertRecipInfo(PKRecipientInfo {
                        recipient_id: HashedId8([5; 8].into()),
                        enc_key: EncryptedDataEncryptionKey::EcencSm2256(EcencP256EncryptedKey {
                            v: p256(),
                            c: [6; 16].into(),
                            t: [7; 32].into(),
                        }),
                    }),
                    RecipientInfo::RekRecipInfo(PKRecipientInfo {
                        recipient_id: HashedId8([5; 8].into()),
                        enc_key: EncryptedDataEncryptionKey::EciesNistP256(EciesP256EncryptedKey {
                            v: p256(),
                            c: [6; 16].into(),
                            t: [7; 16].into(),
                        }),
                    }),
                ]),
                ciphertext: SymmetricCiphertext::Aes128ccm(One28BitCcmCiphertext {
                    nonce: [3; 12].into(),
                    ccm_ciphertext: Opaque(OctetString::from_static(&[4; 200])),
                }),
            }))
            .build();
        let header = HeaderInfo::builder()
            .psid(Psid(Integer::from(36)))
            .generation_time(Time64(1))
            .expiry_time(Time64(2))
            .generation_location(ThreeDLocation {
                latitude: loc.latitude.clone(),
                longitude: loc.longitude.clone(),
                elevation: Elevation(3),
            })
            .p2pcd_learning_request(HashedId3([1, 2, 3].into()))
            .missing_crl_identifier(
                MissingCrlIdentifier::builder()
                    .craca_id(HashedId3([1, 2, 3].into()))
                    .crl_series(CrlSeries(4))
                    .build(),
            )
            .encryption_key(EncryptionKey::Symmetric(SymmetricEncryptionKey::Sm4Ccm(
                [8; 16].into(),
            )))
            .inline_p2pcd_request(SequenceOfHashedId3(vec![HashedId3([4, 5, 6].into()); 2]))
            .pdu_functional_type(PduFunctionalType(1))
            .contributed_extensions(ContributedExtensionBlocks(vec![
                ContributedExtensionBlockType::Ieee1609(ContributedExtensionBlock {
                    contributor_id: HeaderInfoContributorId(1),
                    extns: vec![Extension {
                        id: ExtId(1),
                        content: HashedId8([9; 8].into()),
                    }],
                }),
                ContributedExtensionBlockType::Etsi(ContributedExtensionBlock {
                    contributor_id: HeaderInfoContributorId(2),
                    extns: vec![
                        EtsiOriginatingHeaderInfoExtension::new_crl_request(
                            EtsiTs102941CrlRequest {
                                issuer_id: HashedId8([1; 8].into()),
                                last_known_update: Some(Time32(5)),
                            },
                        ),
                        EtsiOriginatingHeaderInfoExtension::new_delta_ctl_request(
                            EtsiTs102941CtlRequest {
                                issuer_id: HashedId8([1; 8].into()),
                                last_known_ctl_sequence: None,
                            },
                        ),
                    ],
                }),
            ]))
            .build();
        let payload = SignedDataPayload::builder()
            .data(inner)
            .ext_data_hash(HashedData::Sha384HashedData(HashedId48([1; 48].into())))
            .omitted(())
            .build()
            .unwrap();
        for signer in [
            SignerIdentifier::SelfSigned(()),
            SignerIdentifier::Certificate(SequenceOfCertificate(vec![cert.clone(), cert.clone()])),
        ] {
            let d = Ieee1609Dot2Data::builder()
                .content(Ieee1609Dot2Content::SignedData(Box::new(SignedData {
                    hash_id: HashAlgorithm::Sm3,
                    tbs_data: ToBeSignedData {
                        payload: payload.clone(),
                        header_info: header.clone(),
                    },
                    signer,
                    signature: Signature::Sm2(EcsigP256Signature {
                        r_sig: [1; 32].into(),
                        s_sig: [2; 32].into(),
                    }),
                })))
                .build();
            let bytes = coer::encode(&d).unwrap();
            check_spdu(&bytes).unwrap();
            assert_eq!(
                coer::decode_canonical::<Ieee1609Dot2Data>(&bytes).unwrap(),
                d
            );
        }
        // requestedCertificate: rasn 0.30's encoder garbles an SPDU carrying one (its output
        // does not decode), so it is assembled by hand and rasn's decoder is the reference.
        let cert_bytes = coer::encode(&cert).unwrap();
        let mut d = vec![3, 0x81, 0x00, 0x40, 3, 0x80, 1, 0xaa];
        d.extend_from_slice(&[0x80, 0x01, 0x24, 0x02, 0x04, 0x40]);
        d.push(0x82);
        d.extend_from_slice(&u16::try_from(cert_bytes.len()).unwrap().to_be_bytes());
        d.extend_from_slice(&cert_bytes);
        d.push(0x82);
        d.extend_from_slice(&[0x80, 0x80]);
        d.extend_from_slice(&[0x22; 64]);
        check_spdu(&d).unwrap();
        let (decoded, rest) = coer::decode_prefix::<Ieee1609Dot2Data>(&d).unwrap();
        assert!(rest.is_empty());
        let Ieee1609Dot2Content::SignedData(sd) = decoded.content else {
            panic!()
        };
        assert_eq!(
            sd.tbs_data.header_info.requested_certificate,
            Some(cert.clone())
        );
        for content in [
            Ieee1609Dot2Content::SignedCertificateRequest(Opaque(OctetString::from_static(&[1]))),
            Ieee1609Dot2Content::SignedX509CertificateRequest(Opaque(OctetString::from_static(&[
                1, 2,
            ]))),
        ] {
            let d = Ieee1609Dot2Data::builder().content(content).build();
            check_spdu(&coer::encode(&d).unwrap()).unwrap();
        }
    }
}
