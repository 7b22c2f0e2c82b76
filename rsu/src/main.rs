//! `rsu`: the roadside unit's command-line tool.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use rsu_codecs::j2735::MessageFrame;

#[derive(Parser)]
#[command(
    name = "rsu",
    version,
    about = "Roadside unit: V2X message tools and service"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the RSU service. Without --config: the embedded demo (a four-leg, eight-phase
    /// intersection on the simulated controller, a test PKI, the loopback radio, a status
    /// line each second). This is the default when no command is given.
    Run {
        /// The service configuration (TOML); see config/example.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Capture every frame that goes on the air to this pcap file (Ethernet link type).
        #[arg(long)]
        pcap: Option<PathBuf>,
        /// The demo's test PKI folder: created if empty, reused if it holds one (default: a
        /// temporary folder removed at exit). Only without --config.
        #[arg(long, conflicts_with = "config")]
        pki: Option<PathBuf>,
        /// The demo's region: `us` (J2735 over WSMP on DSRC channel 172, the default) or `eu`
        /// (SPATEM and MAPEM over GeoNetworking on ITS-G5 channel 180). Only without --config.
        #[arg(long, value_enum, conflicts_with = "config")]
        region: Option<DemoRegionArg>,
        /// Stop after this many seconds.
        #[arg(long)]
        duration: Option<f64>,
        /// Log JSON lines instead of text.
        #[arg(long)]
        json_logs: bool,
        /// Print the status line each second (default: on for the demo, off with --config).
        #[arg(long, overrides_with = "no_status")]
        status: bool,
        /// Do not print the status line.
        #[arg(long)]
        no_status: bool,
    },
    /// Check a service configuration: print every error with its field and line, and the
    /// warnings. Exit status 0 if usable, 2 if not.
    CheckConfig {
        /// The configuration file.
        file: PathBuf,
    },
    /// Decode UPER messages (hex text or raw binary) to X.697 JER, one JSON per line: J2735
    /// MessageFrames, or with `--std etsi` one ETSI ITS message (ItsPduHeader first).
    Decode {
        /// Message standard; without it J2735 is assumed, and said on stderr.
        #[arg(long = "std", value_enum)]
        std: Option<Std>,
        /// The message as hex text on the command line.
        #[arg(long, conflicts_with = "file")]
        hex: Option<String>,
        /// Decode a stream of concatenated frames, one JSON object per line.
        #[arg(long)]
        all: bool,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
        /// A file with hex text or raw binary; `-` or nothing reads standard input.
        file: Option<String>,
    },
    /// Encode a message given as X.697 JER to UPER hex: a J2735 frame (`{"messageId": N,
    /// "value": {...}}`), or with `--std etsi` an ETSI message (`{"header": {...}, "spat": ...}`).
    Encode {
        /// Message standard; without it J2735 is assumed, and said on stderr.
        #[arg(long = "std", value_enum)]
        std: Option<Std>,
        /// A file with the JSON; `-` or nothing reads standard input.
        file: Option<String>,
    },
    /// Test PKI for demonstrations and tests (never for deployment).
    Pki {
        #[command(subcommand)]
        command: PkiCommand,
    },
    /// Sign a payload as an IEEE 1609.2 SPDU and print it as hex.
    Sign {
        /// The signer's certificate (COER, `.oer`).
        #[arg(long)]
        cert: String,
        /// The signer's private key (PKCS#8 PEM; refused if readable by every user).
        #[arg(long)]
        key: String,
        /// PSID: p-encoded hex as RSU configurations write it (`0x8002` is PSID 0x82), or
        /// decimal (`130`).
        #[arg(long)]
        psid: String,
        /// Identify the signer by its HashedId8 instead of attaching the certificate.
        #[arg(long)]
        digest: bool,
        /// Generation time as Unix seconds (default: now).
        #[arg(long)]
        at: Option<i64>,
        /// The payload as hex text on the command line.
        #[arg(long, conflicts_with = "file")]
        hex: Option<String>,
        /// A file with the payload (hex text or raw binary); `-` or nothing reads standard input.
        file: Option<String>,
    },
    /// Verify an IEEE 1609.2 SPDU against a directory of trusted certificates; print one JSON
    /// object. Exit status 0 valid, 1 invalid, 2 input that is not an SPDU.
    Verify {
        /// Directory of `.oer` certificates: self-signed ones are trust anchors, the others
        /// known certificates that must chain to one.
        #[arg(long)]
        trust: String,
        /// Verify as at this Unix time in seconds (default: now).
        #[arg(long)]
        at: Option<i64>,
        /// The SPDU as hex text on the command line.
        #[arg(long, conflicts_with = "file")]
        hex: Option<String>,
        /// A file with the SPDU (hex text or raw binary); `-` or nothing reads standard input.
        file: Option<String>,
    },
    /// Frame one message for the air (WSMP, GeoNetworking + BTP-B, or DSMP) and write it to a
    /// pcap file (Ethernet link type), to feed a receiver under test.
    Frame {
        /// Network layer.
        #[arg(long, value_enum)]
        net: NetArg,
        /// WSMP PSID: p-encoded hex (`0x8002` is PSID 0x82) or decimal (`130`).
        #[arg(long)]
        psid: Option<String>,
        /// DSMP AID, decimal or 0x-hex (0..=16511).
        #[arg(long)]
        aid: Option<String>,
        /// BTP-B destination port (2001 CAM, 2002 DENM, 2003 MAPEM, 2004 SPATEM, 2006 IVIM).
        #[arg(long)]
        btp_port: Option<u16>,
        /// Channel number (WSMP/DSMP header extension; radiotap frequency).
        #[arg(long)]
        channel: Option<u8>,
        /// Data rate in Mb/s (WSMP/DSMP header extension; radiotap rate).
        #[arg(long)]
        rate: Option<f64>,
        /// Transmit power in dBm (WSMP/DSMP header extension; radiotap power).
        #[arg(long, allow_negative_numbers = true)]
        power: Option<i8>,
        /// Source MAC address (default 02:00:00:52:53:55, locally administered).
        #[arg(long)]
        src: Option<String>,
        /// Destination MAC address (default broadcast).
        #[arg(long)]
        dst: Option<String>,
        /// GeoNetworking source position and GBC area centre: LAT,LON in degrees.
        #[arg(long, allow_hyphen_values = true)]
        position: Option<String>,
        /// GBC circle radius in metres (default 500).
        #[arg(long)]
        radius: Option<u16>,
        /// Write radiotap + 802.11 QoS Data instead of Ethernet (channel, rate and power in
        /// the radiotap header).
        #[arg(long)]
        radiotap: bool,
        /// Unix time in seconds for the capture timestamp and GeoNetworking TST (default: now).
        #[arg(long)]
        at: Option<i64>,
        /// The payload as hex text on the command line.
        #[arg(long, conflicts_with = "file")]
        hex: Option<String>,
        /// A file with the payload (hex text or raw binary); `-` or nothing reads standard input.
        file: Option<String>,
        /// The pcap file to write.
        #[arg(long)]
        pcap: String,
    },
}

