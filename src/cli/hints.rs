//! Advice the library leaves to the command line: which flag would help, worded from the
//! typed data of a library error.

use boilerstrip::Error;

/// What to try after `error`, naming the flags that would help, if any.
pub fn advice(error: &Error) -> Option<String> {
    let size = error.size_limit()?;
    let raise = "raise the limit with --max-doc-bytes";
    Some(match size.looks_like {
        Some(format) => format!(
            "the input looks like {}: try -f {} (or {raise})",
            format.name().to_uppercase(),
            format.name()
        ),
        None => raise.to_string(),
    })
}

/// `error` (with its chain) and the advice for it, on one line.
pub fn describe(error: &anyhow::Error) -> String {
    let advice = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<Error>().and_then(advice));
    match advice {
        Some(advice) => format!("{error:#}; {advice}"),
        None => format!("{error:#}"),
    }
}

/// A library error and the advice for it, on one line.
pub fn describe_error(error: &Error) -> String {
    match advice(error) {
        Some(advice) => format!("{error}; {advice}"),
        None => error.to_string(),
    }
}
