//! Advice the library leaves to the command line: which flag would help, worded from the
//! typed data of a library error.

use boilerstrip::Error;

/// What to try after `error`, naming the flags that would help, if any.
pub fn advice(error: &Error) -> Option<String> {
    let size = error.size_limit()?;
    let raise = "raise the limit with --max-doc-bytes";
    Some(match size.looks_like {
        Some(format) => format!(
            "the input looks like {}: try -f {format} (or {raise})",
            format.to_uppercase()
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

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use boilerstrip::formats::text::TextOptions;
    use boilerstrip::formats::{self, Format, InputOptions};

    use super::*;

    /// The error of reading `input` as text under a limit of 10 bytes.
    fn too_large(input: &str) -> Error {
        let options = InputOptions {
            format: Some(Format::Text),
            text: TextOptions {
                max_doc_bytes: 10,
                ..TextOptions::default()
            },
            ..InputOptions::default()
        };
        let mut input = formats::open(Cursor::new(input.to_string()), "in", &options).unwrap();
        input.records.next_record().unwrap_err()
    }

    #[test]
    fn size_limits_name_the_flag_and_the_format_the_input_looks_like() {
        let plain = too_large("plain text, more than ten bytes");
        assert!(!plain.to_string().contains("--"), "{plain}");
        assert_eq!(
            advice(&plain).as_deref(),
            Some("raise the limit with --max-doc-bytes")
        );
        let warc = too_large("WARC/1.0\r\nWARC-Type: warcinfo\r\n");
        assert_eq!(
            describe_error(&warc),
            "in: document 1 is larger than the limit of 10 bytes (nothing was truncated); \
             the input looks like WARC: try -f warc (or raise the limit with --max-doc-bytes)"
        );
        let jsonl = too_large("{\"text\": \"a long text field\"}\n");
        assert!(
            describe(&anyhow::Error::from(jsonl))
                .ends_with("try -f jsonl (or raise the limit with --max-doc-bytes)")
        );
    }
}
