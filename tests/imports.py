"""What a package's modules import, read from their source (for the tests of the one-way flow)."""

from __future__ import annotations

import ast
from pathlib import Path


def imported_packages(folder: Path) -> dict[str, set[str]]:
    """Each module under ``folder`` (path relative to it) -> the top-level packages it imports."""
    out: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        out[path.relative_to(folder).as_posix()] = names
    return out
