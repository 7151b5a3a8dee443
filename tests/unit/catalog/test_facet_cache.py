"""The facet cache answers only for the generation it was filled in, and stays bounded."""

from __future__ import annotations

from greenroom.catalog.facet_cache import FacetCache

ANSWER = {"spec.type": [{"value": "service", "count": 3}]}


def test_an_answer_is_found_for_its_generation_only() -> None:
    cache = FacetCache()
    cache.put((1, ("spec.type",), ("kind=component",)), ANSWER)
    assert cache.get((1, ("spec.type",), ("kind=component",))) == ANSWER
    assert cache.get((2, ("spec.type",), ("kind=component",))) is None
    assert cache.get((1, ("spec.type",), ())) is None


def test_a_newer_generation_drops_older_answers() -> None:
    cache = FacetCache()
    cache.put((1, ("a",), ()), ANSWER)
    cache.put((2, ("b",), ()), ANSWER)
    assert cache.get((1, ("a",), ())) is None
    assert cache.get((2, ("b",), ())) == ANSWER


def test_the_least_recently_used_answer_goes_first() -> None:
    cache = FacetCache(size=2)
    cache.put((1, ("a",), ()), ANSWER)
    cache.put((1, ("b",), ()), ANSWER)
    assert cache.get((1, ("a",), ())) == ANSWER
    cache.put((1, ("c",), ()), ANSWER)
    assert cache.get((1, ("b",), ())) is None
    assert cache.get((1, ("a",), ())) == ANSWER
