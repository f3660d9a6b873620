//! Messages and progress on stderr. The progress bar exists only when
//! stderr is a terminal: piped or redirected stderr gets plain lines, so
//! logs and tests never see cursor movement.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where a batch command reports: notes, warnings, errors and progress.
pub struct Ui {
    bar: Option<ProgressBar>,
}

impl Ui {
    /// A UI with a progress bar over `total_bytes` of input (a spinner when
    /// the size is unknown), if stderr is a terminal and stdout is not: on a
    /// terminal the output itself shows progress, and the bar would be torn
    /// by it.
    pub fn for_batch(total_bytes: Option<u64>) -> Ui {
        if !std::io::stderr().is_terminal() || std::io::stdout().is_terminal() {
            return Ui::quiet();
        }
        let target = ProgressDrawTarget::stderr();
        let bar = match total_bytes {
            Some(len) => {
                let bar = ProgressBar::with_draw_target(Some(len), target);
                if let Ok(style) = ProgressStyle::with_template(
                    "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {msg}",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, target);
                if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                {
                    bar.set_style(style);
                }
                bar
            }
        };
        bar.enable_steady_tick(Duration::from_millis(200));
        Ui { bar: Some(bar) }
    }

    /// A UI without progress bar.
    pub fn quiet() -> Ui {
        Ui { bar: None }
    }

    /// Prints one line to stderr without tearing the progress bar.
    pub fn line(&self, msg: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{msg}")),
            None => eprintln!("{msg}"),
        }
    }

    /// Moves the bar forward to `bytes` of input, `records` records done.
    pub fn progress(&self, bytes: u64, records: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{records} envelopes"));
        }
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
