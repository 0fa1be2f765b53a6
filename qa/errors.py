"""The errors a user can see. The CLI prints them as one line; the app as gr.Error."""


class QAError(Exception):
    """Base of every error this package raises on purpose."""


class BadQuestion(QAError):
    """The question or its chat history cannot be answered as sent: not text, empty, longer
    than the configured limit, invalid Unicode, or a history of the wrong shape."""


class IndexMissing(QAError):
    """There is no usable index and none could be built (e.g. the corpus is empty)."""


class IndexBusy(QAError):
    """Another process holds the index's writer lock."""


class ModelUnavailable(QAError):
    """A configured model (embedding or LLM) cannot be loaded; the message says how to fix it."""


class BadDocument(QAError):
    """An uploaded or named document cannot be loaded (type, size, encoding, emptiness)."""
