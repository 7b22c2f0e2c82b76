//! The broadcast on its own OS thread and runtime (see the module documentation of
//! [`crate::runtime`] for why).

use std::future::Future;

use rsu_hw::Radio;
use tracing::{error, info};

use super::{Service, start_upkeep};

/// The broadcast thread's runtime: current-thread, with I/O and time enabled. Create the
/// radio inside [`BroadcastRuntime::enter`], so that its sockets belong to this runtime's
/// I/O driver, then hand both to [`Service::run_threaded`].
#[derive(Debug)]
pub struct BroadcastRuntime {
    runtime: tokio::runtime::Runtime,
}

impl BroadcastRuntime {
    /// Builds the runtime; it does nothing until [`Service::run_threaded`] runs it.
    pub fn new() -> std::io::Result<BroadcastRuntime> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(BroadcastRuntime { runtime })
    }

    /// Makes this runtime the current one until the guard drops: sockets created meanwhile
    /// (the radio's) register with its I/O driver. Keep the guard across no `.await`.
    pub fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.runtime.enter()
    }
}

impl<R: Radio + 'static> Service<R> {
    /// Broadcasts on a dedicated OS thread running `runtime`, while the input tasks, the
    /// metrics upkeep and whatever else the caller runs stay on the caller's runtime, until
    /// `shutdown` completes. Fails only if the thread cannot be started.
    pub async fn run_threaded(
        self,
        runtime: BroadcastRuntime,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let Service {
            broadcast,
            inputs,
            handle,
        } = self;
        let upkeep = start_upkeep(handle.metrics);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("rsu-broadcast".into())
            .spawn(move || {
                runtime.runtime.block_on(broadcast.run(async {
                    let _ = stopped.await;
                }));
                let _ = done.send(());
            });
        let thread = match thread {
            Ok(t) => t,
            Err(e) => {
                inputs.lock().await.stop();
                return Err(e);
            }
        };
        info!("broadcast thread started");
        tokio::pin!(finished);
        let mut result = Ok(());
        tokio::select! {
            () = shutdown => {
                let _ = stop.send(());
                // Awaited, not joined: the input runtime keeps serving while the loop
                // finishes its slot.
                let _ = (&mut finished).await;
            }
            _ = &mut finished => {
                // The loop only ends when told to: the thread panicked.
                error!("the broadcast thread ended unexpectedly");
                result = Err(std::io::Error::other("the broadcast thread ended unexpectedly"));
            }
        }
        if thread.join().is_err() {
            error!("the broadcast thread panicked");
        }
        drop(upkeep);
        inputs.lock().await.stop();
        info!("stopped broadcasting");
        result
    }
}
