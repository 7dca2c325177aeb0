//! Writing to the terminal without ever panicking.
//!
//! `println!`/`eprintln!` panic when the stream is closed (`codefacts check 2>&1 | head -c 1`).
//! Messages for people go through [`errln!`](crate::errln), which drops a failed write; results
//! on standard output are written through `io::Write` and a closed pipe ends the command
//! quietly ([`is_broken_pipe`]).

/// Writes one line to standard error; a closed or failing stderr is ignored.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-q`/`-s`: warnings are not printed (errors still are).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes `codefacts: warning: ...` to standard error, unless `-q`/`-s` asked for quiet.
#[macro_export]
macro_rules! warnln {
    ($($arg:tt)*) => {{
        if !$crate::term::quiet() {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "codefacts: warning: {}", format_args!($($arg)*));
        }
    }};
}

/// Prints a warning the first time this process is given it (a configuration read once per
/// folder would otherwise repeat it).
pub fn warn_once(message: String) {
    static SEEN: std::sync::Mutex<std::collections::BTreeSet<String>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let fresh = SEEN
        .lock()
        .map(|mut seen| seen.insert(message.clone()))
        .unwrap_or(true);
    if fresh {
        crate::warnln!("{message}");
    }
}

/// Whether an error is (caused by) a write to a closed pipe: the reader went away, so the
/// command ends quietly, as `ripgrep` and the coreutils do.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|e| e.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}

/// `CODEFACTS_TIMINGS`: where a run's time goes. [`mark`] writes `timing: WHAT at N ms`, in
/// milliseconds since the process started, so marks of every layer line up.
pub fn timings() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("CODEFACTS_TIMINGS").is_some())
}

static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Starts the clock [`mark`] reads (call first thing in `main`).
pub fn start_clock() {
    START.get_or_init(std::time::Instant::now);
}

/// With `CODEFACTS_TIMINGS` set, writes how long the process has run when `what` happened.
pub fn mark(what: &str) {
    if timings() {
        let ms = START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1e3;
        errln!("timing: {what} at {ms:.1} ms");
    }
}
