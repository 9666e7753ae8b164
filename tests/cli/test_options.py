"""The options every command takes: ``-v``, ``--log-json`` and ``--version``."""

from __future__ import annotations

import argparse
import io
import json
import logging
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

import vitalitybot
from vitalitybot.cli import build_parser, main
from vitalitybot.observability.logs import configure_logging


@pytest.fixture(autouse=True)
def _logging_reset() -> Iterator[None]:
    yield
    configure_logging(logging.WARNING, stream=io.StringIO())  # off the captured stderr


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "--log-json", "patterns", "check", "{dir}"],
        ["patterns", "check", "{dir}", "-v", "--log-json"],
        ["patterns", "-v", "check", "{dir}", "--log-json"],
        ["--log-json", "patterns", "check", "{dir}", "--verbose"],
    ],
    ids=["before", "after", "between", "mixed"],
)
def test_logging_options_work_before_or_after_the_command(
    argv: list[str], patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([part.format(dir=patterns_dir) for part in argv]) == 0
    lines = _json_lines(capsys.readouterr().err)
    loaded = [line for line in lines if "loaded 2 patterns" in str(line["message"])]
    assert loaded, "no JSON debug line about the loaded patterns"
    assert loaded[0]["level"] == "DEBUG"


def test_without_the_options_there_are_no_debug_lines(
    patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(patterns_dir)]) == 0
    assert "loaded 2 patterns" not in capsys.readouterr().err


def _command_parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _command_parsers(sub, (*path, name))


def test_every_command_offers_the_logging_options_in_its_help() -> None:
    commands = dict(_command_parsers(build_parser()))
    assert {("run",), ("db", "upgrade"), ("patterns", "check"), ("simulate",)} <= set(commands)
    for path, parser in commands.items():
        usage = parser.format_help()
        assert "--verbose" in usage and "--log-json" in usage, " ".join(path)


def test_version_is_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"vitalitybot {vitalitybot.__version__}\n"
    assert version("vitalitybot") == vitalitybot.__version__  # the metadata agrees