/// `rsu frame --net`.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum NetArg {
    /// IEEE 1609.3 WSMP.
    Wsmp,
    /// ETSI GeoNetworking single-hop broadcast + BTP-B.
    GnShb,
    /// ETSI GeoNetworking geo-broadcast (circle) + BTP-B.
    GnGbc,
    /// China DSMP.
    Dsmp,
}

#[derive(Subcommand)]
enum PkiCommand {
    /// US (default): create DIR/root.oer, DIR/rsu.oer, DIR/root-key.pem and DIR/rsu-key.pem, a
    /// self-signed P-256 root CA and an RSU certificate for PSIDs 0x82 (SPaT/MAP), 0x83 (TIM),
    /// 0x80 (RTCM) and 0x204097 (MAP under CTI 4501). EU (`--region eu`): also DIR/aa.oer and
    /// DIR/aa-key.pem, a brainpoolP384r1 root, a P-256 authorisation authority and a P-256
    /// authorisation ticket (DIR/rsu.oer) for ITS-AIDs 36, 37, 137-141 and 637 with SSPs.
    /// For tests and demonstrations only.
    Init {
        dir: String,
        /// Which PKI: `us` (IEEE 1609.2 / SCMS-like) or `eu` (TS 103 097 / CCMS-like). A
        /// LAT,LON,RADIUS_M value is still read as `--area` (the flag's earlier meaning).
        #[arg(long, default_value = "us")]
        region: String,
        /// Restrict the RSU certificate (EU: the ticket) to a circle: LAT,LON,RADIUS_M.
        #[arg(long)]
        area: Option<String>,
        /// Validity of the RSU certificate (EU: the ticket) in days.
        #[arg(long, default_value_t = 365)]
        days: u16,
        /// EU only: the ticket's SPATEM (ITS-AID 137) SSP as hex instead of `01ff`; `0178`
        /// makes a ticket that forbids IntersectionState (ETSI TP_IS_TLM_SSP_SND_BV_07).
        #[arg(long)]
        spatem_ssp: Option<String>,
    },
}

