//! Per-request timeouts without a timer per request. Each worker keeps one timer that is
//! never later than the current request's deadline; when it fires early (it was set for an
//! earlier request), it is moved to the current deadline. Deadlines only grow, so with
//! requests far shorter than the timeout the timer is touched about once per timeout, where
//! `tokio::time::timeout` would register and cancel a timer on every request.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Instant;
use tokio::time::Sleep;

#[derive(Default)]
pub struct Watchdog {
    timer: Option<Pin<Box<Sleep>>>,
}

impl Watchdog {
    /// Runs `work` until it ends (`Some`) or `deadline` passes (`None`, `work` is dropped).
    pub async fn within<F: Future>(&mut self, deadline: Instant, work: F) -> Option<F::Output> {
        let due = tokio::time::Instant::from_std(deadline);
        let timer = match &mut self.timer {
            Some(timer) => {
                // Keep the invariant "timer ≤ deadline" (a caller may pass an earlier one).
                if timer.deadline() > due {
                    timer.as_mut().reset(due);
                }
                timer
            }
            empty => empty.insert(Box::pin(tokio::time::sleep_until(due))),
        };
        let mut work = pin!(work);
        std::future::poll_fn(|cx| {
            if let Poll::Ready(out) = work.as_mut().poll(cx) {
                return Poll::Ready(Some(out));
            }
            while timer.as_mut().poll(cx).is_ready() {
                if Instant::now() >= deadline {
                    return Poll::Ready(None);
                }
                // Fired for an earlier request: move it to this one's deadline and re-arm.
                timer.as_mut().reset(due);
            }
            Poll::Pending
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn times_out_late_work_and_lets_quick_work_finish() {
        let mut dog = Watchdog::default();
        let start = Instant::now();
        let quick = dog
            .within(start + Duration::from_millis(50), async { 7 })
            .await;
        assert_eq!(quick, Some(7));
        // The timer still points at the first deadline; the second request must not end there.
        let later = Instant::now() + Duration::from_millis(200);
        let slow = dog
            .within(later, tokio::time::sleep(Duration::from_millis(120)))
            .await;
        assert_eq!(slow, Some(()), "finished before its own deadline");
        let stuck = dog
            .within(
                Instant::now() + Duration::from_millis(40),
                std::future::pending::<()>(),
            )
            .await;
        assert_eq!(stuck, None);
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(160), "{took:?}");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }
}
