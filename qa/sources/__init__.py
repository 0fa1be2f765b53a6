"""What the sources say beyond one passage, read from the claim ledger.

- ``ledger``: claims, events, reference dates and mentions of an index version, built at
  index time and saved beside it;
- ``events``: the events (visits, signings) the articles report, and which one a question names;
- ``values`` and ``conflicts``: every source's value for the slot a question asks about, and
  how the values relate (the same, a part of a total, another event, a contradiction);
  ``value_notes`` words those relations for a reader;
- ``timeline``: answers that list events in time;
- ``duplicates``: near-duplicate documents, counted as one source.
"""