/// The regions the embedded demo runs in.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum DemoRegionArg {
    /// J2735 SPaT and MAP, IEEE 1609.2, WSMP, DSRC channel 172.
    Us,
    /// SPATEM and MAPEM, TS 103 097, GeoNetworking and BTP, ITS-G5 channel 180.
    Eu,
}

/// Message standards the codec tools speak.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Std {
    /// SAE J2735 MessageFrame (US).
    J2735,
    /// ETSI ITS (EU): SPATEM, MAPEM, IVIM, SREM, SSEM (TS 103 301), CAM, DENM, by ItsPduHeader.
    Etsi,
}

/// The standard to use: the one given, or J2735 with a note on stderr saying so, since an
/// ETSI message read as a J2735 frame fails with a confusing error (or worse, decodes).
fn standard(given: Option<Std>) -> Std {
    given.unwrap_or_else(|| {
        eprintln!("note: --std j2735 assumed (SAE J2735 MessageFrame); --std etsi for ETSI ITS");
        Std::J2735
    })
}

/// A failure the user can act on: one line on stderr and exit status 2.
struct BadInput(String);

impl<E: std::fmt::Display> From<E> for BadInput {
    fn from(e: E) -> Self {
        BadInput(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Run {
        config: None,
        pcap: None,
        pki: None,
        region: None,
        duration: None,
        json_logs: false,
        status: false,
        no_status: false,
    });
    let result = match command {
        Command::Run {
            config,
            pcap,
            pki,
            region,
            duration,
            json_logs,
            status,
            no_status,
        } => {
            let duration = match duration {
                None => None,
                Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Some(Duration::from_secs_f64(s)),
                Some(s) => {
                    eprintln!("error: --duration {s}: expected a positive number of seconds");
                    return ExitCode::from(2);
                }
            };
            let opts = rsu::app::RunOptions {
                config,
                pcap,
                pki,
                region: match region {
                    None | Some(DemoRegionArg::Us) => rsu::app::DemoRegion::Us,
                    Some(DemoRegionArg::Eu) => rsu::app::DemoRegion::Eu,
                },
                duration,
                json_logs,
                status: if no_status {
                    Some(false)
                } else if status {
                    Some(true)
                } else {
                    None
                },
            };
            return match rsu::app::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::CheckConfig { file } => {
            let (text, ok) = rsu::app::check_config(&file);
            return if ok {
                println!("{text}");
                ExitCode::SUCCESS
            } else {
                eprintln!("{text}");
                ExitCode::from(2)
            };
        }
        Command::Decode {
            std,
            hex,
            all,
            pretty,
            file,
        } => match standard(std) {
            Std::J2735 => decode(hex, file, all, pretty),
            Std::Etsi => decode_etsi(hex, file, all, pretty),
        },
        Command::Encode { std, file } => match standard(std) {
            Std::J2735 => encode(file),
            Std::Etsi => encode_etsi(file),
        },
        Command::Pki {
            command:
                PkiCommand::Init {
                    dir,
                    region,
                    area,
                    days,
                    spatem_ssp,
                },
        } => {
            let now = rsu::security_cli::now_us(None) / 1_000_000;
            return report(
                rsu::security_cli::pki_init(
                    std::path::Path::new(&dir),
                    now,
                    &rsu::security_cli::PkiInitArgs {
                        region: &region,
                        area: area.as_deref(),
                        days: Some(days),
                        spatem_ssp: spatem_ssp.as_deref(),
                    },
                )
                .map(|text| (text, 0)),
            );
        }
        Command::Sign {
            cert,
            key,
            psid,
            digest,
            at,
            hex,
            file,
        } => {
            return report(payload_bytes(hex, file).and_then(|payload| {
                rsu::security_cli::sign(
                    std::path::Path::new(&cert),
                    std::path::Path::new(&key),
                    &psid,
                    &payload,
                    rsu::security_cli::now_us(at),
                    digest,
                )
                .map(|h| (h, 0))
            }));
        }
        Command::Verify {
            trust,
            at,
            hex,
            file,
        } => {
            return report(payload_bytes(hex, file).and_then(|spdu| {
                rsu::security_cli::verify(
                    std::path::Path::new(&trust),
                    &spdu,
                    rsu::security_cli::now_us(at),
                )
                .map(|(json, status)| (json.to_string(), status))
            }));
        }
        Command::Frame {
            net,
            psid,
            aid,
            btp_port,
            channel,
            rate,
            power,
            src,
            dst,
            position,
            radius,
            radiotap,
            at,
            hex,
            file,
            pcap,
        } => {
            let req = rsu::frame_cli::FrameRequest {
                net: match net {
                    NetArg::Wsmp => rsu::frame_cli::Net::Wsmp,
                    NetArg::GnShb => rsu::frame_cli::Net::GnShb,
                    NetArg::GnGbc => rsu::frame_cli::Net::GnGbc,
                    NetArg::Dsmp => rsu::frame_cli::Net::Dsmp,
                },
                psid,
                aid,
                btp_port,
                channel,
                rate_mbps: rate,
                power_dbm: power,
                src,
                dst,
                position,
                radius_m: radius,
                radiotap,
                at,
            };
            return report(payload_bytes(hex, file).and_then(|payload| {
                rsu::frame_cli::frame(&req, &payload, std::path::Path::new(&pcap))
                    .map(|text| (text, 0))
            }));
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(BadInput(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Prints the text (stdout) or the failure (stderr, one line) and gives the exit status.
fn report(result: Result<(String, u8), rsu::security_cli::Failure>) -> ExitCode {
    match result {
        Ok((text, status)) => {
            println!("{text}");
            ExitCode::from(status)
        }
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}

/// Bytes given as `--hex`, or in a file / standard input as hex text or raw binary.
fn payload_bytes(
    hex: Option<String>,
    file: Option<String>,
) -> Result<Vec<u8>, rsu::security_cli::Failure> {
    let bytes = match hex {
        Some(text) => rsu::input::parse_hex(&text).map_err(BadInput::from),
        None => read_source(file.as_deref()).and_then(|raw| Ok(rsu::input::detect(&raw)?.0)),
    };
    bytes.map_err(|BadInput(message)| rsu::security_cli::Failure { message, status: 2 })
}

fn read_source(file: Option<&str>) -> Result<Vec<u8>, BadInput> {
    match file {
        None | Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| BadInput(format!("standard input: {e}")))?;
            Ok(buf)
        }
        Some(path) => std::fs::read(path).map_err(|e| BadInput(format!("{path}: {e}"))),
    }
}

fn print_json(value: &serde_json::Value, pretty: bool) -> Result<(), BadInput> {
    let text = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        value.to_string()
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| BadInput(format!("standard output: {e}")))
}

fn decode(
    hex: Option<String>,
    file: Option<String>,
    all: bool,
    pretty: bool,
) -> Result<(), BadInput> {
    let bytes = match hex {
        Some(text) => rsu::input::parse_hex(&text)?,
        None => rsu::input::detect(&read_source(file.as_deref())?)?.0,
    };
    if all {
        for item in MessageFrame::decode_all(&bytes) {
            let (frame, _) = item?;
            print_json(&frame.to_jer()?, pretty)?;
        }
        return Ok(());
    }
    let (frame, used) = MessageFrame::decode(&bytes)?;
    print_json(&frame.to_jer()?, pretty)?;
    if used < bytes.len() {
        let left = bytes.len() - used;
        eprintln!(
            "note: the frame used {used} of {} bytes; {left} byte{} left after it",
            bytes.len(),
            if left == 1 { " was" } else { "s were" }
        );
    }
    Ok(())
}

fn encode(file: Option<String>) -> Result<(), BadInput> {
    let raw = read_source(file.as_deref())?;
    let text = String::from_utf8(raw).map_err(|e| BadInput(format!("not UTF-8 text: {e}")))?;
    let frame = MessageFrame::from_jer(&text)?;
    let bytes = frame.encode()?;
    println!("{}", rsu_codecs::jer::hex_lower(&bytes));
    Ok(())
}

/// One whole ETSI message: the ItsPduHeader names its type, and no length says where it
/// ends, so the input is one message (a BTP payload) and `--all` cannot split a stream.
fn decode_etsi(
    hex: Option<String>,
    file: Option<String>,
    all: bool,
    pretty: bool,
) -> Result<(), BadInput> {
    if all {
        return Err(BadInput(
            "--all needs self-delimiting frames (J2735); an ETSI message has no length".into(),
        ));
    }
    let bytes = match hex {
        Some(text) => rsu::input::parse_hex(&text)?,
        None => rsu::input::detect(&read_source(file.as_deref())?)?.0,
    };
    let message = rsu_codecs::etsi::EtsiMessage::decode_uper(&bytes)?;
    print_json(&message.to_jer()?, pretty)
}

fn encode_etsi(file: Option<String>) -> Result<(), BadInput> {
    let raw = read_source(file.as_deref())?;
    let text = String::from_utf8(raw).map_err(|e| BadInput(format!("not UTF-8 text: {e}")))?;
    let message = rsu_codecs::etsi::EtsiMessage::from_jer(&text)?;
    println!("{}", rsu_codecs::jer::hex_lower(&message.encode_uper()?));
    Ok(())
}
