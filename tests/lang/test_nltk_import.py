"""NLTK imported without its optional scipy.stats/scikit-learn integrations, and nothing broken after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_nltk_loads_without_scipy_stats_or_sklearn_and_they_still_import_later():
    code = ("import sys; import lang.text; from lang.sentences import sentence_spans; "
            "print(sorted(m for m in ('scipy.stats', 'sklearn') if m in sys.modules)); "
            "print(sentence_spans('Mr. Kim met him on Feb. 25 in Seoul. Then he left.')); "
            "print(lang.text.terms('Troops commemorated')); "
            "import scipy.stats, sklearn; print(callable(scipy.stats.fisher_exact), bool(sklearn.__version__))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "[(0, 36), (37, 50)]"  # trained Punkt: "Mr." and "Feb." do not end sentences
    assert lines[2] == "['troop', 'commemor']"
    assert lines[3] == "True True"


def test_an_nltk_already_imported_is_returned_as_it_is():
    from lang.nltk_import import import_nltk

    import nltk

    assert import_nltk() is nltk
