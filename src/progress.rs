//! The progress bar of a long parallel count on stderr (the simulation's
//! draws, the stability plans).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting `len` items of `what` ("draws"), or a hidden one when not
/// `shown` or there is a single item.
pub fn counter(len: usize, what: &str, shown: bool) -> ProgressBar {
    if !shown || len <= 1 {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len as u64);
    b.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{per_sec}} eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    b
}
