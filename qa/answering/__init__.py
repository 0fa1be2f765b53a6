"""How an answer is written from the passages retrieval found (``qa.answer()`` calls it).

- ``extractive``: the answer quoted from the sources, sentence by sentence, with its decline;
- ``reader`` (weights and calibration in ``reader_model/``) and ``reader_input``: the learned
  reader that judges whether a sentence answers the question;
- ``figures``: answers built from the claim ledger's values (counts, dates) across sources;
- ``vectors``: sentence vectors, embedded once and cached;
- ``llm_answer`` and ``generate``: a local model writing from the reader's sentences, and
  its backends (llama.cpp in-process, OpenAI-compatible servers);
- ``verify``: every claim of a model's text checked against the sentence it cites.
"""
