//! Renders a [`Report`] as one self-contained HTML page: inline CSS, inline SVG plots,
//! no scripts and nothing fetched; every piece of input text escaped.

use std::fmt::Write as _;

use super::{BINS, Excerpt, Label, Ranked, Report, Row, SHOWN_INPUTS, Sample};
use crate::decision::Reason;

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;background:#fff;margin:0 auto;max-width:1180px;padding:0 24px 48px}
h1{font-size:26px;margin:28px 0 4px}h2{font-size:20px;margin:36px 0 10px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
h3{font-size:16px;margin:26px 0 8px}.sub{color:#59606b;margin:0 0 12px}nav a{margin-right:14px}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 12px 3px 0;text-align:left;vertical-align:top}
th{border-bottom:1px solid #d8dde6;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#f6f8fb}
svg{display:block;margin:10px 0;max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1d2430}
.bar{fill:#c0392b}.bin{fill:#2e6fba}.bin0{fill:#9aa5b4}.axis{stroke:#9aa5b4}
.doc,.sample{border:1px solid #d8dde6;border-radius:6px;margin:10px 0;overflow:hidden}
.label{background:#f1f4f8;padding:5px 10px;font-size:13px;color:#3b4350;word-break:break-all}
.label b{color:#1d2430}.ex{font:12.5px/1.5 ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;padding:4px 0}
.l{display:flex;white-space:pre-wrap;word-break:break-word;padding:0 10px}
.l .n{flex:0 0 4.5em;color:#a3aab5;text-align:right;padding-right:12px;user-select:none}
.l .t{flex:1 1 auto;min-height:1.5em}.k .t{color:#8a919c}
.r{background:#fdf1f0}.r del{color:#a8231a;text-decoration:line-through;text-decoration-color:#a8231a}
.r.f{background:#fbdcd8}.why{flex:0 0 auto;margin-left:12px;color:#a8231a;font-size:11px}
.cut{color:#7a5b00;background:#fff3c4;border-radius:3px;padding:0 4px;font-size:11px}
.gap{color:#8a919c;padding:0 10px 0 calc(4.5em + 22px);font-style:italic}
.note{color:#59606b;font-size:13px}footer{margin-top:40px;color:#8a919c;font-size:12px}
";

impl Report {
    /// The whole page into `page`.
    pub(super) fn render(&self, page: &mut String) {
        page.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        let _ = write!(
            page,
            "<meta name=\"generator\" content=\"boilerstrip {}\">",
            env!("CARGO_PKG_VERSION")
        );
        page.push_str("<title>boilerstrip review report</title><style>");
        page.push_str(STYLE);
        page.push_str("</style></head>\n<body>\n<header><h1>What boilerstrip removed</h1>");
        let _ = write!(
            page,
            "<p class=\"sub\">{} from {}; {} of their bytes removed.</p>",
            counted(self.documents, "document"),
            counted(self.inputs.len() as u64, "input"),
            percent(self.bytes_removed, self.bytes_in)
        );
        page.push_str(
            "<nav><a href=\"#summary\">Summary</a><a href=\"#reasons\">Reasons</a>\
             <a href=\"#histogram\">Removed share</a><a href=\"#samples\">Samples</a>\
             <a href=\"#top\">Most removed</a></nav></header>\n",
        );
        self.summary(page);
        self.reasons(page);
        self.histogram_section(page);
        self.samples(page);
        self.top_documents(page);
        let o = &self.options;
        let _ = write!(
            page,
            "<footer>Made by boilerstrip {}. Samples: per reason, the {} removals with the \
             smallest hash of (document id, first line), so the same input gives the same \
             page; {} lines of context; lines cut at {} characters.</footer>\n</body></html>\n",
            env!("CARGO_PKG_VERSION"),
            o.samples_per_reason,
            o.context_lines,
            o.max_line_chars
        );
    }

    fn summary(&self, page: &mut String) {
        page.push_str("<section id=\"summary\"><h2>Run summary</h2><table class=\"kv\"><tbody>");
        let rows: [(&str, String); 10] = [
            ("inputs", thousands(self.inputs.len() as u64)),
            ("documents", thousands(self.documents)),
            (
                "documents with removals",
                format!(
                    "{} ({})",
                    thousands(self.with_removals),
                    percent(self.with_removals, self.documents - self.invalid)
                ),
            ),
            ("bytes in", thousands(self.bytes_in)),
            ("bytes out", thousands(self.bytes_in - self.bytes_removed)),
            (
                "removed share (bytes)",
                percent(self.bytes_removed, self.bytes_in),
            ),
            (
                "lines in → out",
                format!(
                    "{} → {}",
                    thousands(self.lines_in),
                    thousands(self.lines_in - self.lines_removed)
                ),
            ),
            ("rejected (--max-removed-share)", thousands(self.rejected)),
            ("invalid records", thousands(self.invalid)),
            ("inputs that failed", thousands(self.failed_count)),
        ];
        for (name, value) in rows {
            let _ = write!(page, "<tr><th>{name}</th><td class=\"n\">{value}</td></tr>");
        }
        page.push_str("</tbody></table>");
        let _ = write!(
            page,
            "<details{}><summary>Inputs ({})</summary><table><thead><tr><th>input</th>\
             <th class=\"n\">documents</th><th class=\"n\">bytes in</th>\
             <th class=\"n\">removed</th></tr></thead><tbody>",
            if self.inputs.len() <= 10 { " open" } else { "" },
            thousands(self.inputs.len() as u64)
        );
        for input in self.inputs.iter().take(SHOWN_INPUTS) {
            let _ = write!(
                page,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&input.name),
                thousands(input.documents),
                thousands(input.bytes_in),
                percent(input.bytes_removed, input.bytes_in)
            );
        }
        page.push_str("</tbody></table>");
        if self.inputs.len() > SHOWN_INPUTS {
            let _ = write!(
                page,
                "<p class=\"note\">and {} more inputs.</p>",
                thousands((self.inputs.len() - SHOWN_INPUTS) as u64)
            );
        }
        page.push_str("</details>");
        if !self.failed.is_empty() {
            let _ = write!(
                page,
                "<h3 id=\"failed\">Inputs that failed ({}): the page shows what was read of \
                 them</h3><ul>",
                thousands(self.failed_count)
            );
            for (name, reason) in &self.failed {
                let _ = write!(page, "<li><b>{}</b>: {}</li>", escape(name), escape(reason));
            }
            page.push_str("</ul>");
        }
        if !self.shown_invalid.is_empty() {
            page.push_str("<h3 id=\"invalid\">Records that could not be processed</h3><ul>");
            for (label, error) in &self.shown_invalid {
                let _ = write!(page, "<li>{}: {}</li>", label_text(label), escape(error));
            }
            page.push_str("</ul>");
            if self.invalid > self.shown_invalid.len() as u64 {
                let _ = write!(
                    page,
                    "<p class=\"note\">and {} more.</p>",
                    thousands(self.invalid - self.shown_invalid.len() as u64)
                );
            }
        }
        page.push_str("</section>\n");
    }

    /// The reasons, most bytes removed first.
    fn ranked_reasons(&self) -> Vec<(&Reason, &super::ReasonTally)> {
        let mut reasons: Vec<_> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)));
        reasons
    }

    fn reasons(&self, page: &mut String) {
        page.push_str("<section id=\"reasons\"><h2>Removals by reason</h2>");
        let reasons = self.ranked_reasons();
        if reasons.is_empty() {
            page.push_str("<p>Nothing was removed.</p></section>\n");
            return;
        }
        page.push_str(
            "<table id=\"reason-table\"><thead><tr><th>reason</th><th class=\"n\">lines</th>\
             <th class=\"n\">bytes</th><th class=\"n\">documents</th>\
             <th class=\"n\">share of removed bytes</th></tr></thead><tbody>",
        );
        for (reason, tally) in &reasons {
            let name = escape(reason.as_str());
            let _ = write!(
                page,
                "<tr class=\"reason-row\"><td><a href=\"#reason-{name}\">{name}</a></td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td></tr>",
                thousands(tally.lines),
                thousands(tally.bytes),
                thousands(tally.documents),
                percent(tally.bytes, self.bytes_removed)
            );
        }
        page.push_str("</tbody></table>");
        // A horizontal bar per reason, by bytes removed.
        let (label_width, bar_width, row) = (220.0, 560.0, 24.0);
        let height = row * reasons.len() as f64 + 8.0;
        let max = reasons.first().map_or(1, |(_, t)| t.bytes.max(1)) as f64;
        let _ = write!(
            page,
            "<svg id=\"reason-chart\" role=\"img\" aria-label=\"bytes removed per reason\" \
             xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"{height}\" \
             viewBox=\"0 0 900 {height}\">"
        );
        for (i, (reason, tally)) in reasons.iter().enumerate() {
            let y = 4.0 + row * i as f64;
            let width = (tally.bytes as f64 / max * bar_width).max(1.0);
            let name = escape(reason.as_str());
            let _ = write!(
                page,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{name}</text>\
                 <rect class=\"bar\" x=\"{label_width}\" y=\"{}\" width=\"{width:.1}\" height=\"{}\">\
                 <title>{name}: {} bytes, {} lines, {} documents</title></rect>\
                 <text x=\"{:.1}\" y=\"{}\">{} B</text>",
                label_width - 8.0,
                y + 15.0,
                y + 2.0,
                row - 6.0,
                thousands(tally.bytes),
                thousands(tally.lines),
                thousands(tally.documents),
                label_width + width + 6.0,
                y + 15.0,
                thousands(tally.bytes)
            );
        }
        page.push_str("</svg></section>\n");
    }

    fn histogram_section(&self, page: &mut String) {
        page.push_str(
            "<section id=\"histogram\"><h2>Removed share per document</h2><p class=\"note\">\
             Documents by the share of their bytes removed, in steps of 5 %; the grey bar \
             counts those with nothing removed.</p>",
        );
        let (left, bottom, plot_height, width) = (56.0, 40.0, 200.0, 840.0);
        let slot = width / (BINS + 1) as f64;
        let max = self.histogram.iter().copied().max().unwrap_or(0).max(1) as f64;
        let height = plot_height + bottom + 20.0;
        let _ = write!(
            page,
            "<svg id=\"share-histogram\" role=\"img\" aria-label=\"documents by removed share\" \
             xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"{height}\" \
             viewBox=\"0 0 900 {height}\">\
             <line class=\"axis\" x1=\"{left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"/>\
             <text x=\"{2}\" y=\"26\" text-anchor=\"end\">{3}</text>\
             <text x=\"{2}\" y=\"{4}\" text-anchor=\"end\">0</text>",
            plot_height + 20.0,
            left + width,
            left - 6.0,
            thousands(max as u64),
            plot_height + 20.0
        );
        for (i, &count) in self.histogram.iter().enumerate() {
            let bar = count as f64 / max * plot_height;
            let x = left + slot * i as f64 + 2.0;
            let (class, range) = match i {
                0 => ("bin bin0", "nothing removed".to_string()),
                _ => ("bin", format!("{}–{} % removed", (i - 1) * 5, i * 5)),
            };
            let _ = write!(
                page,
                "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar:.1}\">\
                 <title>{range}: {} documents</title></rect>",
                plot_height + 20.0 - bar,
                slot - 4.0,
                thousands(count)
            );
            if count > 0 {
                let _ = write!(
                    page,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    x + slot / 2.0 - 2.0,
                    plot_height + 14.0 - bar,
                    thousands(count)
                );
            }
            let tick = match i {
                0 => "none".to_string(),
                i if i % 2 == 0 => format!("{}%", i * 5),
                _ => String::new(),
            };
            let _ = write!(
                page,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{tick}</text>",
                x + slot / 2.0 - 2.0,
                plot_height + 36.0
            );
        }
        page.push_str("</svg></section>\n");
    }

    fn samples(&self, page: &mut String) {
        page.push_str(
            "<section id=\"samples\"><h2>Samples of removals, by reason</h2><p class=\"note\">\
             Removed lines are struck through (hover for the reason), kept lines are grey, \
             the sampled removal is highlighted.</p>",
        );
        for (reason, tally) in self.ranked_reasons() {
            let name = escape(reason.as_str());
            let mut samples: Vec<&Sample> = tally.samples.iter().collect();
            samples.sort_by_key(|s| (s.order, s.line));
            let shown = match samples.len() < self.options.samples_per_reason {
                true => format!("all {} shown", counted(samples.len() as u64, "removal")),
                false => format!("{} sampled removals shown", samples.len()),
            };
            let _ = write!(
                page,
                "<h3 id=\"reason-{name}\">{name} <span class=\"note\">{} in {}; \
                 {shown}</span></h3>",
                counted(tally.lines, "line"),
                counted(tally.documents, "document"),
            );
            for sample in samples {
                page.push_str("<div class=\"sample\"><div class=\"label\">");
                page.push_str(&label_text(&sample.label));
                let _ = write!(page, " · line {}", sample.line + 1);
                page.push_str("</div>");
                excerpt(page, &sample.excerpt);
                page.push_str("</div>");
            }
        }
        page.push_str("</section>\n");
    }

    fn top_documents(&self, page: &mut String) {
        page.push_str("<section id=\"top\"><h2>Documents with the largest removed share</h2>");
        let mut top: Vec<&Ranked> = self.top.iter().map(|r| &r.0).collect();
        top.sort_by(|a, b| b.cmp(a));
        if top.is_empty() {
            page.push_str("<p>No document had anything removed.</p>");
        }
        for doc in top {
            page.push_str("<div class=\"doc\"><div class=\"label\">");
            page.push_str(&label_text(&doc.label));
            let reasons: Vec<String> = doc
                .reasons
                .iter()
                .map(|(reason, lines, _)| format!("{} ({lines})", escape(reason.as_str())))
                .collect();
            let _ = write!(
                page,
                " · <b>{} removed</b> ({} of {} bytes, {} lines) · {}</div>",
                percent(doc.rank.removed, doc.rank.bytes),
                thousands(doc.rank.removed),
                thousands(doc.rank.bytes),
                thousands(doc.lines_in),
                reasons.join(", ")
            );
            excerpt(page, &doc.excerpt);
            page.push_str("</div>");
        }
        page.push_str("</section>\n");
    }
}

/// `input record N · id ID · url URL`, escaped. The URL is text, not a link: a page
/// made from untrusted input links nowhere.
fn label_text(label: &Label) -> String {
    let mut text = format!("<b>{}</b> record {}", escape(&label.input), label.record);
    if let Some(id) = &label.id {
        let _ = write!(text, " · id {}", escape(id));
    }
    if let Some(url) = &label.url {
        let _ = write!(text, " · url {}", escape(url));
    }
    text
}

fn excerpt(page: &mut String, rows: &Excerpt) {
    page.push_str("<div class=\"ex\">");
    for row in rows {
        match row {
            Row::Gap { lines, removed } => {
                let _ = write!(
                    page,
                    "<div class=\"gap\">⋯ {} {} not shown",
                    thousands(*lines as u64),
                    if *lines == 1 { "line" } else { "lines" }
                );
                if *removed > 0 {
                    let _ = write!(page, " ({} removed)", thousands(*removed as u64));
                }
                page.push_str("</div>");
            }
            Row::Line {
                index,
                text,
                reason,
                focus,
            } => {
                let text_html = escape(&text.text);
                match reason {
                    None => {
                        let _ = write!(
                            page,
                            "<div class=\"l k\"><span class=\"n\">{}</span><span class=\"t\">{text_html}",
                            index + 1
                        );
                    }
                    Some(reason) => {
                        let name = escape(reason.as_str());
                        let _ = write!(
                            page,
                            "<div class=\"l r{}\" title=\"removed: {name}\"><span class=\"n\">{}</span>\
                             <span class=\"t\"><del>{text_html}</del>",
                            if *focus { " f" } else { "" },
                            index + 1
                        );
                    }
                }
                if let Some(bytes) = text.cut_from {
                    let _ = write!(
                        page,
                        " <span class=\"cut\">… cut: the line has {} bytes</span>",
                        thousands(bytes as u64)
                    );
                }
                page.push_str("</span>");
                if let Some(reason) = reason {
                    let _ = write!(
                        page,
                        "<span class=\"why\">{}</span>",
                        escape(reason.as_str())
                    );
                }
                page.push_str("</div>");
            }
        }
    }
    page.push_str("</div>");
}

/// `text` with `& < > " '` as character references, safe in text and quoted attributes.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1 document`, `2,000 documents`.
fn counted(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{} {noun}s", thousands(n)),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` of `whole` as a percentage with one decimal; `0.0 %` of nothing.
fn percent(part: u64, whole: u64) -> String {
    match whole {
        0 => "0.0 %".to_string(),
        whole => format!("{:.1} %", part as f64 * 100.0 / whole as f64),
    }
}
