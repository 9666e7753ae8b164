"""Post kinds: what closes a round and which suggestion a post carries are read off the kind."""

from __future__ import annotations

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import SuggestionKind


def test_every_suggestion_kind_has_a_post_kind_that_names_it_back() -> None:
    for kind in SuggestionKind:
        post = PostKind.of_suggestion(kind)
        assert post.suggestion is kind
        assert post == f"suggestion:{kind.value}"  # the string the deliveries table keeps
        assert not post.closes_round


def test_only_results_and_harvest_close_a_round_and_neither_is_a_suggestion() -> None:
    assert {k for k in PostKind if k.closes_round} == {PostKind.RESULTS, PostKind.HARVEST}
    assert [k for k in PostKind if k.suggestion is None] == [
        PostKind.ROUND,
        PostKind.THREAD,
        PostKind.REMINDER,
        PostKind.RESULTS,
        PostKind.HARVEST,
        PostKind.ROUND_CLOSED,
    ]
