//! Hybrid logical clock stamps that order edits across devices for last-writer-wins merge.

use std::fmt;
use std::str::FromStr;

/// One HLC stamp. Its text form sorts the same way as the stamp, so databases can compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HlcStamp {
    pub wall_ms: u64,
    pub counter: u32,
    /// Low 64 bits of the device id: breaks ties between devices deterministically.
    pub node: u64,
}

impl fmt::Display for HlcStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:015}-{:08}-{:016x}",
            self.wall_ms, self.counter, self.node
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an HLC stamp")]
pub struct BadStamp(String);

impl FromStr for HlcStamp {
    type Err = BadStamp;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadStamp(s.chars().take(64).collect());
        let mut parts = s.splitn(3, '-');
        let wall_ms = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let counter = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let node = parts
            .next()
            .and_then(|p| u64::from_str_radix(p, 16).ok())
            .ok_or_else(bad)?;
        Ok(Self {
            wall_ms,
            counter,
            node,
        })
    }
}

/// A device's clock: monotonic even when the wall clock steps back, and it moves past
/// any stamp it has seen from another device.
#[derive(Debug, Clone)]
pub struct HlcClock {
    last: HlcStamp,
}

impl HlcClock {
    pub fn new(node: u64) -> Self {
        Self {
            last: HlcStamp {
                wall_ms: 0,
                counter: 0,
                node,
            },
        }
    }

    /// A stamp for a local edit at wall time `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> HlcStamp {
        if now_ms > self.last.wall_ms {
            self.last.wall_ms = now_ms;
            self.last.counter = 0;
        } else {
            self.last.counter = self.last.counter.saturating_add(1);
        }
        self.last
    }

    /// Merge a stamp received from another device so later local stamps sort after it.
    pub fn observe(&mut self, remote: HlcStamp, now_ms: u64) -> HlcStamp {
        let wall = now_ms.max(self.last.wall_ms).max(remote.wall_ms);
        let counter = if wall == self.last.wall_ms && wall == remote.wall_ms {
            self.last.counter.max(remote.counter).saturating_add(1)
        } else if wall == self.last.wall_ms {
            self.last.counter.saturating_add(1)
        } else if wall == remote.wall_ms {
            remote.counter.saturating_add(1)
        } else {
            0
        };
        self.last.wall_ms = wall;
        self.last.counter = counter;
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_sorts_like_the_stamp_and_round_trips() {
        let a = HlcStamp {
            wall_ms: 9,
            counter: 12,
            node: 1,
        };
        let b = HlcStamp {
            wall_ms: 10,
            counter: 0,
            node: 0,
        };
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
        assert_eq!(a.to_string().parse::<HlcStamp>(), Ok(a));
        assert!("garbage".parse::<HlcStamp>().is_err());
    }

    #[test]
    fn clock_is_monotonic_when_wall_time_goes_back_and_after_remote() {
        let mut c = HlcClock::new(7);
        let s1 = c.tick(1000);
        let s2 = c.tick(900);
        assert!(s2 > s1);
        let remote = HlcStamp {
            wall_ms: 5000,
            counter: 3,
            node: 9,
        };
        let s3 = c.observe(remote, 1000);
        assert!(s3 > remote || (s3.wall_ms == remote.wall_ms && s3.counter > remote.counter));
        assert!(c.tick(1000) > s3);
    }
}
