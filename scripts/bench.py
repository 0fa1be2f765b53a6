"""The benchmark suite, as a script: same as ``python -m eval.bench`` (see ``eval/bench.py``).

Usage: .venv/bin/python scripts/bench.py [--sizes 10000,30000,100000] [--repeat 2] [--plot docs/bench_latency.png] ...
Prints the tables; a benchmark, not a test (no assertions on time).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
