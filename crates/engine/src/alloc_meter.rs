//! The process's global allocator: the system one, counting the live bytes of the threads that opted in (jq programs, templates with statements) under a per-thread ceiling.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// `System`, counting the live bytes of the threads that opted in.
///
/// A jq program can grow a value to gigabytes in a few steps (`. + .` on a string,
/// `"x" * 10000000000`), which the step budget cannot see. A thread that opts in
/// ([`metered_thread`]) counts the bytes allocated minus the bytes freed on it, which `Fuel`
/// reads at every jq step. Between two steps one allocation can still be huge, so one that
/// would take the thread past its ceiling is never made. An allocator may neither unwind
/// (undefined behaviour) nor return null (the standard library then aborts the process), so the
/// thread raises its flag and sleeps for good instead; whoever waits for it sees the flag and
/// leaves it behind, as a node timeout already does.
///
/// Nothing here allocates: the thread-local state is `Copy` cells with a `const` initializer,
/// so it needs no lazy set-up and no destructor (on Linux, macOS and Windows, where std uses
/// the platform's native thread-locals), and a thread that did not opt in pays one
/// thread-local read per allocation.
pub struct CountingAllocator;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// One thread's count. Signed: a thread may free what another allocated.
struct ThreadCount {
    on: Cell<bool>,
    live: Cell<isize>,
    /// An allocation that would take `live` past this is never made.
    ceiling: Cell<isize>,
    /// Raised when an allocation was refused; points into the `Arc` that `MeteredThread`
    /// holds for as long as `on` is set.
    refused: Cell<*const AtomicBool>,
    /// The program's stop flag (set when its node timed out, was cancelled or the run
    /// ended), and how many allocations the thread made since it saw it set.
    stop: Cell<*const AtomicBool>,
    since_stop: Cell<u32>,
}

thread_local! {
    static COUNT: ThreadCount = const {
        ThreadCount {
            on: Cell::new(false),
            live: Cell::new(0),
            ceiling: Cell::new(isize::MAX),
            refused: Cell::new(ptr::null()),
            stop: Cell::new(ptr::null()),
            since_stop: Cell::new(0),
        }
    };
}

/// What a block of `size` bytes takes from the system allocator, about: glibc's malloc adds an
/// 8-byte header, rounds to 16 and gives at least 32, so a program of tiny strings and maps
/// takes several times the bytes it asks for. Counted alike when freed.
#[inline]
fn charge(size: usize) -> usize {
    (size.saturating_add(8 + 15) & !15).max(32)
}

/// Whether this thread may take `grow` more bytes; counts them when it may. Refusing raises
/// the thread's flag and never returns.
#[inline]
fn admit(grow: usize) {
    // `try_with` fails only while the thread's locals are torn down: not counted then.
    let _ = COUNT.try_with(|c| {
        if !c.on.get() {
            return;
        }
        let stop = c.stop.get();
        // SAFETY: the flag is kept alive by the guard that registered it (`MeteredThread`),
        // and the pointer is cleared when the guard goes.
        if !stop.is_null() && unsafe { (*stop).load(Ordering::Relaxed) } {
            // A stopped program unwinds at its next step. One inside native work that takes
            // no steps (`[..]` over a value nested deep is quadratic) would go on burning a
            // core after its node was abandoned: past this many allocations it sleeps instead.
            let n = c.since_stop.get().saturating_add(1);
            c.since_stop.set(n);
            if n > ALLOCATIONS_AFTER_STOP {
                idle();
            }
        }
        let grow = isize::try_from(grow).unwrap_or(isize::MAX);
        let live = c.live.get().saturating_add(grow);
        if live > c.ceiling.get() {
            refuse(c.refused.get());
        }
        c.live.set(live);
    });
}

/// Counts `shrink` bytes given back on this thread.
#[inline]
fn release(shrink: usize) {
    let _ = COUNT.try_with(|c| {
        if c.on.get() {
            let shrink = isize::try_from(shrink).unwrap_or(isize::MAX);
            c.live.set(c.live.get().saturating_sub(shrink));
        }
    });
}

/// Raises the flag and parks the thread for good, without allocating: `thread::sleep` is a
/// system call in a loop (`nanosleep` on Unix, `Sleep` on Windows). The thread keeps what it
/// holds, at most its ceiling, until the process exits.
#[cold]
fn refuse(flag: *const AtomicBool) -> ! {
    if !flag.is_null() {
        // SAFETY: `flag` points into the `Arc` held by this thread's `MeteredThread`, which
        // is alive while counting is on, and this thread never returns to drop it.
        unsafe { (*flag).store(true, Ordering::SeqCst) };
    }
    idle()
}

