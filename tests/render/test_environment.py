"""The template environment: strict variables, coordinator overrides, safe member text."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import UndefinedError

from vitalitybot.patterns.model import Pattern
from vitalitybot.render.compose import compose
from vitalitybot.render.environment import build_environment, md_escape
from vitalitybot.render.summary import pattern_summary


def test_md_escape_defuses_broadcast_and_role_mentions() -> None:
    text = md_escape("hey @everyone and @here, ping <@&4242> and <@77> and <@!78> in <#99>")
    for live in ("@everyone", "@here", "<@&4242>", "<@77>", "<@!78>", "<#99>"):
        assert live not in text
    # The words are still there for people to read.
    assert "everyone" in text and "4242" in text and "99" in text


def test_md_escape_makes_markdown_literal() -> None:
    escaped = md_escape("**loud** _soft_ ~~gone~~ ||secret|| `code` [link](http://x)")
    assert "**" not in escaped.replace("\\*", "")
    for mark in (
        "\\*\\*loud\\*\\*",
        "\\_soft\\_",
        "\\~\\~gone",
        "\\|\\|secret",
        "\\`code\\`",
        "\\[link\\]",
    ):
        assert mark in escaped


def test_md_escape_keeps_links_clickable() -> None:
    escaped = md_escape("notes at https://example.org/our_notes_2024 *today*")
    assert "https://example.org/our_notes_2024" in escaped
    assert "\\*today\\*" in escaped


def test_member_text_cannot_forge_structure() -> None:
    """A member answering "# Free money" must not retitle the post or add fields."""
    answer = "# Free money\n## Claim here\n-# signed, the admins\n> quoted\n1. listed"
    message = compose(f"# Check-in digest\n{md_escape(answer)}\n## Next\nSoon\n-# vitalitybot")
    (embed,) = message.embeds
    assert embed.title == "Check-in digest"
    assert [f.name for f in embed.fields] == ["Next"]
    assert embed.footer == "vitalitybot"
    assert "Free money" in embed.description and "signed, the admins" in embed.description
    assert all(
        not line.startswith(("#", "-#", ">", "1.")) for line in embed.description.splitlines()
    )


def test_missing_variable_raises_instead_of_rendering_blank(tmp_path: Path) -> None:
    (tmp_path / "greeting.md.j2").write_text("# Hello {{ community_name }}\n")
    env = build_environment(tmp_path)
    with pytest.raises(UndefinedError):
        env.get_template("greeting.md.j2").render()


def test_override_folder_wins_over_the_shipped_template(tmp_path: Path, pattern: Pattern) -> None:
    shipped = pattern_summary(build_environment(), pattern)
    (tmp_path / "pattern_summary.md.j2").write_text(
        "# In our words: {{ pattern.title }}\n{{ pattern.summary }}\n"
    )
    overridden = pattern_summary(build_environment(tmp_path), pattern)
    assert overridden.embeds[0].title == "In our words: Harvest What We Learn"
    assert overridden.embeds[0].fields == ()
    assert shipped.embeds[0].title == "Harvest What We Learn"


def test_override_folder_falls_back_to_shipped_templates(tmp_path: Path, pattern: Pattern) -> None:
    (tmp_path / "something_else.md.j2").write_text("# Other\n")
    message = pattern_summary(build_environment(tmp_path), pattern)
    assert message.embeds[0].title == "Harvest What We Learn"


def test_a_missing_override_folder_is_reported_at_start(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        build_environment(tmp_path / "nowhere")
