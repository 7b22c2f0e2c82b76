//! Log output: human-readable or JSON lines.
//!
//! Events go to standard error through one global `tracing` subscriber; the filter uses the
//! `RUST_LOG` syntax of levels and targets (`info,rsu::controller=debug`). JSON lines suit log
//! shippers on the roadside box; text suits a person at a terminal.
//!
//! The filter is tracing-subscriber's `Targets`, not `EnvFilter`: span and field filters
//! (`rsu[spat{intersection=1001}]=debug`) are refused, and the regex engine that `EnvFilter`
//! needs for them (about 0.3 MB of the binary) is not linked in.

use std::io::{self, IsTerminal};

use serde::Deserialize;
use thiserror::Error;
use tracing::Dispatch;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;

/// The environment variable whose filter, when set, replaces the configured one.
pub const FILTER_ENV: &str = "RUST_LOG";

/// How log events are written.
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event, coloured when standard error is a terminal.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `fields`, `span`, `spans`.
    Json,
}

/// Where a rejected filter came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOrigin {
    /// The `RUST_LOG` environment variable.
    Env,
    /// The default given by the configuration or the command line.
    Default,
}

impl std::fmt::Display for FilterOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilterOrigin::Env => f.write_str(FILTER_ENV),
            FilterOrigin::Default => f.write_str("the default log filter"),
        }
    }
}

/// Why logging could not be set up.
#[derive(Debug, Error)]
pub enum LogError {
    /// The filter is not valid `RUST_LOG` syntax.
    #[error("invalid log filter {filter:?} in {origin}: {reason}")]
    Filter {
        /// The filter as given.
        filter: String,
        /// Where it came from.
        origin: FilterOrigin,
        /// What the parser objected to.
        reason: String,
    },
    /// `RUST_LOG` holds bytes that are not UTF-8.
    #[error("{FILTER_ENV} is not valid UTF-8")]
    EnvNotUnicode,
    /// [`init`] already ran (or something else installed a global subscriber).
    #[error("a global log subscriber is already installed")]
    AlreadyInitialised,
}

/// Installs the process-wide subscriber writing to standard error, filtered by `RUST_LOG` if
/// set and not blank, else by `default_filter`. Fails, without panicking, if called twice.
pub fn init(format: LogFormat, default_filter: &str) -> Result<(), LogError> {
    let env = match std::env::var(FILTER_ENV) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => return Err(LogError::EnvNotUnicode),
    };
    let (spec, origin) = choose_filter(env.as_deref(), default_filter);
    let filter = parse_filter(spec, origin)?;
    let ansi = format == LogFormat::Text && io::stderr().is_terminal();
    tracing::dispatcher::set_global_default(build(format, filter, io::stderr, ansi))
        .map_err(|_| LogError::AlreadyInitialised)
}

/// A subscriber writing `format` to `writer` with `filter` (`RUST_LOG` syntax, the
/// environment not consulted), never coloured: for tests that capture output, or for
/// [`tracing::dispatcher::with_default`].
pub fn dispatch<W>(format: LogFormat, filter: &str, writer: W) -> Result<Dispatch, LogError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = parse_filter(filter, FilterOrigin::Default)?;
    Ok(build(format, filter, writer, false))
}

/// `RUST_LOG` wins when it says anything; a blank one is treated as unset rather than as
/// "log nothing", which is what an empty filter would mean.
fn choose_filter<'a>(env: Option<&'a str>, default: &'a str) -> (&'a str, FilterOrigin) {
    match env {
        Some(spec) if !spec.trim().is_empty() => (spec, FilterOrigin::Env),
        _ => (default, FilterOrigin::Default),
    }
}

/// Checks a filter as [`init`] would read it (for `rsu check-config`).
pub fn check_filter(spec: &str) -> Result<(), LogError> {
    parse_filter(spec, FilterOrigin::Default).map(|_| ())
}

fn parse_filter(spec: &str, origin: FilterOrigin) -> Result<Targets, LogError> {
    let refuse = |reason: String| LogError::Filter {
        filter: spec.to_owned(),
        origin,
        reason,
    };
    // `Targets` would take a span or field filter for a target name that matches nothing.
    if spec.contains(['[', ']', '{', '}']) {
        return Err(refuse(
            "span and field filters are not supported; use `level` or `target=level`".to_owned(),
        ));
    }
    spec.parse::<Targets>().map_err(|e| refuse(e.to_string()))
}

