"""The Tuning record: every tuned number of the read side once, each saying what it was fitted on."""

import dataclasses
import re
from pathlib import Path

import pytest

from qa import tuning
from qa.tuning import TUNING, Tuning

ROOT = Path(__file__).resolve().parents[2]
# How a note must begin: it says whether the number was fitted, checked or simply set.
PROVENANCE = ("fitted ", "checked", "hand-set", "from ")


def test_every_number_says_how_it_was_set():
    for f in dataclasses.fields(Tuning):
        note = f.metadata.get("fitted", "")
        assert note.startswith(PROVENANCE), (f.name, note)
        if note.startswith("fitted "):  # fitted on data: the note names the split and the date
            assert "calibrate" in note and re.search(r"20\d\d-\d\d-\d\d", note), (f.name, note)


def test_the_record_cannot_be_changed_in_place():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TUNING.rrf_k = 1
    with pytest.raises(TypeError):
        TUNING.kind_mismatch["count"] = 1.0
    assert dataclasses.replace(TUNING, rrf_k=10).rrf_k == 10 and TUNING.rrf_k == 60


def test_every_tuned_number_is_read_by_the_code():
    # A number nobody reads is a stale record of a removed rule.
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "qa").rglob("*.py") if p.name != "tuning.py")
    unused = [f.name for f in dataclasses.fields(Tuning) if f"TUNING.{f.name}" not in code]
    assert not unused


def test_the_readme_shows_the_record_as_it_is():
    table = tuning.markdown()
    assert "reader veto" in table and "`news_days` | 3 |" in table
    assert table in (ROOT / "README.md").read_text(encoding="utf-8"), "run python -m qa.tuning and paste it"
