//! Guards: `max_words`, position (`after`, `before`) and `pattern`.

use super::{Case, run_all};

#[test]
fn guard_cases() {
    run_all(&[
        Case {
            name: "max_words keeps long lines that mention the marker",
            rules: r#"
[[rule]]
name = "privacy"
markers = ["privacy policy"]
max_words = 4
"#,
            input: "Privacy Policy\nThe company changed its privacy policy after the breach.\n",
            expected: "The company changed its privacy policy after the breach.\n",
            reasons: &["privacy"],
        },
        Case {
            name: "max_words counts CJK characters as words",
            rules: r#"
[[rule]]
name = "share-zh"
markers = ["分享"]
max_words = 3
"#,
            input: "分享到\n这篇文章分享了很多有用的信息\n",
            expected: "这篇文章分享了很多有用的信息\n",
            reasons: &["share-zh"],
        },
        Case {
            name: "after keeps a rest marker near the top from truncating the article",
            rules: r#"
[[rule]]
name = "related"
markers = ["Related stories"]
where = "equals"
action = "rest"
after = 0.5
"#,
            input: "Related stories\nA long first paragraph of the article that goes on.\nA second paragraph of the article, also long enough.\nRelated stories\nTeaser\n",
            expected: "Related stories\nA long first paragraph of the article that goes on.\nA second paragraph of the article, also long enough.\n",
            reasons: &["related"],
        },
        Case {
            name: "before limits a rule to the head of a page",
            rules: r#"
[[rule]]
name = "skip-link"
markers = ["Skip to content"]
where = "equals"
before = 0.2
"#,
            input: "Skip to content\nThe story starts here and runs for quite a while longer.\nSkip to content\n",
            expected: "The story starts here and runs for quite a while longer.\nSkip to content\n",
            reasons: &["skip-link"],
        },
        Case {
            name: "pattern confirms candidate lines",
            rules: r#"
[[rule]]
name = "credit"
markers = ["]"]
where = "ends"
pattern = '\[[^\]]*/[^\]]*\]$'
"#,
            input: "Leaders meet [Jane Doe/Reuters]\nSee the appendix [1]\n",
            expected: "See the appendix [1]\n",
            reasons: &["credit"],
        },
        Case {
            name: "a rule with several markers on one line fires once",
            rules: r#"
[[rule]]
name = "social"
markers = ["Facebook", "Twitter", "Email"]
max_words = 3
"#,
            input: "Facebook Twitter Email\nFacebook Twitter Email Print WhatsApp\n",
            expected: "Facebook Twitter Email Print WhatsApp\n",
            reasons: &["social"],
        },
    ]);
}
