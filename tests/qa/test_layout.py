"""The read side's sub-packages never shadow the public API of ``qa``."""

import importlib
import inspect
import pkgutil

import qa


def test_importing_every_module_keeps_qa_answer_and_stream_the_functions():
    # Importing qa.<sub>.<module> sets the attribute qa.<sub>: a sub-package named like a public
    # function ("qa/answer/") would replace qa.answer for every later caller.
    for info in pkgutil.walk_packages(qa.__path__, "qa."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in ("answer", "stream", "open"):
        assert inspect.isfunction(getattr(qa, name)), name
    assert {"answering", "sources"} <= {m.name for m in pkgutil.iter_modules(qa.__path__) if m.ispkg}
