//! Actions: `line`, `block`, `rest`, `document`, and how they combine.

use super::{Case, run_all};

const RULES: &str = r#"
[[rule]]
name = "ad"
markers = ["Advertisement"]
where = "equals"

[[rule]]
name = "related"
markers = ["Related:"]
where = "starts"
action = "block"

[[rule]]
name = "comments"
markers = ["Comments"]
where = "equals"
action = "rest"

[[rule]]
name = "not-found"
markers = ["404 Not Found"]
where = "equals"
action = "document"
"#;

#[test]
fn action_cases() {
    run_all(&[
        Case {
            name: "line removes only its line",
            rules: RULES,
            input: "One.\nAdvertisement\nTwo.\n",
            expected: "One.\nTwo.\n",
            reasons: &["ad"],
        },
        Case {
            name: "block runs to the next blank line",
            rules: RULES,
            input: "One.\n\nRelated: more\nTeaser one\nTeaser two\n\nTwo.\n",
            expected: "One.\n\nTwo.\n",
            reasons: &["related"],
        },
        Case {
            name: "block at the end takes everything",
            rules: RULES,
            input: "One.\n\nRelated: more\nTeaser\n",
            expected: "One.\n",
            reasons: &["related"],
        },
        Case {
            name: "rest removes everything after, blank lines included",
            rules: RULES,
            input: "Story.\n\nComments\n\nNice!\n\nAgreed.\n",
            expected: "Story.\n",
            reasons: &["comments"],
        },
        Case {
            name: "a line inside a rest keeps its own reason",
            rules: RULES,
            input: "Story.\nComments\nAdvertisement\nNice!\n",
            expected: "Story.\n",
            reasons: &["comments", "ad", "comments"],
        },
        Case {
            name: "document drops everything",
            rules: RULES,
            input: "Title\n\n404 Not Found\n\nnginx\n",
            expected: "",
            reasons: &["not-found"],
        },
        Case {
            name: "a document that is all boilerplate comes out empty",
            rules: RULES,
            input: "Advertisement\n\nAdvertisement\n",
            expected: "",
            reasons: &["ad"],
        },
    ]);
}
