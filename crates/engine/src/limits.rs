//! Run limits (steps, wall clock, tokens, cost, kept output) and the shared budget that
//! counts against them, nested blueprint runs included.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::result::AgentCallRecord;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct RunLimits {
    /// Node executions, loop iterations and blueprint nodes included.
    pub max_steps: u32,
    pub max_wall_ms: u32,
    pub max_tokens: Option<u32>,
    /// USD.
    pub max_cost: Option<f64>,
    /// Size of all node outputs kept in the result (JSON bytes, estimated; what a node passes
    /// on or keeps from its input counts once, where it was made: `Val::held_size`).
    pub max_output_bytes: u32,
}

impl Default for RunLimits {
    fn default() -> Self {
        Self {
            max_steps: 1_000_000,
            max_wall_ms: 60 * 60 * 1000,
            max_tokens: None,
            max_cost: None,
            max_output_bytes: 512 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Default)]
struct Spent {
    steps: u64,
    tokens: u64,
    cost: f64,
    bytes: u64,
}

/// What a run has used so far; shared with the blueprint runs it starts.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    spent: Mutex<Spent>,
    calls: Mutex<Vec<AgentCallRecord>>,
}

impl Budget {
    fn with<T>(&self, f: impl FnOnce(&mut Spent) -> T) -> T {
        match self.spent.lock() {
            Ok(mut s) => f(&mut s),
            // A poisoned lock only means another task panicked mid-update; the counts stand.
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    pub fn step(&self, limits: &RunLimits) -> Result<(), String> {
        self.with(|s| {
            s.steps += 1;
            if s.steps > u64::from(limits.max_steps) {
                Err(format!(
                    "the run passed its limit of {} steps",
                    limits.max_steps
                ))
            } else {
                Ok(())
            }
        })
    }

    pub fn spend(&self, tokens: u32, cost: f64) {
        self.with(|s| {
            s.tokens += u64::from(tokens);
            s.cost += cost;
        })
    }

    pub fn keep(&self, bytes: usize, limits: &RunLimits) -> Result<(), String> {
        self.with(|s| {
            s.bytes += bytes as u64;
            if s.bytes > u64::from(limits.max_output_bytes) {
                Err(format!(
                    "the run's outputs passed their limit of {} bytes",
                    limits.max_output_bytes
                ))
            } else {
                Ok(())
            }
        })
    }

    pub fn over(&self, limits: &RunLimits) -> Option<String> {
        self.with(|s| {
            if let Some(max) = limits.max_tokens {
                if s.tokens > u64::from(max) {
                    return Some(format!(
                        "the run used {} tokens, over its budget of {max}",
                        s.tokens
                    ));
                }
            }
            if let Some(max) = limits.max_cost {
                if s.cost > max {
                    return Some(format!(
                        "the run cost ${:.4}, over its budget of ${max:.4}",
                        s.cost
                    ));
                }
            }
            None
        })
    }

    pub fn totals(&self) -> (u32, f64) {
        self.with(|s| (u32::try_from(s.tokens).unwrap_or(u32::MAX), s.cost))
    }

    pub fn keep_call(&self, record: AgentCallRecord) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(record);
        }
    }

    pub fn take_calls(&self) -> Vec<AgentCallRecord> {
        self.calls
            .lock()
            .map(|mut c| std::mem::take(&mut *c))
            .unwrap_or_default()
    }
}

/// About how many bytes `v` takes as JSON, without serializing it.
pub(crate) fn approx_size(v: &Json) -> usize {
    match v {
        Json::Null | Json::Bool(_) => 5,
        Json::Number(_) => 8,
        Json::String(s) => s.len() + 2,
        Json::Array(items) => 2 + items.iter().map(|i| approx_size(i) + 1).sum::<usize>(),
        Json::Object(map) => {
            2 + map
                .iter()
                .map(|(k, v)| k.len() + 4 + approx_size(v))
                .sum::<usize>()
        }
    }
}