fn build<W>(format: LogFormat, filter: Targets, writer: W, ansi: bool) -> Dispatch
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    // The builder's own level (INFO by default) would cut under `filter`: let `filter` decide.
    let builder = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(writer)
        .with_target(true);
    match format {
        LogFormat::Text => Dispatch::new(builder.with_ansi(ansi).finish().with(filter)),
        // Escape codes have no place in JSON, whatever the terminal.
        LogFormat::Json => Dispatch::new(
            builder
                .with_ansi(false)
                .json()
                .with_current_span(true)
                .with_span_list(true)
                .finish()
                .with(filter),
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects everything written, for inspection after the events.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Captured;

        fn make_writer(&'w self) -> Captured {
            self.clone()
        }
    }

    fn emit(format: LogFormat, filter: &str) -> String {
        let out = Captured::default();
        let dispatch = dispatch(format, filter, out.clone()).unwrap();
        tracing::dispatcher::with_default(&dispatch, || {
            let span = tracing::info_span!("spat", intersection = 1001u16);
            span.in_scope(|| {
                tracing::info!(count = 3u64, "spat sent");
                tracing::debug!("filtered out at info");
            });
        });
        out.text()
    }

    #[test]
    fn json_event_has_the_expected_fields() {
        let text = emit(LogFormat::Json, "info");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{text}");
        let event: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(event["level"], "INFO");
        assert_eq!(event["target"], module_path!());
        assert_eq!(event["fields"]["message"], "spat sent");
        assert_eq!(event["fields"]["count"], 3);
        assert_eq!(event["span"]["name"], "spat");
        assert_eq!(event["span"]["intersection"], 1001);
        assert_eq!(event["spans"][0]["name"], "spat");
        // RFC 3339 in UTC, e.g. 2026-11-23T03:26:00.123456Z.
        let ts = event["timestamp"].as_str().unwrap();
        assert!(
            ts.len() >= 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T',
            "{ts}"
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn text_event_is_one_plain_line() {
        let text = emit(LogFormat::Text, "info");
        assert_eq!(text.matches('\n').count(), 1, "{text}");
        assert!(text.ends_with('\n'));
        for part in [
            "INFO",
            "spat{intersection=1001}",
            module_path!(),
            "spat sent",
            "count=3",
        ] {
            assert!(text.contains(part), "missing {part:?} in {text:?}");
        }
        assert!(!text.contains('\x1b'), "colour in {text:?}");
    }

    #[test]
    fn filter_applies() {
        assert_eq!(emit(LogFormat::Text, "warn"), "");
        assert_eq!(emit(LogFormat::Json, "debug").lines().count(), 2);
        // Per-target directives: this module at debug, the rest at error.
        let text = emit(LogFormat::Text, &format!("error,{}=debug", module_path!()));
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[test]
    fn env_filter_wins_unless_blank() {
        assert_eq!(
            choose_filter(Some("debug"), "info"),
            ("debug", FilterOrigin::Env)
        );
        assert_eq!(
            choose_filter(Some("  "), "info"),
            ("info", FilterOrigin::Default)
        );
        assert_eq!(choose_filter(None, "info"), ("info", FilterOrigin::Default));
    }

    #[test]
    fn invalid_filter_is_named() {
        // "loud" is not a level, so the directive does not parse.
        let err = parse_filter("rsu=loud", FilterOrigin::Env).unwrap_err();
        assert!(
            matches!(&err, LogError::Filter { filter, origin: FilterOrigin::Env, .. } if filter == "rsu=loud")
        );
        let message = err.to_string();
        assert!(
            message.starts_with(r#"invalid log filter "rsu=loud" in RUST_LOG: "#),
            "{message}"
        );

        let Err(err) = dispatch(LogFormat::Json, "info,[unclosed", Captured::default()) else {
            panic!("an unclosed span directive parsed");
        };
        assert!(
            matches!(&err, LogError::Filter { filter, origin: FilterOrigin::Default, .. } if filter == "info,[unclosed"),
            "{err}"
        );
    }

    #[test]
    fn format_from_config() {
        #[derive(Deserialize)]
        struct Section {
            format: LogFormat,
        }
        let parse = |s: &str| toml::from_str::<Section>(s).map(|s| s.format);
        assert_eq!(parse(r#"format = "json""#).unwrap(), LogFormat::Json);
        assert_eq!(parse(r#"format = "text""#).unwrap(), LogFormat::Text);
        assert!(parse(r#"format = "Json""#).is_err());
        assert_eq!(LogFormat::default(), LogFormat::Text);
    }

    #[test]
    fn init_twice_is_an_error() {
        // "off" keeps the global subscriber quiet for the other tests in this process (unless
        // RUST_LOG says otherwise). The first call may lose to another test's subscriber; the
        // second cannot succeed either way.
        let _ = init(LogFormat::Text, "off");
        assert!(matches!(
            init(LogFormat::Text, "off"),
            Err(LogError::AlreadyInitialised)
        ));
    }
}
