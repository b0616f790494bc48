//! Advice the library leaves to the command line: which flag would help, worded from the
//! typed data of a library error.

use boilerstrip::{Error, Mismatch};

/// What to try after `error`, naming the flags that would help, if any.
pub fn advice(error: &Error) -> Option<String> {
    if let Some(mismatch) = error.mismatch() {
        return match mismatch {
            Mismatch::NotText { looks_like } => Some(format!("try -f {looks_like}")),
            Mismatch::JsonDocument => Some(
                "convert it to JSON Lines (e.g. jq -c '.[]' for an array), or pass -f text to \
                 clean it as plain text"
                    .to_string(),
            ),
            _ => None,
        };
    }
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

    fn text_options() -> InputOptions {
        InputOptions {
            format: Some(Format::Text),
            text: TextOptions {
                max_doc_bytes: 10,
                separator: Some(b"---".to_vec()),
            },
            ..InputOptions::default()
        }
    }

    /// The error of reading `input` as the second document of a text stream, under a
    /// limit of 10 bytes.
    fn too_large(input: &str) -> Error {
        let stream = format!("first\n---\n{input}");
        let mut input = formats::open(Cursor::new(stream), "in", &text_options()).unwrap();
        input.records.next_record().unwrap();
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
            "in: document 2 is larger than the limit of 10 bytes (nothing was truncated); \
             the input looks like WARC: try -f warc (or raise the limit with --max-doc-bytes)"
        );
        let jsonl = too_large("{\"text\": \"a long text field\"}\n");
        assert!(
            describe(&anyhow::Error::from(jsonl))
                .ends_with("try -f jsonl (or raise the limit with --max-doc-bytes)")
        );
    }

    #[test]
    fn inputs_refused_as_text_name_the_format_to_read_them_as() {
        let open = |input: &str, options: &InputOptions| {
            formats::open(Cursor::new(input.to_string()), "in", options)
                .err()
                .expect("refused")
        };
        let warc = open("WARC/1.0\r\nWARC-Type: warcinfo\r\n", &text_options());
        assert!(
            describe_error(&warc).starts_with("in: it starts like WARC, not text")
                && describe_error(&warc).ends_with("; try -f warc"),
            "{warc}"
        );
        let array = open("[\n  {\"text\": \"a\"}\n]\n", &InputOptions::default());
        assert!(
            describe_error(&array).ends_with("or pass -f text to clean it as plain text"),
            "{array}"
        );
    }
}
