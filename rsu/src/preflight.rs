//! The preflight: everything `rsu run` checks before it goes on the air, in one function
//! that `rsu check-config` calls too, so the operator's check cannot drift from the start.
//!
//! Beyond [`config::parse`] (syntax, types, values), it proves the signer (certificate
//! readable and current, key private and the certificate's own, every signed PSID
//! permitted, the self-test SPDU verifying against the trust store), that `state_dir` can
//! be a folder, and that every intersection's MAP encodes. Each refusal names the
//! configuration field and, where the file writes it, its line.
//!
//! What it does not refuse: a `state_dir` that is full, read-only or holds a damaged state
//! file. Those are faults of the running box, not of the configuration; the service
//! broadcasts anyway and keeps MAP revisions in memory (see [`crate::j2735::map::RevisionStore`]).
//! Whether sockets can be bound is left to the start, which reports it with the address.

use std::path::Path;

use rsu_security::trust::{TrustConfig, TrustStore};
use std::sync::Arc;

use crate::config::{self, ConfigError, Loaded, MapSource, Problem, ServiceConfig};
use crate::j2735::map;
use crate::region::MessageSet;
use crate::runtime::{self, Signers, StartError};

/// A configuration that passed the preflight, with what it built on the way.
#[derive(Debug)]
pub struct Ready {
    pub config: ServiceConfig,
    /// Accepted, but worth the operator's attention.
    pub warnings: Vec<Problem>,
    /// The self-tested signers (`None` with signing off).
    pub signers: Option<Signers>,
}

/// Reads the configuration file at `path` and runs the preflight at `now_us` (Unix µs).
/// Relative paths in the file are relative to its folder.
pub fn preflight(path: &Path, now_us: i64) -> Result<Ready, ConfigError> {
    let (text, shown, base) = config::read(path)?;
    preflight_text(&text, &shown, base, now_us)
}

/// [`preflight`] of configuration text; `shown` names it in errors, `base` resolves paths.
pub fn preflight_text(
    text: &str,
    shown: &str,
    base: &Path,
    now_us: i64,
) -> Result<Ready, ConfigError> {
    let Loaded { config, warnings } = config::parse(text, shown, base)?;
    let at = |field: &str, message: String| Problem {
        field: field.to_owned(),
        line: config::line_of_field(text, field),
        message,
    };
    let mut problems = Vec::new();
    if let Some(dir) = &config.state_dir
        && let Some(why) = state_dir_problem(dir)
    {
        problems.push(at("rsu.state_dir", why));
    }
    // The regions' message sets and carriers, built as the start builds them (unsigned: the
    // signer is proven below).
    let shared = crate::region::Shared::default();
    let built = crate::region::build(&config, None, &shared)
        .and_then(|outputs| crate::region::build_tmc(&config, None, &shared).map(|_| outputs));
    let sets: Vec<Arc<dyn MessageSet>> = match built {
        Ok(outputs) => outputs.iter().map(|o| o.messages.clone()).collect(),
        Err(StartError::Region { field, message }) => {
            problems.push(at(field, message));
            Vec::new()
        }
        Err(other) => {
            problems.push(at("rsu.regions", other.to_string()));
            Vec::new()
        }
    };
    for (i, ix) in config.intersections.iter().enumerate() {
        if let Err((field, message)) = map_encodes(i, ix, &sets) {
            problems.push(at(&field, message));
        }
    }
    let signers = match runtime::load_signer(&config, now_us) {
        Ok(s) => s,
        Err(StartError::Security { field, message }) => {
            problems.push(at(field, message));
            None
        }
        Err(other) => {
            problems.push(at("security", other.to_string()));
            None
        }
    };
    // With signing off, received messages are still verified against the trust store.
    if matches!(config.security, config::SecurityConfig::Off)
        && let Some(dir) = &config.verify_trust_store
    {
        let mut store = TrustStore::new(TrustConfig::default());
        if let Err(e) = store.load_dir(dir) {
            problems.push(at(
                "security.trust_store",
                format!("{}: {e}", dir.display()),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ConfigError::Invalid {
            path: shown.to_owned(),
            problems,
        });
    }
    Ok(Ready {
        config,
        warnings,
        signers,
    })
}

/// Why `dir` can never be the state folder: it, or the nearest part of its path that
/// exists, is not a folder. A missing folder is created at start; one that is read-only or
/// full only costs persistence, so neither is refused here.
fn state_dir_problem(dir: &Path) -> Option<String> {
    let existing = dir.ancestors().find(|p| p.symlink_metadata().is_ok())?;
    match std::fs::metadata(existing) {
        Ok(m) if m.is_dir() => None,
        Ok(_) if existing == dir => Some(format!("{} is not a folder", dir.display())),
        Ok(_) => Some(format!(
            "{} cannot be created: {} is not a folder",
            dir.display(),
            existing.display()
        )),
        // A dangling link or an unreadable parent.
        Err(e) => Some(format!("{}: {e}", existing.display())),
    }
}

/// Builds and encodes intersection `i`'s MAP as the start does (revision 0, in memory), for
/// every region it is broadcast in; the field to fix and why when it cannot.
fn map_encodes(
    i: usize,
    ix: &config::IntersectionConfig,
    sets: &[Arc<dyn MessageSet>],
) -> Result<(), (String, String)> {
    let (field, data) = match &ix.map {
        MapSource::Model => (
            format!("intersection[{i}].geometry"),
            map::build_map(&ix.model, 0),
        ),
        MapSource::File { map, .. } => (
            format!("intersection[{i}].map_file"),
            Ok(map.as_ref().clone()),
        ),
    };
    let data = data.map_err(|e| (field.clone(), format!("MAP: {e}")))?;
    for set in sets {
        if ix
            .regions
            .as_ref()
            .is_some_and(|r| !r.contains(&set.region()))
        {
            continue;
        }
        if let Err(e) = set.encode_map(&data) {
            let [_, kind] = set.message_types();
            return Err((field, format!("{kind} does not encode: {e}")));
        }
    }
    Ok(())
}
