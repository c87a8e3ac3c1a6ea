//! One-off work on a background thread (a filter run, following a stream,
//! building the TCP view, saving): the UI polls for the result each tick and
//! stays responsive meanwhile; Esc cancels.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Job<T> {
    /// What the status bar says while it runs ("Filtering", "Following stream 3").
    pub label: String,
    result: Receiver<T>,
    cancel: Arc<AtomicBool>,
    started: Instant,
}

/// How a poll found the job.
pub enum Poll<T> {
    Running,
    Done(T),
    /// The thread ended without a result (it panicked).
    Lost,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a new thread; it should return early once its flag is set.
    pub fn spawn(
        label: impl Into<String>,
        work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Job<T> {
        let (tx, result) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        // Without a thread the job reports itself lost at the first poll.
        let _ = std::thread::Builder::new()
            .name("wirelens-ui-job".into())
            .spawn(move || {
                let _ = tx.send(work(&flag));
            });
        Job {
            label: label.into(),
            result,
            cancel,
            started: Instant::now(),
        }
    }

    pub fn poll(&self) -> Poll<T> {
        match self.result.try_recv() {
            Ok(v) => Poll::Done(v),
            Err(TryRecvError::Empty) => Poll::Running,
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}
