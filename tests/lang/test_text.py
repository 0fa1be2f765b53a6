"""The read side's one loose word match (``lang.text.same_term`` and ``mentions``)."""

import pytest

from lang.text import has_term, mentions, same_term, stem


@pytest.mark.parametrize("a, b", [("korea", "korean"), ("russia", "russian"), ("estria", "estrian"), ("troop", "troop"),
                                  ("china", "chines")])
def test_a_word_and_its_short_extension_are_the_same_term(a, b):
    assert same_term(a, b) and same_term(b, a)


@pytest.mark.parametrize("a, b", [("deploy", "deplet"), ("war", "wars"), ("kim", "kimchi"), ("korea", "koreanization"),
                                  ("lead", "leach"), ("kill", "kiln")])
def test_other_words_short_ones_and_long_extensions_are_not(a, b):
    assert not same_term(a, b)  # "war" is too short to extend: "ward", "warn" would match


def test_mentions_reads_the_words_of_a_text_stemmed():
    assert mentions("korea", "North Korean troops arrived.")
    assert mentions("troops", "one troop was seen")
    assert mentions("shipments", "in two shipments of shells")
    assert not mentions("deployed", "the stocks were depleted")
    assert not mentions("silt", "210,000 cubic metres of sand")
    assert mentions("Korean", "Korean-made shells") and has_term("democrat", "the Belleville News-Democrat")
    assert stem("Korean") == "korean"  # Snowball keeps the adjective: the loose match joins them


def test_an_acronym_and_its_plural_are_one_term():
    # the stemmer leaves "djs" whole (too short to stem): "DJ" was never found in "two DJs"
    assert mentions("DJ", "two DJs played") and mentions("DJs", "a DJ played")
    assert mentions("NGOs", "the NGO said") and not mentions("bus", "a BU")
