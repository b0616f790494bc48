//! Markers: `where`, `case`, several markers and rules, Unicode and odd bytes.

use super::{Case, run_all};

const SHARE_EQUALS: &str = r#"
[[rule]]
name = "share"
markers = ["Share this"]
where = "equals"
"#;

#[test]
fn marker_cases() {
    run_all(&[
        Case {
            name: "equals matches the trimmed line, ASCII case-insensitively",
            rules: SHARE_EQUALS,
            input: "Story.\n   SHARE THIS \t\nMore story.\n",
            expected: "Story.\nMore story.\n",
            reasons: &["share"],
        },
        Case {
            name: "equals does not match inside a longer line",
            rules: SHARE_EQUALS,
            input: "Please share this with friends.\n",
            expected: "Please share this with friends.\n",
            reasons: &[],
        },
        Case {
            name: "equals trims NBSP and ideographic spaces",
            rules: SHARE_EQUALS,
            input: "A.\n\u{a0}Share this\u{3000}\nB.\n",
            expected: "A.\nB.\n",
            reasons: &["share"],
        },
        Case {
            name: "starts and ends anchor to the trimmed line",
            rules: r#"
[[rule]]
name = "by-line"
markers = ["Reporting by"]
where = "starts"
[[rule]]
name = "rights"
markers = ["All rights reserved."]
where = "ends"
"#,
            input: "  Reporting by Jane Doe\nShe was reporting by phone.\n(c) 2020 Acme. All rights reserved.\nAll rights reserved. Really.\n",
            expected: "She was reporting by phone.\nAll rights reserved. Really.\n",
            reasons: &["by-line", "rights"],
        },
        Case {
            name: "contains finds a marker anywhere, also overlapping another",
            rules: r#"
[[rule]]
name = "cookies"
markers = ["cookies"]
[[rule]]
name = "kies"
markers = ["okies"]
where = "ends"
"#,
            input: "We use cookies.\nFresh cookies\nNothing here.\n",
            expected: "Nothing here.\n",
            reasons: &["cookies"],
        },
        Case {
            name: "sensitive case compares bytes",
            rules: r#"
[[rule]]
name = "ap-tag"
markers = ["(AP)"]
case = "sensitive"
where = "starts"
"#,
            input: "(AP) wire copy\n(ap) is kept\n",
            expected: "(ap) is kept\n",
            reasons: &["ap-tag"],
        },
        Case {
            name: "non-ASCII markers match literally",
            rules: r#"
[[rule]]
name = "teilen"
markers = ["Artikel teilen", "Поделиться", "分享到"]
where = "equals"
"#,
            input: "Artikel teilen\nПоделиться\n分享到\nТекст.\n",
            expected: "Текст.\n",
            reasons: &["teilen"],
        },
        Case {
            name: "invalid UTF-8 and NUL bytes pass through",
            rules: SHARE_EQUALS,
            input: "bad \u{fffd} byte\0 here\nShare this\n",
            expected: "bad \u{fffd} byte\0 here\n",
            reasons: &["share"],
        },
        Case {
            name: "the earliest rule names a line two rules remove",
            rules: r#"
[[rule]]
name = "first"
markers = ["promo"]
[[rule]]
name = "second"
markers = ["promo"]
"#,
            input: "a promo\nb\n",
            expected: "b\n",
            reasons: &["first"],
        },
    ]);
}

#[test]
fn invalid_utf8_bytes_survive_byte_for_byte() {
    let rules = boilerstrip::RuleSet::from_toml(SHARE_EQUALS, "t.toml").unwrap();
    let cleaner = boilerstrip::Cleaner::new(&rules).unwrap();
    let input = b"\xff\xfe kept\r\nShare this\n\xc3\x28 also kept";
    let cleaned = cleaner.clean(input);
    assert_eq!(&*cleaned.kept(), b"\xff\xfe kept\r\n\xc3\x28 also kept");
}
