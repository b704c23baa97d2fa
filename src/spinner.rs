//! A spinner on stderr while the optimizer works, shown only when it is worth it: stderr is a
//! terminal and the work takes longer than half a second. Quick solves, pipes, files and CI logs
//! never see it, so it cannot disturb output that scripts read.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::Duration;

/// How long the work runs before the spinner appears.
const DELAY: Duration = Duration::from_millis(500);

/// A handle to change the message while the work runs (e.g. which step of a search).
#[derive(Clone)]
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// Replace the message next to the spinner.
    pub fn set_message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }
}

/// Run `work` with a spinner that says `message` when stderr is a terminal and `work` takes
/// longer than half a second. The spinner is cleared before this returns.
pub fn with_spinner<T>(message: &str, work: impl FnOnce(&Spinner) -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work(&Spinner { bar: None });
    }
    // Drawn nowhere until the delay has passed; then moved to stderr with a steady tick.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message.to_string());
    let (done, finished) = mpsc::channel::<()>();
    let shown = bar.clone();
    let ticker = std::thread::spawn(move || {
        if finished.recv_timeout(DELAY) == Err(mpsc::RecvTimeoutError::Timeout) {
            shown.set_draw_target(ProgressDrawTarget::stderr());
            shown.enable_steady_tick(Duration::from_millis(100));
            let _ = finished.recv();
        }
    });
    let spinner = Spinner {
        bar: Some(bar.clone()),
    };
    let out = work(&spinner);
    drop(done);
    let _ = ticker.join();
    bar.finish_and_clear();
    out
}
