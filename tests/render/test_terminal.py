"""The same message, printed for a terminal."""

from __future__ import annotations

from jinja2 import Environment

from vitalitybot.patterns.model import Pattern
from vitalitybot.render.compose import compose
from vitalitybot.render.environment import md_escape
from vitalitybot.render.summary import pattern_summary
from vitalitybot.render.terminal import to_terminal


def test_terminal_shows_the_same_title_and_fields(env: Environment, pattern: Pattern) -> None:
    message = pattern_summary(env, pattern)
    text = to_terminal(message)
    lines = text.splitlines()
    embed = message.embeds[0]
    title_at = lines.index(embed.title)
    assert set(lines[title_at + 1]) == {"="} and len(lines[title_at + 1]) == len(embed.title)
    for field in embed.fields:
        at = lines.index(field.name)
        assert set(lines[at + 1]) == {"-"}
    assert "Example Pattern Library" in lines[-1]


def test_terminal_drops_discord_marks_and_undoes_escapes() -> None:
    message = compose(f"# T\n**Solution.** do it\n## F\n{md_escape('I wrote *this* & #that')}")
    text = to_terminal(message)
    assert "Solution. do it" in text
    assert "I wrote *this* & #that" in text
    assert "\\" not in text


def test_terminal_wraps_long_paragraphs_and_list_items() -> None:
    long = "word " * 60
    text = to_terminal(compose(f"# T\n{long}\n## F\n- {long}\n3. {long}"), width=40)
    lines = text.splitlines()
    assert all(len(line) <= 40 for line in lines)
    # Continuation lines of a list item line up under its text.
    item = lines.index(next(line for line in lines if line.startswith("- ")))
    assert lines[item + 1].startswith("  word")
