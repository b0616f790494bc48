//! Unit tests of the review report: sample selection, ranking, escaping, truncation and
//! bounded size.

use super::*;
use crate::clean::Cleaner;
use crate::rules::RuleSet;
use std::borrow::Cow;

const PACK: &str = "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n\
                    [[rule]]\nname = \"share\"\nmarkers = [\"Share this\"]\nwhere = \"equals\"\n";

fn cleaner() -> Cleaner {
    Cleaner::new(&RuleSet::from_toml(PACK, "t.toml").unwrap()).unwrap()
}

fn identity(record: u64) -> Identity<'static> {
    Identity {
        input: "in.jsonl",
        record,
        id: Some(format!("doc-{record}").into()),
        url: None,
    }
}

fn page(report: &Report) -> String {
    let mut out = Vec::new();
    report.write_html(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The `(record, first line)` of each sample shown for `reason`, in page order.
fn sampled(report: &Report, reason: &str) -> Vec<(u64, usize)> {
    let mut samples: Vec<_> = report.reasons[&Reason::new(reason)]
        .samples
        .iter()
        .map(|s| (s.order, s.label.record, s.line))
        .collect();
    samples.sort();
    samples.into_iter().map(|(_, r, l)| (r, l)).collect()
}

#[test]
fn each_reason_samples_the_removals_of_smallest_hash() {
    let cleaner = cleaner();
    let options = ReportOptions {
        samples_per_reason: 5,
        ..ReportOptions::default()
    };
    let mut report = Report::new(options);
    let mut all = Vec::new();
    for record in 1..=60u64 {
        let text = format!(
            "Prose {record}.\nAdvertisement\nMore prose.\nAdvertisement\nShare this\nEnd.\n"
        );
        let cleaned = cleaner.clean(text.as_bytes());
        for line in [1, 3] {
            all.push((sample_hash(&format!("doc-{record}"), line), record, line));
        }
        report.add_document(&identity(record), &cleaned);
    }
    all.sort();
    let mut expected: Vec<(u64, usize)> = all[..5].iter().map(|&(_, r, l)| (r, l)).collect();
    expected.sort();
    assert_eq!(sampled(&report, "ad"), expected);
    assert_eq!(sampled(&report, "share").len(), 5);
    // Not simply the first documents: hashing spreads the sample over the run.
    assert!(
        expected.iter().any(|&(record, _)| record > 10),
        "{expected:?}"
    );
    let tally = &report.reasons[&Reason::new("ad")];
    assert_eq!((tally.lines, tally.documents), (120, 60));
}

#[test]
fn the_same_documents_give_the_same_page_whether_digested_one_by_one_or_ahead() {
    // The pipeline digests on worker threads and adds in input order; the page must not
    // depend on which.
    let cleaner = cleaner();
    let texts: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "Line {i}\n{}Kept\nShare this\n",
                "Advertisement\n".repeat(i % 4)
            )
        })
        .collect();
    let mut direct = Report::new(ReportOptions::default());
    for (i, text) in texts.iter().enumerate() {
        direct.add_document(&identity(i as u64 + 1), &cleaner.clean(text.as_bytes()));
    }
    let digests: Vec<Digest> = texts
        .iter()
        .enumerate()
        .rev()
        .map(|(i, text)| {
            let cleaned = cleaner.clean(text.as_bytes());
            Digest::new(
                &identity(i as u64 + 1),
                &cleaned,
                &ReportOptions::default(),
                false,
            )
        })
        .collect();
    let mut ahead = Report::new(ReportOptions::default());
    for (digest, text) in digests.into_iter().rev().zip(&texts) {
        ahead.add(digest, || Some(Cow::Borrowed(text.as_bytes())));
    }
    assert_eq!(page(&direct), page(&ahead));
}

