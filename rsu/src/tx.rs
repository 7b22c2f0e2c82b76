//! The hot path: encode, sign, frame. One [`Transmitter`] per radio, reused for every
//! message, so a SPaT costs no allocation beyond the signature's SPDU.

use bytes::BytesMut;
use rsu_codecs::j2735::MessageFrame;
use rsu_hw::wire::{WsmpHeaderPrefix, WsmpRepr};
use rsu_hw::{EtherType, MacAddr, Psid, TxFrame, TxMeta, WireError};
use rsu_security::sign::{SignError, Signer};

/// Why a message could not be made ready for the air.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The encoder refused the message (a value out of range).
    #[error("encoding: {0}")]
    Encode(#[from] rsu_codecs::Error),
    /// The signer refused (PSID not in the certificate, certificate expired, key failure).
    #[error("signing: {0}")]
    Sign(#[from] SignError),
    /// The WSMP header could not be written.
    #[error("framing: {0}")]
    Frame(#[from] WireError),
    /// Signing was asked for, but the transmitter has no signer.
    #[error("signing asked for, but signing is off")]
    NoSigner,
    /// The message's region is not one the RSU broadcasts.
    #[error("no carrier for the message's region")]
    NoRegion,
}

impl TxError {
    /// A short reason for counters and logs.
    pub fn code(&self) -> &'static str {
        match self {
            TxError::Encode(_) => "encode",
            // The signer's reason: `ssp_forbids_content`, `psid_not_permitted`…
            TxError::Sign(e) => e.code(),
            TxError::Frame(_) => "frame",
            TxError::NoSigner => "no_signer",
            TxError::NoRegion => "region_not_served",
        }
    }
}

/// How one message stream goes on the air: WSMP with its PSID, on its channel.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// The PSID, for the WSMP header and the 1609.2 header.
    pub psid: Psid,
    /// The WSMP header without its length, built once.
    prefix: WsmpHeaderPrefix,
    /// Radio metadata for every frame of the stream.
    pub meta: TxMeta,
    /// Destination MAC address (broadcast).
    pub dst: MacAddr,
}

impl Outbound {
    /// A broadcast stream with a WSMP header carrying the channel, rate and power extensions.
    pub fn wsmp(psid: Psid, meta: TxMeta) -> Result<Outbound, WireError> {
        let mut repr = WsmpRepr::new(psid, 0);
        repr.channel = meta.channel;
        repr.rate = meta.rate;
        repr.tx_power_dbm = meta.power_dbm;
        Ok(Outbound {
            psid,
            prefix: repr.header_prefix()?,
            meta,
            dst: MacAddr::BROADCAST,
        })
    }
}

/// Encodes, signs and frames messages, reusing its buffers.
pub struct Transmitter {
    signer: Option<Signer>,
    encoded: Vec<u8>,
    frames: BytesMut,
}

impl std::fmt::Debug for Transmitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transmitter")
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

impl Transmitter {
    /// A transmitter that signs with `signer`, or sends unsigned with `None`.
    pub fn new(signer: Option<Signer>) -> Transmitter {
        Transmitter {
            signer,
            encoded: Vec::with_capacity(1024),
            frames: BytesMut::with_capacity(16 * 1024),
        }
    }

    /// Whether messages are signed.
    pub fn signs(&self) -> bool {
        self.signer.is_some()
    }

    /// Encodes `frame` as UPER into the reused buffer and returns the bytes.
    pub fn encode(&mut self, frame: &MessageFrame) -> Result<&[u8], TxError> {
        frame.encode_into(&mut self.encoded)?;
        Ok(&self.encoded)
    }

    /// Encodes, signs and frames a message.
    pub fn prepare(
        &mut self,
        frame: &MessageFrame,
        out: &Outbound,
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        frame.encode_into(&mut self.encoded)?;
        let Transmitter {
            signer,
            encoded,
            frames,
        } = self;
        Self::seal(signer.as_mut(), frames, encoded, out, now_unix_us)
    }

    /// Signs and frames an already encoded message (a MAP, encoded once per revision).
    pub fn prepare_encoded(
        &mut self,
        encoded: &[u8],
        out: &Outbound,
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        Self::seal(
            self.signer.as_mut(),
            &mut self.frames,
            encoded,
            out,
            now_unix_us,
        )
    }

    /// Frames a payload as given, signing it first when `sign` is true (messages from the
    /// traffic management centre: each says whether it is to be signed).
    pub fn prepare_payload(
        &mut self,
        payload: &[u8],
        out: &Outbound,
        sign: bool,
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        let signer = match (sign, self.signer.as_mut()) {
            (false, _) => None,
            (true, Some(s)) => Some(s),
            (true, None) => return Err(TxError::NoSigner),
        };
        Self::seal(signer, &mut self.frames, payload, out, now_unix_us)
    }

    fn seal(
        signer: Option<&mut Signer>,
        frames: &mut BytesMut,
        encoded: &[u8],
        out: &Outbound,
        now_unix_us: i64,
    ) -> Result<TxFrame, TxError> {
        let spdu;
        let data: &[u8] = match signer {
            Some(s) => {
                spdu = s.sign(u64::from(out.psid.value()), encoded, now_unix_us)?;
                &spdu
            }
            // Unsigned: the bare MessageFrame, as deployments without 1609.2 send it.
            None => encoded,
        };
        let (header, len) = out.prefix.header_bytes(data.len())?;
        let header = header.get(..len).unwrap_or_default();
        frames.reserve(header.len() + data.len());
        frames.extend_from_slice(header);
        frames.extend_from_slice(data);
        Ok(TxFrame {
            dst: out.dst,
            ethertype: EtherType::WSMP,
            payload: frames.split().freeze(),
            meta: out.meta,
        })
    }
}
