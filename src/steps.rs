//! Counts the steps of search work (automaton transitions, bytes compared) a thread
//! has done, in test builds only: the tests assert that a search reads each byte of a
//! line a bounded number of times, which no timing could show reliably. In other
//! builds every call is empty and compiles away.

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts one step.
#[inline(always)]
pub(crate) fn count() {
    add(1);
}

/// Counts `n` steps.
#[inline(always)]
pub(crate) fn add(n: usize) {
    #[cfg(test)]
    STEPS.set(STEPS.get() + n as u64);
    #[cfg(not(test))]
    let _ = n;
}

/// The steps counted so far on this thread.
#[cfg(test)]
pub(crate) fn taken() -> u64 {
    STEPS.get()
}
