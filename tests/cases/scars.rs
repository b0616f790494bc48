//! Blank-line scars: collapsed where a removal made them, kept where the author wrote them.

use super::{Case, run_all};

const AD: &str = r#"
[[rule]]
name = "ad"
markers = ["AD"]
where = "equals"
"#;

#[test]
fn scar_cases() {
    run_all(&[
        Case {
            name: "blank lines around a removal collapse to one",
            rules: AD,
            input: "One.\n\nAD\n\nTwo.\n",
            expected: "One.\n\nTwo.\n",
            reasons: &["ad"],
        },
        Case {
            name: "the author's blank lines elsewhere stay as written",
            rules: AD,
            input: "One.\n\n\n\nTwo.\n\nAD\n\nThree.\n",
            expected: "One.\n\n\n\nTwo.\n\nThree.\n",
            reasons: &["ad"],
        },
        Case {
            name: "no blank line is invented",
            rules: AD,
            input: "One.\nAD\nTwo.\n",
            expected: "One.\nTwo.\n",
            reasons: &["ad"],
        },
        Case {
            name: "blank lines left at the start go",
            rules: AD,
            input: "AD\n\n \nOne.\n",
            expected: "One.\n",
            reasons: &["ad"],
        },
        Case {
            name: "blank lines left at the end go",
            rules: AD,
            input: "One.\n\nAD\n\n",
            expected: "One.\n",
            reasons: &["ad"],
        },
        Case {
            name: "the kept blank line is the first, byte for byte",
            rules: AD,
            input: "One.\n \t\nAD\n\n\nTwo.\n",
            expected: "One.\n \t\nTwo.\n",
            reasons: &["ad"],
        },
        Case {
            name: "leading and trailing blank lines the author wrote stay",
            rules: AD,
            input: "\n\nOne.\n\n",
            expected: "\n\nOne.\n\n",
            reasons: &[],
        },
        Case {
            name: "a last line without a newline keeps it that way",
            rules: AD,
            input: "AD\nOne.",
            expected: "One.",
            reasons: &["ad"],
        },
        Case {
            name: "removing the unterminated last line leaves the previous terminator",
            rules: AD,
            input: "One.\nAD",
            expected: "One.\n",
            reasons: &["ad"],
        },
        Case {
            name: "empty input stays empty",
            rules: AD,
            input: "",
            expected: "",
            reasons: &[],
        },
    ]);
}
