"""The Cleaner on str, bytes and lists: outputs, removals, offsets, errors, pickling."""

import pickle

import pytest

import boilerstrip
from boilerstrip import Cleaner, Removal
from conftest import BODY, DOC, KEPT, SOURCE


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


def test_clean_removes_a_source_line(cleaner):
    assert cleaner.clean(DOC) == KEPT


def test_unchanged_text_comes_back_as_the_same_object(cleaner):
    text = "Nothing to remove here.\nStill nothing.\n"
    assert cleaner.clean(text) is text


def test_clean_bytes_takes_any_bytes(cleaner):
    data = b"\xff\xfe not utf-8 at all\n\n" + SOURCE.encode()
    assert cleaner.clean_bytes(data) == b"\xff\xfe not utf-8 at all\n"


def test_removals_count_code_points_by_default():
    doc = "Café über straße, naïve résumé.\n\n" + SOURCE
    (removal,) = Cleaner().removals(doc)
    (in_bytes,) = Cleaner(offsets="bytes").removals(doc)
    encoded = doc.encode()
    assert removal.end == len(doc) and in_bytes.end == len(encoded)
    assert removal.start < in_bytes.start  # five two-byte characters come before it
    assert doc[removal.start : removal.end].encode() == encoded[in_bytes.start : in_bytes.end]
    assert doc[removal.start : removal.end].endswith(SOURCE)
    assert removal.lines == in_bytes.lines
    assert removal.lines[-1] == 2 and isinstance(removal.lines, range)
    assert removal.reason == in_bytes.reason and isinstance(removal.reason, str)


def test_bytes_in_give_byte_offsets_whatever_the_setting():
    doc = ("Café über straße, naïve résumé.\n\n" + SOURCE).encode()
    assert Cleaner().removals(doc) == Cleaner(offsets="bytes").removals(doc.decode())
    (removal,) = Cleaner().removals(doc)
    assert doc[removal.start : removal.end].endswith(SOURCE.encode())


def test_removal_is_a_value(cleaner):
    (a,) = cleaner.removals(DOC)
    (b,) = cleaner.removals(DOC)
    assert a == b and hash(a) == hash(b)
    assert repr(a) == f"Removal(start={a.start}, end={a.end}, lines=range(1, 3), reason={a.reason!r})"
    assert isinstance(a, Removal)


def test_clean_batch_equals_clean_one_by_one():
    docs = [DOC, BODY, "Ünïcödé\n\n" + SOURCE, "", "x\n" * 3] * 40
    cleaner = Cleaner(threads=2)
    assert cleaner.clean_batch(docs) == [cleaner.clean(doc) for doc in docs]


def test_clean_batch_keeps_each_item_type(cleaner):
    out = cleaner.clean_batch([DOC, DOC.encode()])
    assert out == [KEPT, KEPT.encode()]


def test_clean_batch_with_removals(cleaner):
    ((cleaned, removals),) = cleaner.clean_batch([DOC], with_removals=True)
    assert cleaned == KEPT
    assert removals == cleaner.removals(DOC)


def test_clean_batch_checks_urls_length(cleaner):
    with pytest.raises(ValueError, match="urls has 1 entries for 2 documents"):
        cleaner.clean_batch([DOC, DOC], urls=["https://a.example/"])


def test_a_document_must_be_text(cleaner):
    with pytest.raises(TypeError, match="str or bytes, not int"):
        cleaner.clean_batch([DOC, 3])


@pytest.mark.parametrize("bad, kind", [(None, TypeError), (3.5, TypeError), (bytearray(b"x\n"), TypeError),
                                       ("bad \ud800 surrogate\n", boilerstrip.InputError)])
def test_a_bad_document_in_a_batch_is_named_by_its_index(cleaner, bad, kind):
    # The error did not say which of the documents it was.
    with pytest.raises(kind, match=r"^docs\[2\]: "):
        cleaner.clean_batch([DOC, BODY, bad, DOC])


def test_a_surrogate_in_a_batch_is_a_value_error_with_its_cause(cleaner):
    with pytest.raises(ValueError) as raised:
        cleaner.clean_batch([DOC, "\udcff\n"])
    assert isinstance(raised.value.__cause__, UnicodeEncodeError)


@pytest.mark.parametrize("doc", [DOC, DOC.encode()])
def test_one_document_for_a_batch_is_refused(cleaner, doc):
    # A str was taken as a batch of one-character documents, cleaned and returned as a
    # list without a word; bytes failed on its first byte as "not int".
    with pytest.raises(TypeError, match="clean_batch takes a list of documents, not one"):
        cleaner.clean_batch(doc)


def test_disable_a_rule_pack_keeps_its_lines():
    reason = Cleaner().removals(DOC)[0].reason
    assert Cleaner(disable=[reason]).clean(DOC) == DOC


