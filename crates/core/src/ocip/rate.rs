//! `--max-rate N`: at most N OCI-P commands per second across all sessions of a pool.
//!
//! A shared server's administrators expect a provisioning tool to be polite (other tools
//! default to a few requests per second); huntctl otherwise sends `--parallelism` sessions ×
//! 15-command documents flat out. The cap is a GCRA from `governor`: each document waits
//! until its commands fit the rate, so sessions share one budget. Its burst is one document,
//! the most that leaves at once, so over any stretch of time the average stays at the cap.

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

/// The shared command budget of a pool.
#[derive(Debug)]
pub struct RateCap {
    limiter: DefaultDirectRateLimiter,
    per_second: u32,
    burst: u32,
}

impl RateCap {
    /// A cap of `per_second` commands per second, for documents of at most `document`
    /// commands; `None` for a cap of 0 (no cap).
    pub fn new(per_second: u32, document: usize) -> Option<RateCap> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(u32::try_from(document).unwrap_or(u32::MAX))
            .unwrap_or(NonZeroU32::MIN)
            .min(rate);
        Some(RateCap {
            limiter: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
            per_second,
            burst: burst.get(),
        })
    }

    /// The cap, commands per second.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// The most commands one document may hold under this cap: a document bigger than the
    /// cap could never be sent within it.
    pub fn document_limit(&self) -> usize {
        self.burst as usize
    }

    /// Waits until `commands` more fit the rate (never longer than the cap needs).
    pub async fn wait(&self, commands: usize) {
        let n = u32::try_from(commands).unwrap_or(u32::MAX).min(self.burst);
        let Some(n) = NonZeroU32::new(n) else { return };
        // `n` is at most the burst: the only error (more than the burst) cannot happen.
        let _ = self.limiter.until_n_ready(n).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn commands_beyond_the_burst_wait_for_the_rate() {
        let cap = RateCap::new(100, 15).unwrap();
        assert_eq!(cap.document_limit(), 15);
        let t = Instant::now();
        // 15 at once (the burst), then 45 more at 100/s: about 0.45 s.
        for _ in 0..4 {
            cap.wait(15).await;
        }
        let s = t.elapsed().as_secs_f64();
        assert!((0.40..0.9).contains(&s), "{s}");
        assert!(RateCap::new(0, 15).is_none());
        assert_eq!(RateCap::new(4, 15).unwrap().document_limit(), 4);
    }
}
