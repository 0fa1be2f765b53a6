"""Import NLTK in a fraction of its usual time, for the sentence splitter and the stemmer.

``import nltk`` executes the whole package, which pulls in ``scipy.stats`` (for a Fisher test in
``nltk.metrics.association``) and scikit-learn (for ``nltk.classify.scikitlearn``): about 1.4 s
of a cold ``qa ask`` measured on 2 cores, for features this project never calls. NLTK guards
both imports with ``try/except ImportError``, so ``import_nltk`` hides them during NLTK's own
import (only when nothing has imported them yet) and then removes the block, so any later
``import scipy.stats`` or ``import sklearn`` works as usual. Punkt and the Snowball stemmer do
not use either.
"""

from __future__ import annotations

import sys
import threading

# NLTK's optional integrations that cost most of its import time.
_OPTIONAL = ("scipy.stats", "sklearn")
_lock = threading.Lock()


def import_nltk():
    """The ``nltk`` module, imported without its optional scipy.stats/scikit-learn integrations."""
    with _lock:
        if "nltk" in sys.modules:
            return sys.modules["nltk"]
        blocked = [name for name in _OPTIONAL if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # an import of it raises ImportError, which NLTK catches
        try:
            import nltk
        finally:
            for name in blocked:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]
        return nltk
