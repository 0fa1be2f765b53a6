"""``qa serve`` and ``qa eval`` come from the packages that provide them, found by entry point:
the read side (qa/) imports neither the web app nor the eval suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import cli
from qa.errors import QAError
from tests.imports import imported_packages

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_qa_imports_the_app_or_the_eval_suite():
    wrong = {m: ps & {"app", "eval", "webui"} for m, ps in imported_packages(ROOT / "qa").items()}
    assert not any(wrong.values()), wrong


def test_serve_and_eval_are_the_registered_commands():
    import app
    from eval.run import main as eval_main

    assert cli.registered("serve") is app.serve
    assert cli.registered("eval") is eval_main
    with pytest.raises(QAError, match="'nope' command is not installed"):
        cli.registered("nope")


def test_qa_eval_hands_its_options_to_the_eval_suite(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["eval", "--help"])
    assert done.value.code == 0 and "--mode" in capsys.readouterr().out