def test_no_default_rules_removes_nothing_but_repeats():
    assert Cleaner(default_rules=False, disable=["repeated", "orphan", "context", "edges"]).clean(DOC) == DOC


def test_rule_file_adds_rules(tmp_path):
    pack = tmp_path / "mine.toml"
    pack.write_text(
        '[[rule]]\nname = "my-signoff"\nmarkers = ["Zorblax quarterly bulletin ends here"]\nwhere = "equals"\n'
    )
    doc = BODY + "Zorblax quarterly bulletin ends here\n"
    cleaner = Cleaner(rules=[pack])
    assert "my-signoff" in cleaner.rule_names
    assert cleaner.clean(doc) == BODY
    assert cleaner.removals(doc)[-1].reason == "my-signoff"


def test_one_pack_or_one_name_needs_no_list(tmp_path):
    pack = tmp_path / "mine.toml"
    pack.write_text(
        '[[rule]]\nname = "my-signoff"\nmarkers = ["Zorblax quarterly bulletin ends here"]\nwhere = "equals"\n'
    )
    doc = BODY + "Zorblax quarterly bulletin ends here\n"
    for rules in (str(pack), pack):
        assert Cleaner(rules=rules).clean(doc) == BODY
    reason = Cleaner().removals(DOC)[0].reason
    assert Cleaner(disable=reason).clean(DOC) == Cleaner(disable=[reason]).clean(DOC) == DOC
    with pytest.raises(TypeError):
        Cleaner(rules=3)


def test_rule_file_error_names_file_line_and_column(tmp_path, cli):
    import subprocess

    pack = tmp_path / "broken.toml"
    pack.write_text('[[rule]]\nname = "x"\nmarkers = ["a"]\nwhere = "nowhere"\n')
    with pytest.raises(boilerstrip.RuleError) as raised:
        Cleaner(rules=[pack])
    message = str(raised.value)
    assert message.startswith(f"{pack}:4:")
    # the same message the CLI prints
    run = subprocess.run([str(cli), "-r", str(pack)], input=b"", capture_output=True)
    assert run.returncode == 2
    assert run.stderr.decode().strip() == f"boilerstrip: {message}"


def test_missing_rule_file_is_an_os_error(tmp_path):
    with pytest.raises(boilerstrip.BoilerstripOSError) as raised:
        Cleaner(rules=[tmp_path / "missing.toml"])
    assert isinstance(raised.value, OSError)
    assert raised.value.errno == 2
    assert "missing.toml" in str(raised.value)


def test_unknown_name_to_disable_is_a_config_error():
    with pytest.raises(boilerstrip.ConfigError, match="no-such-rule"):
        Cleaner(disable=["no-such-rule"])


def test_min_docs_needs_counts():
    with pytest.raises(ValueError, match="need counts"):
        Cleaner(min_docs=3)


def test_bad_offsets_name():
    with pytest.raises(ValueError, match="offsets must be"):
        Cleaner(offsets="lines")


def test_pickle_rebuilds_the_same_cleaner(tmp_path):
    pack = tmp_path / "mine.toml"
    pack.write_text('[[rule]]\nname = "my-signoff"\nmarkers = ["Zorblax quarterly bulletin ends here"]\nwhere = "equals"\n')
    cleaner = Cleaner(rules=[pack], threads=1, offsets="bytes", disable=["edges"])
    copy = pickle.loads(pickle.dumps(cleaner))
    assert type(copy) is Cleaner
    assert copy.rule_names == cleaner.rule_names
    assert (copy.threads, copy.offsets) == (1, "bytes")
    assert repr(copy) == repr(cleaner)
    doc = BODY + "Zorblax quarterly bulletin ends here\n"
    assert copy.clean(doc) == cleaner.clean(doc) == BODY


def test_scorer_and_model_survive_pickling_and_a_bad_model_file_is_an_error(tmp_path):
    from conftest import REPO

    model = tmp_path / "model.txt"
    model.write_bytes((REPO / "rules" / "model.txt").read_bytes())
    cleaner = Cleaner(scorer=True, model=model)
    assert repr(cleaner) == f'Cleaner(scorer=True, model="{model}")'
    copy = pickle.loads(pickle.dumps(cleaner))
    assert repr(copy) == repr(cleaner)
    assert copy.clean(DOC) == Cleaner(scorer=True).clean(DOC)
    with pytest.raises(boilerstrip.BoilerstripOSError, match="missing.txt"):
        Cleaner(model=tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("not a model\n")
    with pytest.raises(boilerstrip.ConfigError, match="bad.txt: line 1"):
        Cleaner(model=bad)


def test_version():
    assert boilerstrip.__version__
