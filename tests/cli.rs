//! The binary: inputs and outputs, flags, `rules` subcommands, exit codes.

use predicates::prelude::*;

use crate::harness::{Env, assert_bytes_eq, run};

const AD_PACK: &str =
    "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n";

#[test]
fn stdin_to_stdout_with_default_rules() {
    let env = Env::new();
    env.cmd()
        .write_stdin("Story.\n\nSOURCE: News agencies\n")
        .assert()
        .success()
        .stdout("Story.\n");
}

#[test]
fn each_file_is_a_document_and_outputs_concatenate_in_order() {
    let env = Env::new();
    let a = env.write("a.txt", "A story.\nAdvertisement\n");
    let b = env.write("b.txt", "Advertisement\nB story.\n");
    env.cmd()
        .args(["--no-default-rules", "-r", "ad.toml"])
        .arg(&a)
        .arg(&b)
        .env("IGNORED", "1")
        .current_dir(env.path(""))
        .write_stdin("")
        .assert()
        .failure();
    env.write("ad.toml", AD_PACK);
    env.cmd()
        .args(["--no-default-rules", "-r", "ad.toml"])
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .stdout("A story.\nB story.\n");
}

#[test]
fn doc_separator_splits_a_stream_and_keeps_the_separator() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    // `repeated` would fire across documents if they were one; they are not.
    env.write("rep.toml", "[detectors.repeated]\n");
    env.cmd()
        .args([
            "--no-default-rules",
            "-r",
            "ad.toml",
            "-r",
            "rep.toml",
            "--doc-separator",
            "---",
        ])
        .write_stdin("Same line\nAdvertisement\n---\nSame line\n---\n")
        .assert()
        .success()
        .stdout("Same line\n---\nSame line\n---\n");
}

#[test]
fn explicit_clean_subcommand_and_dash_for_stdin() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.cmd()
        .args(["clean", "--no-default-rules", "-r", "ad.toml", "-"])
        .write_stdin("x\nAdvertisement\n")
        .assert()
        .success()
        .stdout("x\n");
}

#[test]
fn no_rules_leaves_arbitrary_bytes_identical() {
    let env = Env::new();
    let input: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let output = run(env
        .cmd()
        .arg("--no-default-rules")
        .write_stdin(input.clone()));
    assert!(output.status.success());
    assert_bytes_eq("output", &input, &output.stdout);
}

#[test]
fn oversized_document_is_an_error_naming_the_flag() {
    let env = Env::new();
    let file = env.write("big.txt", "0123456789\n".repeat(10));
    env.cmd()
        .arg("--max-doc-bytes")
        .arg("50")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "big.txt: document 1 is larger than the limit of 50 bytes",
        ))
        .stderr(predicate::str::contains("--max-doc-bytes"));
}

#[test]
fn unreadable_input_is_reported_and_the_others_still_come_through() {
    let env = Env::new();
    let good = env.write("good.txt", "Fine.\n");
    env.cmd()
        .arg(env.path("missing.txt"))
        .arg(&good)
        .assert()
        .code(2)
        .stdout("Fine.\n")
        .stderr(predicate::str::contains("missing.txt"));
}

#[test]
fn bad_rule_file_is_an_error_with_position() {
    let env = Env::new();
    env.write("bad.toml", "[[rule]]\nname = \"x\"\nmarkers = [\"\"]\n");
    env.cmd()
        .args(["-r", "bad.toml"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:3:12: key `markers`: empty marker",
        ));
}

#[test]
fn disable_switches_off_a_pack_and_rejects_unknown_names() {
    let env = Env::new();
    let doc = "Story.\n\nSOURCE: News agencies\n";
    env.cmd()
        .args(["--disable", "credits"])
        .write_stdin(doc)
        .assert()
        .success()
        .stdout(doc);
    env.cmd()
        .args(["--disable", "no-such-pack"])
        .write_stdin(doc)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-pack"));
}

#[test]
fn explain_marks_every_line() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.cmd()
        .args([
            "--no-default-rules",
            "-r",
            "ad.toml",
            "--explain",
            "--color",
            "never",
        ])
        .write_stdin("Story.\nAdvertisement\n")
        .assert()
        .success()
        .stdout("==> <stdin> record 1 <==\nkeep | Story.\nad   | Advertisement\n");
}

#[test]
fn explain_colours_when_asked() {
    let env = Env::new();
    env.cmd()
        .args(["--explain", "--color", "always"])
        .write_stdin("SOURCE: AP\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[31m"));
}

#[test]
fn stats_go_to_a_file_or_stderr() {
    let env = Env::new();
    env.cmd()
        .args(["--stats", "s.json"])
        .write_stdin("Story.\nSOURCE: AP\n")
        .assert()
        .success()
        .stdout("Story.\n");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("s.json")).unwrap()).unwrap();
    assert_eq!(json["documents"], 1);
    assert_eq!(json["reasons"]["source-line"]["lines"], 1);
    env.cmd()
        .args(["--stats", "-"])
        .write_stdin("x\n")
        .assert()
        .success()
        .stdout("x\n")
        .stderr(predicate::str::contains("\"lines_in\": 1"));
}

#[test]
fn broken_pipe_is_a_quiet_success() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let env = Env::new();
    let big = env.write(
        "big.txt",
        "A line of article text that is kept.\n".repeat(200_000),
    );
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    std::io::stderr().write_all(&output.stderr).unwrap();
    assert!(output.status.success(), "status {:?}", output.status);
    assert!(output.stderr.is_empty());
}

#[test]
fn rules_check_accepts_good_and_rejects_bad_files() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.write("dup.toml", AD_PACK);
    env.cmd()
        .args(["rules", "check", "ad.toml"])
        .assert()
        .success()
        .stdout("ok: ad.toml (1 rules)\n");
    env.cmd()
        .args(["rules", "check", "ad.toml", "dup.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "dup.toml:2:8: key `name`: duplicate rule name \"ad\"",
        ));
}

#[test]
fn rules_test_passes_the_default_pack_and_fails_a_bad_example() {
    let env = Env::new();
    env.cmd()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" 0 failed"));
    env.write(
        "bad.toml",
        "[[rule]]\nname = \"ad\"\nmarkers = [\"ad\"]\nwhere = \"equals\"\nexamples = [\"an ad\"]\n",
    );
    env.cmd()
        .args(["rules", "test", "bad.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL ad: example was kept: \"an ad\"",
        ));
}

#[test]
fn rules_list_markers_feeds_grep() {
    let env = Env::new();
    env.write("ad.toml", "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\", \"ADVERTISEMENT\", \"Sponsored\"]\n");
    env.cmd()
        .args([
            "rules",
            "list",
            "--markers",
            "--no-default-rules",
            "-r",
            "ad.toml",
        ])
        .assert()
        .success()
        .stdout("Advertisement\nSponsored\n");
    env.cmd()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("source-line"))
        .stdout(predicate::str::contains("automaton: NFA"));
    // A few markers make a DFA small enough to stay in cache.
    env.cmd()
        .args(["rules", "list", "--no-default-rules", "-r", "ad.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("automaton: DFA"));
}

#[test]
fn help_documents_exit_codes() {
    Env::new()
        .cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
}
