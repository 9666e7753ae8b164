"""Reading rendered template text back into a Message (the layout convention)."""

from __future__ import annotations

from vitalitybot.render.compose import compose
from vitalitybot.render.message import EmbedField

TEXT = """\
Heads up, the monthly check-in is open.

# March check-in
Three short questions; skip any.

## Closes {inline}
Friday

## Questions
1. What became clearer?
2. What surprised you?

## Nothing to say
## Where answers go {inline}
Only the totals are shown.

-# vitalitybot · answers are anonymous
"""


def test_each_marker_fills_its_part_of_the_post() -> None:
    message = compose(TEXT)
    assert message.content == "Heads up, the monthly check-in is open."
    (embed,) = message.embeds
    assert embed.title == "March check-in"
    assert embed.description == "Three short questions; skip any."
    assert embed.fields == (
        EmbedField("Closes", "Friday", inline=True),
        EmbedField("Questions", "1. What became clearer?\n2. What surprised you?"),
        EmbedField("Where answers go", "Only the totals are shown.", inline=True),
    )
    assert embed.footer == "vitalitybot · answers are anonymous"


def test_text_without_headings_is_plain_content_and_keeps_its_subtext() -> None:
    message = compose("Just saying hello.\n-# small print")
    assert message.embeds == ()
    assert message.content == "Just saying hello.\n-# small print"


def test_deeper_headings_and_code_fences_are_not_structure() -> None:
    message = compose("# Title\n### A sub-heading\n```\n# not a title\n## not a field\n```\n")
    (embed,) = message.embeds
    assert embed.title == "Title"
    assert embed.fields == ()
    assert "# not a title" in embed.description and "### A sub-heading" in embed.description


def test_a_second_title_starts_a_second_embed_and_the_footer_goes_last() -> None:
    message = compose("# One\nfirst\n# Two\n## F\nv\n-# end")
    assert [e.title for e in message.embeds] == ["One", "Two"]
    assert message.embeds[0].footer == ""
    assert message.embeds[1].footer == "end"


def test_a_field_before_any_title_opens_an_untitled_embed() -> None:
    (embed,) = compose("intro\n## Only a field\nvalue").embeds
    assert embed.title == ""
    assert embed.fields == (EmbedField("Only a field", "value"),)


def test_footer_is_only_the_trailing_run_of_subtext() -> None:
    (embed,) = compose("# T\n-# not a footer\n## F\nv\n-# line one\n\n-# line two\n\n").embeds
    assert embed.fields[0].value == "v"
    assert embed.footer == "line one\nline two"
    assert "not a footer" in embed.description


def test_blank_line_runs_from_template_logic_are_tidied() -> None:
    (embed,) = compose("# T\n\n\n\nfirst\n\n\n\nsecond\n\n").embeds
    assert embed.description == "first\n\nsecond"


def test_an_oversized_post_is_trimmed_not_refused() -> None:
    text = "x " * 3000 + "\n# " + "T" * 400 + "\n" + "d " * 5000 + "\n-# " + "f " * 2000
    message = compose(text)
    assert len(message.content) <= 2000 and message.content.endswith("…")
    (embed,) = message.embeds
    assert len(embed.title) <= 256 and embed.title.endswith("…")
    assert embed.total_length() <= 6000