#[test]
fn input_text_ids_and_urls_are_escaped() {
    let cleaner = cleaner();
    let text = "<script>alert('x')</script> & \"q\"\nAdvertisement\n<img src=x onerror=alert(1)>\n";
    let mut report = Report::new(ReportOptions::default());
    report.begin_input("<script>in</script>.txt");
    let identity = Identity {
        input: "<script>in</script>.txt",
        record: 1,
        id: Some("<script>id</script>".into()),
        url: Some("javascript:alert(\"u\")<script>".into()),
    };
    report.add_document(&identity, &cleaner.clean(text.as_bytes()));
    let page = page(&report);
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("href=\"javascript"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert!(page.contains("id &lt;script&gt;id&lt;/script&gt;"));
    assert!(page.contains("<del>Advertisement</del>"));
    assert!(page.contains("title=\"removed: ad\""));
}

#[test]
fn long_lines_are_cut_with_a_marker_and_bytes_are_shown_lossily() {
    let cleaner = cleaner();
    let long = "é".repeat(50_000);
    let text = format!("{long}\nAdvertisement\nbad \u{1b}[31m \u{0}\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"\xff\xfe end\n");
    let mut report = Report::new(ReportOptions::default());
    report.add_document(&identity(1), &cleaner.clean(&bytes));
    let page = page(&report);
    assert!(page.contains(&format!(
        "{} <span class=\"cut\">… cut: the line has 100,000 bytes",
        "é".repeat(240)
    )));
    assert!(!page.contains(&"é".repeat(241)));
    assert!(page.contains("bad ␛[31m ␀"));
    assert!(page.contains("\u{fffd}\u{fffd} end"));
    assert!(page.len() < 30_000, "{}", page.len());
}

#[test]
fn a_cut_never_ends_in_half_a_character() {
    for len in 0..12 {
        let text = "a😀".repeat(len);
        let cut = shown(text.as_bytes(), 5);
        assert!(!cut.text.contains('\u{fffd}'), "{len}: {cut:?}");
        assert_eq!(cut.text.chars().count(), (2 * len).min(5));
        assert_eq!(cut.cut_from.is_some(), 2 * len > 5);
    }
}

#[test]
fn memory_and_the_page_stay_bounded_whatever_the_corpus_size() {
    let cleaner = cleaner();
    let run = |documents: u64| {
        let mut report = Report::new(ReportOptions::default());
        for record in 1..=documents {
            let text = format!(
                "Prose {record}\n{}",
                "Advertisement\nShare this\n".repeat(50)
            );
            report.add_document(&identity(record), &cleaner.clean(text.as_bytes()));
        }
        let tally = &report.reasons[&Reason::new("ad")];
        assert!(tally.samples.len() <= report.options.samples_per_reason);
        assert!(report.top.len() <= report.options.top_documents);
        page(&report).len()
    };
    let (small, large) = (run(200), run(3_000));
    // Only the counts grow (a few digits), not what is shown.
    assert!(large < small + 2_000, "{small} → {large}");
}

#[test]
fn long_runs_and_long_documents_are_summarised_as_gaps() {
    let cleaner = cleaner();
    let text = format!(
        "Top\n{}Bottom\n{}",
        "Advertisement\n".repeat(100),
        "kept\n".repeat(500)
    );
    let mut report = Report::new(ReportOptions::default());
    report.add_document(&identity(1), &cleaner.clean(text.as_bytes()));
    let sample = report.reasons[&Reason::new("ad")].samples.peek().unwrap();
    let lines = sample
        .excerpt
        .iter()
        .filter(|r| matches!(r, Row::Line { .. }))
        .count();
    // Context 3 + run shown 6 (5 first, last) + context 3, minus the missing lines before.
    assert_eq!(lines, 1 + 6 + 3);
    assert!(sample.excerpt.contains(&Row::Gap {
        lines: 94,
        removed: 94
    }));
    assert_eq!(
        sample.excerpt.last(),
        Some(&Row::Gap {
            lines: 498,
            removed: 0
        })
    );
}

#[test]
fn the_top_documents_are_those_of_largest_removed_share() {
    let cleaner = cleaner();
    let options = ReportOptions {
        top_documents: 2,
        ..ReportOptions::default()
    };
    let mut report = Report::new(options);
    let texts = [
        "Advertisement\nprose prose prose prose prose prose prose\n",
        "Advertisement\n",
        "nothing\n",
        "Advertisement\nShare this\nx\n",
        "Advertisement\nxy\n",
    ];
    for (i, text) in texts.iter().enumerate() {
        report.add_document(&identity(i as u64 + 1), &cleaner.clean(text.as_bytes()));
    }
    let mut top: Vec<_> = report.top.iter().map(|r| r.0.label.record).collect();
    top.sort();
    assert_eq!(top, [2, 4]);
    let page = page(&report);
    let first = page
        .find("record 2 · id doc-2 · <b>100.0 % removed")
        .unwrap();
    let second = page
        .find("record 4 · id doc-4 · <b>92.6 % removed")
        .unwrap();
    assert!(first < second);
    assert_eq!(report.histogram[0], 1);
    assert_eq!(report.histogram[BINS], 1);
    assert_eq!(report.histogram[BINS - 1], 1);
}

#[test]
fn shares_fall_into_twenty_bins_of_five_percent() {
    assert_eq!(bin(0, 100), 0);
    assert_eq!(bin(1, 100), 1);
    assert_eq!(bin(5, 100), 1);
    assert_eq!(bin(6, 100), 2);
    assert_eq!(bin(99, 100), BINS);
    assert_eq!(bin(100, 100), BINS);
    assert_eq!(bin(0, 0), 0);
}

#[test]
fn invalid_records_are_counted_and_the_first_listed() {
    let mut report = Report::new(ReportOptions::default());
    for record in 1..=30 {
        report.add(
            Digest::invalid(&identity(record), "line 3: <not JSON>"),
            || None,
        );
    }
    assert_eq!(report.invalid, 30);
    let page = page(&report);
    assert_eq!(page.matches("&lt;not JSON&gt;").count(), SHOWN_INVALID);
    assert!(page.contains("and 10 more."));
}

#[test]
fn the_text_is_read_again_only_for_documents_the_page_may_show() {
    let cleaner = cleaner();
    let options = ReportOptions::default();
    let mut report = Report::new(options.clone());
    let mut reads = 0;
    for record in 1..=2_000u64 {
        let text = format!("Prose {record}\nAdvertisement\nShare this\nMore prose {record}.\n");
        let cleaned = cleaner.clean(text.as_bytes());
        let digest = Digest::new(&identity(record), &cleaned, &options, false);
        report.add(digest, || {
            reads += 1;
            Some(Cow::Borrowed(text.as_bytes()))
        });
    }
    // The first few fill the samples and the top ten; after that only a document with
    // a smaller hash or a larger share is read again (about k·ln(n) of them).
    assert!(reads < 200, "{reads} of 2,000 documents read again");
    assert_eq!(report.reasons[&Reason::new("ad")].samples.len(), 8);
    assert_eq!(report.top.len(), 10);
}
