"""The lang package: news language as code plus data, imported by index/ and qa/, importing neither."""

import shutil

import lang
from tests.imports import imported_packages


def test_lang_imports_neither_index_nor_qa():
    # lang/ sits below both packages: an import of either would make the flow circular.
    wrong = {m: ps & {"index", "qa", "eval", "app", "webui"} for m, ps in imported_packages(lang.LANG_DIR).items()}
    assert not any(wrong.values()), wrong


def test_fingerprint_changes_when_any_code_or_word_list_changes(tmp_path):
    tree = tmp_path / "lang"
    shutil.copytree(lang.LANG_DIR, tree, ignore=shutil.ignore_patterns("__pycache__"))
    before = lang.fingerprint(tree)
    assert lang.fingerprint(tree) == before
    assert lang.fingerprint() == lang.fingerprint(lang.LANG_DIR)
    for edited in sorted(p for p in tree.rglob("*") if p.is_file())[:1] + [tree / "vocab.py"]:
        original = edited.read_bytes()
        edited.write_bytes(original + b"\n# one more word\n")
        assert lang.fingerprint(tree) != before, edited.name
        edited.write_bytes(original)
    assert lang.fingerprint(tree) == before
    (tree / "data.json").write_text('["added list"]', encoding="utf-8")   # a new data file counts too
    assert lang.fingerprint(tree) != before


def test_a_stale_bytecode_cache_does_not_change_the_fingerprint(tmp_path):
    tree = tmp_path / "lang"
    shutil.copytree(lang.LANG_DIR, tree, ignore=shutil.ignore_patterns("__pycache__"))
    before = lang.fingerprint(tree)
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "vocab.cpython-311.pyc").write_bytes(b"\0stale")
    assert lang.fingerprint(tree) == before


def test_one_sentence_splitter_and_the_claim_readers_rejoined_sentences():
    from lang.sentences import joined_sentences, sentence_spans

    text = "Shoigu arrived on Feb. 25 with aides. He met Kim.\nA headline"
    split = [text[s:e] for s, e in sentence_spans(text)]
    joined = [text[s:e] for s, e in joined_sentences(text)]
    assert joined == ["Shoigu arrived on Feb. 25 with aides.", "He met Kim.", "A headline"]
    assert "".join(split).replace(" ", "") == "".join(joined).replace(" ", "")  # the same text, cut no finer
    # a title or "approx." before a figure keeps its sentence; "May." is a whole month name and ends one
    text = "Troops under Gen. 5th Army arrived. About approx. 40 stayed. He left in May. 12 returned."
    joined = [text[s:e] for s, e in joined_sentences(text)]
    assert joined[:2] == ["Troops under Gen. 5th Army arrived.", "About approx. 40 stayed."]
    assert "He left in May." in joined
    text = "Symphony No. 1 in C major, Op. 21, was his first. See Vol. 2 for more."
    assert [text[s:e] for s, e in joined_sentences(text)] == ["Symphony No. 1 in C major, Op. 21, was his first.",
                                                             "See Vol. 2 for more."]
    # "etc." goes on before a lower-case word and ends a sentence before a capital
    text = "They study sciences (e.g. physics) first, etc. and then clinics. Bring pens, paper, etc. Exams follow."
    assert [text[s:e] for s, e in joined_sentences(text)] == [
        "They study sciences (e.g. physics) first, etc. and then clinics.", "Bring pens, paper, etc.", "Exams follow."]
    # "e.g.", "i.e.", "cf." announce what follows: no sentence ends on one, whatever follows on its
    # line; a line break still ends it
    text = ("The course takes six years (e.g. Anatomy, Surgery) in all. The first (i.e. The Old Hall) closed. "
            "See cf.\nNotes")
    assert [text[s:e] for s, e in joined_sentences(text)] == [
        "The course takes six years (e.g. Anatomy, Surgery) in all.", "The first (i.e. The Old Hall) closed.",
        "See cf.", "Notes"]
