//! What `rsu run` does on a signal: SIGINT, SIGTERM, SIGQUIT and SIGUSR1 stop it cleanly;
//! SIGHUP reloads the configuration file (see [`crate::runtime::Reloader`]).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use rsu_hw::Radio;
use tracing::{info, warn};

use crate::runtime::Reloader;

/// The signal watch of a running service.
pub(super) struct Signals<R: Radio> {
    /// The file SIGHUP reloads; `None` for the demo.
    config: Option<PathBuf>,
    reloader: Arc<Reloader<R>>,
    /// Registered when the watch is made, before the broadcast starts: a signal that
    /// arrives before [`Signals::until_stop`] is first polled is then queued, not handled
    /// by the default action (SIGQUIT would dump core, SIGHUP would kill).
    #[cfg(unix)]
    watched: Watched,
}

#[cfg(unix)]
#[derive(Default)]
struct Watched {
    int: Option<tokio::signal::unix::Signal>,
    term: Option<tokio::signal::unix::Signal>,
    quit: Option<tokio::signal::unix::Signal>,
    usr1: Option<tokio::signal::unix::Signal>,
    hup: Option<tokio::signal::unix::Signal>,
}

impl<R: Radio + 'static> Signals<R> {
    /// Watches the signals from now on; needs a tokio runtime.
    pub(super) fn new(config: Option<PathBuf>, reloader: Reloader<R>) -> Signals<R> {
        #[cfg(unix)]
        let watched = {
            use tokio::signal::unix::SignalKind;
            Watched {
                int: watch(SignalKind::interrupt(), "SIGINT"),
                term: watch(SignalKind::terminate(), "SIGTERM"),
                quit: watch(SignalKind::quit(), "SIGQUIT"),
                usr1: watch(SignalKind::user_defined1(), "SIGUSR1"),
                hup: watch(SignalKind::hangup(), "SIGHUP"),
            }
        };
        Signals {
            config,
            reloader: Arc::new(reloader),
            #[cfg(unix)]
            watched,
        }
    }

    /// Completes on a stop signal or when `other` completes; reloads on each SIGHUP.
    pub(super) async fn until_stop(mut self, other: impl Future<Output = ()>) {
        tokio::pin!(other);
        #[cfg(unix)]
        {
            let mut w = std::mem::take(&mut self.watched);
            let Watched {
                int,
                term,
                quit,
                usr1,
                hup,
            } = &mut w;
            loop {
                let name = tokio::select! {
                    () = next(int) => "SIGINT",
                    () = next(term) => "SIGTERM",
                    () = next(quit) => "SIGQUIT",
                    () = next(usr1) => "SIGUSR1",
                    () = next(hup) => {
                        self.reload();
                        continue;
                    }
                    () = &mut other => {
                        info!("duration reached: stopping");
                        return;
                    }
                };
                info!(signal = name, "{name}: stopping");
                return;
            }
        }
        #[cfg(not(unix))]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => info!("interrupted: stopping"),
            () = other => info!("duration reached: stopping"),
        }
    }

    /// Starts a reload in its own task, so that a stop signal is answered meanwhile even if
    /// reading the file hangs.
    fn reload(&self) {
        let Some(path) = self.config.clone() else {
            warn!("SIGHUP: the demo has no configuration file to reload; ignored");
            return;
        };
        info!(path = %path.display(), "SIGHUP: reloading the configuration");
        let reloader = self.reloader.clone();
        tokio::spawn(async move {
            // The outcome is logged and counted by the reloader.
            let _ = reloader.reload(&path).await;
        });
    }
}

#[cfg(unix)]
fn watch(
    kind: tokio::signal::unix::SignalKind,
    name: &'static str,
) -> Option<tokio::signal::unix::Signal> {
    match tokio::signal::unix::signal(kind) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!(signal = name, error = %e, "cannot watch {name}");
            None
        }
    }
}

/// The next delivery of a watched signal; pending for ever if it is not watched.
#[cfg(unix)]
async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
    if let Some(s) = signal.as_mut()
        && s.recv().await.is_some()
    {
        return;
    }
    *signal = None;
    std::future::pending().await
}
