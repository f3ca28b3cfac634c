//! Clipping node errors and log lines, so megabytes of error text stay out of results, events and stderr.

use super::*;

/// The longest node error a result, an event or the run's error carries (in characters);
/// a longer one loses its middle to "…" and is kept whole, up to `MAX_LOG_CHARS`, in the node's logs.
pub const MAX_ERROR_CHARS: usize = 1_000;
/// The longest line a node's log keeps (in characters).
pub const MAX_LOG_CHARS: usize = 64 * 1024;

/// `text` cut to `max` characters, with "…" when something was cut.
pub(crate) fn clip_chars(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// `text` cut to about `max` characters by dropping its middle for "…": a failure inside
/// nested blueprints names its cause last, after each level's prefix.
pub(crate) fn clip_middle(text: &str, max: usize) -> Cow<'_, str> {
    let chars = text.chars().count();
    if chars <= max {
        return Cow::Borrowed(text);
    }
    let head = max * 3 / 5;
    let tail = max - head;
    let head_end = text.char_indices().nth(head).map_or(text.len(), |(i, _)| i);
    let tail_start = text
        .char_indices()
        .nth(chars - tail)
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}…{}", &text[..head_end], &text[tail_start..]))
}
