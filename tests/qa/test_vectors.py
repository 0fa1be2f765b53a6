"""The sentence-vector cache: each text embedded once, kept across processes, damage cut off."""

from __future__ import annotations

import numpy as np

from qa.answering.vectors import SentenceVectors
from tests.index.fakes import HashingEmbedder

TEXTS = ["North Korean troops were deployed.", "Shoigu visited Pyongyang.", "The weather was cold."]


def test_each_text_is_embedded_once_and_rows_follow_the_input_order(tmp_path):
    emb = HashingEmbedder(dim=32)
    cache = SentenceVectors(tmp_path / "v.f32")
    first = cache.get(TEXTS, emb.embed)
    again = cache.get([TEXTS[2], TEXTS[0], TEXTS[2]], emb.embed)
    assert emb.texts_embedded == 3
    assert np.array_equal(again, first[[2, 0, 2]])
    assert np.array_equal(first, emb.embed(TEXTS))


def test_a_new_process_reads_the_vectors_the_last_one_wrote(tmp_path):
    emb = HashingEmbedder(dim=32)
    SentenceVectors(tmp_path / "v.f32").get(TEXTS, emb.embed)
    later = HashingEmbedder(dim=32)
    got = SentenceVectors(tmp_path / "v.f32").get(TEXTS + ["A new sentence."], later.embed)
    assert later.texts_embedded == 1  # only the new one
    assert np.array_equal(got[:3], emb.embed(TEXTS))


def test_a_torn_or_damaged_tail_is_ignored_and_cut_off_on_the_next_write(tmp_path):
    path = tmp_path / "v.f32"
    SentenceVectors(path).get(TEXTS, HashingEmbedder(dim=32).embed)
    data = bytearray(path.read_bytes())
    record = (len(data) - 4) // 3
    data[4 + 2 * record + 20] ^= 0xFF  # damage the third record's vector
    path.write_bytes(bytes(data) + b"torn")
    emb = HashingEmbedder(dim=32)
    got = SentenceVectors(path).get(TEXTS, emb.embed)
    assert emb.texts_embedded == 1  # the damaged third record was not trusted
    assert np.array_equal(got, HashingEmbedder(dim=32).embed(TEXTS))
    assert (path.stat().st_size - 4) % record == 0  # the torn bytes were cut before appending


def test_an_unwritable_cache_costs_only_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    emb = HashingEmbedder(dim=16)
    cache = SentenceVectors(blocker / "sub" / "v.f32")
    assert cache.get(TEXTS, emb.embed).shape == (3, 16)
    assert cache.get(TEXTS, emb.embed).shape == (3, 16) and emb.texts_embedded == 3


def test_memory_keeps_at_most_max_records_and_the_file_stops_growing(tmp_path):
    emb = HashingEmbedder(dim=8)
    cache = SentenceVectors(tmp_path / "v.f32", max_records=2)
    cache.get(TEXTS, emb.embed)
    size = (tmp_path / "v.f32").stat().st_size
    cache.get(["one more text here", "and another one"], emb.embed)
    assert len(cache._mem) == 2
    assert (tmp_path / "v.f32").stat().st_size == size
