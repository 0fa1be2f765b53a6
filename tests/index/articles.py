"""Generated news-like articles for tests that need a corpus bigger than the bundled one.

Each article has a headline, a dateline with a date, figures and a few paragraphs of
sentences built from seeded word choices, so the texts (and their hashed vectors) differ,
chunking gives several chunks per article, and the claim ledger has figures and dates to read.
"""

from __future__ import annotations

import random
from pathlib import Path

_PLACES = ["Halden", "Tromso", "Varna", "Gdynia", "Split", "Tartu", "Bergen", "Kaunas", "Ruse", "Oulu",
           "Brno", "Pecs", "Cluj", "Ohrid", "Kotor", "Aarhus", "Malmo", "Turku", "Riga", "Bled"]
_TOPICS = [("flood barrier", "built"), ("bridge", "opened"), ("wind farm", "connected"), ("harbour", "dredged"),
           ("rail line", "electrified"), ("hospital wing", "opened"), ("school", "renovated"),
           ("water plant", "upgraded"), ("ferry terminal", "rebuilt"), ("tram depot", "expanded")]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_WORDS = ("council engineers residents contractors inspectors officials volunteers planners surveyors "
          "drivers students nurses fishermen farmers traders").split()


def article(i: int, seed: int = 0, paragraphs: tuple[int, int] = (3, 6)) -> tuple[str, str]:
    """``(doc_id, text)`` of generated article ``i``, with a seeded number of paragraphs in that range."""
    rnd = random.Random(seed * 100_003 + i)
    place, (topic, verb) = rnd.choice(_PLACES), rnd.choice(_TOPICS)
    day, month, year = rnd.randint(1, 28), rnd.choice(_MONTHS), rnd.choice([2023, 2024, 2025])
    cost = rnd.randint(2, 900)
    workers = rnd.randint(20, 4000)
    title = f"{place} {topic} {verb} after {rnd.randint(2, 9)} years, article {i}"
    lines = [title, f"{place.upper()}, {month} {day}, {year} - The {place} {topic} was {verb} on "
                    f"{month} {day}, {year}, officials said."]
    for p in range(rnd.randint(*paragraphs)):
        # one sentence with figures a paragraph; the others are plain words (cheap to read)
        sentences = [f"About {workers + 7 * p:,} {rnd.choice(_WORDS)} took part in phase {p + 1} of the {topic} "
                     f"work in {place}, which cost {cost + p} million euros."]
        for s in range(rnd.randint(3, 5)):
            words = " ".join(rnd.choice(_WORDS) for _ in range(12))
            sentences.append(f"The {rnd.choice(_WORDS)} of {place} spoke with {words} about the {topic} "
                             f"and item {i} {p} {s}.")
        lines.append(" ".join(sentences))
    return f"gen-{seed}-{i:04d}", "\n".join(lines) + "\n"


def write_articles(directory: Path, count: int, seed: int = 0, start: int = 0,
                   paragraphs: tuple[int, int] = (3, 6)) -> list[str]:
    """Write ``count`` generated articles as ``<doc_id>.txt`` into ``directory``; returns their ids."""
    directory.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(start, start + count):
        doc_id, text = article(i, seed, paragraphs)
        (directory / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        ids.append(doc_id)
    return ids
