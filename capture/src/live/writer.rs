//! The writer thread: the one consumer of the capture queue. It writes
//! every packet to the capture file first, and decides when a stop
//! condition (`-c`, `-a`) is met.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use super::config::StopConditions;
use super::error::LiveError;
use super::output::Output;
use super::source::Batch;
use super::stats::Shared;

/// How often a quiet capture checks its duration limit.
const TICK: Duration = Duration::from_millis(50);

/// Writes batches until every capture thread has gone, then ends the file.
pub(super) fn run(
    queue: Receiver<Batch>,
    mut output: Output,
    shared: &Arc<Shared>,
    stop: StopConditions,
) -> Result<(), LiveError> {
    let mut written = 0u64;
    let mut limit_reached = false;
    loop {
        match queue.recv_timeout(TICK) {
            Ok(batch) => {
                shared.release(batch.weight());
                // Packets queued after a limit was met are not part of the capture.
                if !limit_reached {
                    limit_reached = write_batch(&batch, &mut output, shared, &stop, &mut written)
                        .inspect_err(|_| shared.request_stop())?;
                }
                shared.recycle(batch);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        // Flushing whenever the queue runs dry keeps a follower close
        // behind on a quiet link and costs nothing on a busy one.
        if shared.queue_is_empty() {
            output.flush().inspect_err(|_| shared.request_stop())?;
        }
        if stop
            .duration
            .is_some_and(|limit| shared.started.elapsed() >= limit)
        {
            limit_reached = true;
        }
        if limit_reached {
            shared.request_stop();
        }
    }
    output.finish()
}

/// Writes a batch up to the packet and size limits; true once one is met.
fn write_batch(
    batch: &Batch,
    output: &mut Output,
    shared: &Shared,
    stop: &StopConditions,
    written: &mut u64,
) -> Result<bool, LiveError> {
    let counters = &shared.counters[batch.interface as usize];
    let full = |written: u64, output: &Output| {
        stop.packets.is_some_and(|n| written >= n)
            || stop
                .filesize_kb
                .is_some_and(|kb| output.current_len() >= kb.saturating_mul(1000))
    };
    for (record, data) in batch.packets() {
        if full(*written, output) {
            return Ok(true);
        }
        output.write(batch.interface, record, data)?;
        *written += 1;
        counters.written.fetch_add(1, Relaxed);
    }
    Ok(full(*written, output))
}
