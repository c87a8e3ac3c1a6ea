//! Work that runs off the UI thread and is picked up by a later frame.
//!
//! Every slow thing the window does (sorting millions of rows, a filter that
//! replays the file, dissecting a connection again with its history, the
//! flow report) is a [`Job`]: a thread whose result the frame loop polls, so
//! drawing never waits for it.

use std::sync::Arc;
use std::thread::JoinHandle;

/// Called from a worker thread when it has something new: the GUI passes a
/// repaint request, so the result shows without waiting for input.
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// A notifier that does nothing (tests without a window).
pub fn no_notify() -> Notify {
    Arc::new(|| {})
}

/// One background computation.
pub struct Job<T> {
    handle: Option<JoinHandle<T>>,
    result: Option<Result<T, String>>,
}

impl<T> std::fmt::Debug for Job<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("running", &self.handle.is_some())
            .finish()
    }
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread named `name`; `notify` is called when it ends.
    pub fn spawn(name: &str, notify: Notify, work: impl FnOnce() -> T + Send + 'static) -> Self {
        let spawned = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let out = work();
                notify();
                out
            });
        match spawned {
            Ok(handle) => Job {
                handle: Some(handle),
                result: None,
            },
            Err(e) => Job {
                handle: None,
                result: Some(Err(format!("cannot start a thread: {e}"))),
            },
        }
    }

    /// True until the result is in.
    pub fn is_running(&mut self) -> bool {
        self.collect();
        self.result.is_none()
    }

    /// The result once the thread has ended; an `Err` says it stopped
    /// without one (a bug in the work it ran, reported rather than hidden).
    pub fn result(&mut self) -> Option<&Result<T, String>> {
        self.collect();
        self.result.as_ref()
    }

    /// Takes the result out, once.
    pub fn take(&mut self) -> Option<Result<T, String>> {
        self.collect();
        self.result.take()
    }

    /// Waits for the result (tests and exports that have nothing else to do).
    pub fn wait(mut self) -> Result<T, String> {
        if let Some(handle) = self.handle.take() {
            return handle
                .join()
                .map_err(|_| "the background work stopped unexpectedly".to_owned());
        }
        self.result
            .take()
            .unwrap_or_else(|| Err("no result".to_owned()))
    }

    fn collect(&mut self) {
        if self.handle.as_ref().is_some_and(JoinHandle::is_finished) {
            if let Some(handle) = self.handle.take() {
                self.result = Some(
                    handle
                        .join()
                        .map_err(|_| "the background work stopped unexpectedly".to_owned()),
                );
            }
        }
    }
}
