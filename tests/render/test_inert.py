"""Text from pattern files and members cannot restructure a post or mention anyone."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.render.compose import compose
from vitalitybot.render.environment import build_environment, md_escape
from vitalitybot.render.inert import inert
from vitalitybot.render.terminal import to_terminal

ZWSP = "\u200b"

# (what a pattern author wrote, what reaches the post): one row per construct.
NEUTRALISED = [
    ("# Forged title", "\\# Forged title"),
    ("## Forged field", "\\## Forged field"),
    ("### Big words", "\\### Big words"),
    ("-# forged footer", "\\-# forged footer"),
    ("> quoted", "\\> quoted"),
    (">>> quotes the rest", "\\>>> quotes the rest"),
    ("  # indented heading", "  \\# indented heading"),
    ("- # heading inside an item", "- \\# heading inside an item"),
    ("1. > quote inside an item", "1. \\> quote inside an item"),
    ("first line\n# second line", "first line\n\\# second line"),
    (
        "first line\u2028# after a Unicode line break",
        "first line\u2028\\# after a Unicode line break",
    ),
    ("```\nswallows the rest", "\\`\\`\\`\nswallows the rest"),
    ("opens `a span", "opens \\`a span"),
    ("[click here](https://evil.example)", "\\[click here](https://evil.example)"),
    ("||hidden||", "\\|\\|hidden\\|\\|"),
    ("hey @everyone and @here", f"hey @{ZWSP}everyone and @{ZWSP}here"),
    ("@EVERYONE", f"@{ZWSP}EVERYONE"),
    ("<@1> <@!2>", f"<{ZWSP}@1> <{ZWSP}@!2>"),
    ("<@&3>", f"<{ZWSP}@&3>"),
    ("<#4>", f"<{ZWSP}#4>"),
    ("</vitality close:5>", f"<{ZWSP}/vitality close:5>"),
    ("<t:1700000000:R>", f"<{ZWSP}t:1700000000:R>"),
    ("<id:customize>", f"<{ZWSP}id:customize>"),
    ("<:party:6> <a:dance:7>", f"<{ZWSP}:party:6> <{ZWSP}a:dance:7>"),
    ("Pick one {inline}", "Pick one {inline\\}"),
    ("ends in a backslash\\", "ends in a backslash\\\\"),
]

# What pattern authors legitimately write inside a field: unchanged.
KEPT = [
    "- a dash item\n- another",
    "* a star item",
    "1. first\n2. second",
    "**Pick one lesson.** Choose it together.",
    "*italics* and _italics_ and __underline__ and ~~struck~~",
    "a bare link: https://example.org/our_notes",
    "<https://example.org> in angle brackets",
    "C# and F# are languages; 3 > 2; #hashtag mid-line",
    "an escape already there: \\*not bold\\*",
    "",
]


@pytest.mark.parametrize(("written", "posted"), NEUTRALISED)
def test_each_construct_is_neutralised(written: str, posted: str) -> None:
    assert inert(written) == posted


@pytest.mark.parametrize("written", KEPT)
def test_lists_bold_and_italics_survive(written: str) -> None:
    assert inert(written) == written


@pytest.mark.parametrize("written", [w for w, _ in NEUTRALISED] + KEPT)
def test_neutralising_twice_changes_nothing(written: str) -> None:
    assert inert(inert(written)) == inert(written)


@pytest.mark.parametrize("written", [w for w, _ in NEUTRALISED] + KEPT)
def test_member_text_escaped_for_display_is_already_inert(written: str) -> None:
    assert inert(md_escape(written)) == md_escape(written)


def test_an_escaped_backslash_does_not_protect_the_mark_after_it() -> None:
    """``\\\\`` shows one backslash; the backtick after it would still be live."""
    assert inert("\\\\`code") == "\\\\\\`code"


def test_values_are_neutralised_by_every_template_even_one_that_forgets(tmp_path: Path) -> None:
    """An override template printing pattern text raw still gets one embed, one field."""
    (tmp_path / "forged.md.j2").write_text(
        "# {{ title }}\n{{ summary }}\n## {{ step }}\n{{ text }}\n-# {{ licence }}\n"
    )
    template = build_environment(tmp_path).get_template("forged.md.j2")

    message = compose(
        template.render(
            title="Real ## title",
            summary="# Forged embed\n## Forged field\n```",
            step="Pick one {inline}",
            text="-# forged footer\n- a list item\n## Another forged field",
            licence="<@1> ||CC-BY-SA-4.0||",
        )
    )

    (embed,) = message.embeds
    assert embed.title == "Real ## title"
    assert [(f.name, f.inline) for f in embed.fields] == [("Pick one {inline\\}", False)]
    assert embed.description == "\\# Forged embed\n\\## Forged field\n\\`\\`\\`"
    assert embed.fields[0].value == "\\-# forged footer\n- a list item\n\\## Another forged field"
    assert embed.footer == f"<{ZWSP}@1> \\|\\|CC-BY-SA-4.0\\|\\|"


def test_the_terminal_shows_neutralised_text_as_written() -> None:
    message = compose(f"# T\n{inert('# Not a heading [link](https://x.org) @everyone <@1>')}")

    assert "# Not a heading [link](https://x.org) @everyone <@1>" in to_terminal(message)