/// Allocations a stopped program may still make before its thread is put to sleep.
const ALLOCATIONS_AFTER_STOP: u32 = 1_000;

/// Sleeps for good, allocating nothing.
#[cold]
fn idle() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

// SAFETY: every call is passed to `System` unchanged; the counting around it touches only
// this thread's `Cell`s and never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        admit(charge(layout.size()));
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            release(charge(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        admit(charge(layout.size()));
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            release(charge(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        release(charge(layout.size()));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (old, new) = (charge(layout.size()), charge(new_size));
        if new > old {
            admit(new - old);
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            // Refused by the system: the old block stays as it was.
            if new > old {
                release(new - old);
            }
        } else if new < old {
            release(old - new);
        }
        p
    }
}

/// This thread's allocations are counted while this lives; dropping it stops the count.
/// Not `Send`: it belongs to the thread that made it.
pub struct MeteredThread {
    /// Held so that the pointer in the thread's count stays valid.
    _refused: Arc<AtomicBool>,
    _stop: Arc<AtomicBool>,
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Starts counting the calling thread's allocations (from zero), with no ceiling yet;
/// `refused` is raised if an allocation over the ceiling is refused.
pub fn metered_thread(refused: Arc<AtomicBool>, stop: Arc<AtomicBool>) -> MeteredThread {
    COUNT.with(|c| {
        c.live.set(0);
        c.ceiling.set(isize::MAX);
        c.refused.set(Arc::as_ptr(&refused));
        c.stop.set(Arc::as_ptr(&stop));
        c.since_stop.set(0);
        c.on.set(true);
    });
    MeteredThread {
        _refused: refused,
        _stop: stop,
        _not_send: std::marker::PhantomData,
    }
}

impl Drop for MeteredThread {
    fn drop(&mut self) {
        // Off before `refused` goes, so the count never reaches a dangling flag.
        let _ = COUNT.try_with(|c| {
            c.on.set(false);
            c.refused.set(ptr::null());
            c.stop.set(ptr::null());
            c.ceiling.set(isize::MAX);
        });
    }
}

/// The calling thread's live bytes (allocated minus freed on it) since it opted in; 0 on a
/// thread that did not.
pub fn live_bytes() -> isize {
    COUNT.try_with(|c| c.live.get()).unwrap_or(0)
}

/// Sets the live bytes the calling thread may never pass (`isize::MAX`: no ceiling). No
/// effect on a thread that did not opt in.
pub fn set_ceiling(bytes: isize) {
    let _ = COUNT.try_with(|c| c.ceiling.set(bytes));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_the_opted_in_thread() {
        std::thread::spawn(|| {
            assert_eq!(live_bytes(), 0);
            let _v = vec![0u8; 1 << 20];
            assert_eq!(live_bytes(), 0, "not opted in");
            let meter = metered_thread(Arc::new(AtomicBool::new(false)), Arc::default());
            let v = vec![0u8; 1 << 20];
            assert!(live_bytes() >= 1 << 20);
            let mut v2 = Vec::<u8>::with_capacity(16);
            v2.resize(1 << 21, 1);
            assert!(live_bytes() >= 3 << 20);
            drop(v);
            drop(v2);
            assert!(live_bytes() < 1 << 10, "{}", live_bytes());
            drop(meter);
            assert_eq!(live_bytes(), 0);
        })
        .join()
        .expect("thread");
    }

    /// A refused allocation raises the flag and parks the thread; sleeping itself allocates
    /// nothing (a ceiling at the live count would catch any allocation it made).
    #[test]
    fn a_refused_allocation_parks_the_thread_and_sleeping_does_not_allocate() {
        let refused = Arc::new(AtomicBool::new(false));
        let slept = Arc::new(AtomicBool::new(false));
        let (flag, slept_too) = (Arc::clone(&refused), Arc::clone(&slept));
        std::thread::spawn(move || {
            let _meter = metered_thread(flag, Arc::default());
            set_ceiling(live_bytes());
            std::thread::sleep(Duration::from_millis(5));
            slept_too.store(true, Ordering::SeqCst);
            let big = std::hint::black_box(vec![1u8; 1 << 20]);
            unreachable!("{} bytes allocated past the ceiling", big.len());
        });
        let started = std::time::Instant::now();
        while !refused.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(slept.load(Ordering::SeqCst), "sleeping allocated");
        assert!(refused.load(Ordering::SeqCst), "the allocation was made");
    }
}
