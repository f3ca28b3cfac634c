//! One node's attempts: its timeout, retries with backoff, and rate limits' Retry-After.

use super::*;

/// The longest wait between two retries, however many there were.
pub(super) const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
/// The longest Retry-After a retry waits out. A service asking for more fails the node at
/// once, saying so, rather than holding the run.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Runs a node's kind with its timeout, retrying failures with exponential backoff. A failure
/// that is not retryable ends it at once; a rate limit's Retry-After is waited out when it
/// is no longer than [`MAX_RETRY_AFTER`], and fails the node when it is. The waits are plain
/// sleeps in the node's task: cancelling the run aborts the task, sleep included.
pub(super) async fn attempts(call: Arc<NodeCall>) -> (NodeRun, u32) {
    let node = &call.run.graph.nodes[call.node];
    let mut attempt = 0;
    loop {
        attempt += 1;
        let work = async {
            match &node.kind.runner {
                Runner::Sync(run) => run(&call),
                Runner::Async(run) => run(call.clone()).await,
                Runner::Loop | Runner::Unavailable(_) | Runner::CanvasOnly => {
                    Err(NodeError::permanent("this kind cannot run as a task"))
                }
            }
        };
        let result = match node.timeout {
            Some(limit) => tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
                Err(NodeError::new(format!(
                    "timed out after {} ms",
                    limit.as_millis()
                )))
            }),
            None => work.await,
        };
        let error = match result {
            Err(e) if attempt <= node.retries => e,
            other => return (other, attempt),
        };
        if !error.retryable {
            call.log(format!(
                "attempt {attempt} failed: {error}; not retried: another attempt would fail the same way"
            ));
            return (Err(error), attempt);
        }
        let backoff = node
            .retry_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(MAX_RETRY_DELAY);
        let wait = match error.retry_after {
            Some(asked) if asked > MAX_RETRY_AFTER => {
                let message = format!(
                    "{error}; the service asks to wait {} s before trying again, longer than the {} s a retry may wait: run it again later",
                    asked.as_secs(),
                    MAX_RETRY_AFTER.as_secs()
                );
                call.log(format!("attempt {attempt} failed: {message}"));
                return (Err(NodeError::permanent(message)), attempt);
            }
            Some(asked) => asked.max(backoff),
            None => backoff,
        };
        call.log(format!(
            "attempt {attempt} failed: {error}; retrying in {} ms",
            wait.as_millis()
        ));
        tokio::time::sleep(wait).await;
    }
}
