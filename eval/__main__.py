"""``python -m eval``: run the eval suite (see ``eval/run.py`` for the options)."""

import os
import sys

# Offline by construction: the suite never downloads a model.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from eval.run import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
