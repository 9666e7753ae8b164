"""Every command the README and deploy/ tell an operator to run is one the tools accept.

The command lines are taken from where an operator copies them: shell code blocks and
inline code in README.md and deploy/README.md, the systemd unit's Exec lines, Compose's
``command``, ``entrypoint`` and health check, the Dockerfile's RUN, ENTRYPOINT, CMD and
HEALTHCHECK, and the inline code in each shipped template's opening comment (read by whoever
overrides the template). Each ``vitalitybot`` command goes through the real parser (parsing only,
nothing runs), each ``python -m`` module must exist, and each ``make`` target must be one
the Makefile has (``make -n``). A failure names the file, the line and the command.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from vitalitybot.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
MARKDOWN_FILES = (ROOT / "README.md", DEPLOY / "README.md")
TEMPLATES = ROOT / "src" / "vitalitybot" / "templates"
TEMPLATE_COMMENT = re.compile(r"\{#-?(.*?)-?#\}", re.DOTALL)
INLINE_CODE = re.compile(r"`([^`]+)`")
SHELL_LANGUAGES = {"", "sh", "shell", "bash", "console"}
SUBSTITUTION = re.compile(r"\$\([^)]*\)")  # $(date +%F): any word will do for parsing
OPERATORS = {"&&", "||", ";", "|", "&"}
REDIRECTIONS = {">", ">>", "<", "2>", "2>&1"}


@dataclass(frozen=True)
class CommandLine:
    where: str  # file:line
    argv: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where}: {shlex.join(self.argv)}"


def shell_commands(text: str) -> Iterator[tuple[str, ...]]:
    """The simple commands in a line of shell: split at && ; | and stripped of
    redirections, comments and leading VAR=value assignments."""
    lexer = shlex.shlex(SUBSTITUTION.sub("X", text), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    words: list[str] = []
    for word in [*lexer, ";"]:
        if word in OPERATORS:
            while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
                words.pop(0)
            if words:
                yield tuple(words)
            words = []
        elif word in REDIRECTIONS:
            words.append(word)
        elif words and words[-1] in REDIRECTIONS:
            words.pop()  # the redirection and its target are not arguments
        else:
            words.append(word)


def _markdown_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line, shell text) for each line of a shell code block and each inline code span."""
    tokens = MarkdownIt().parse(path.read_text(encoding="utf-8"))
    for token in tokens:
        line = token.map[0] + 1 if token.map else 0
        if token.type == "fence" and token.info.strip() in SHELL_LANGUAGES:
            joined = token.content.replace("\\\n", " ")
            for offset, text in enumerate(joined.splitlines(), start=1):
                yield line + offset, text
        elif token.type == "inline":
            for child in token.children or ():
                if child.type == "code_inline":
                    yield line, child.content


def _template_comment_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line, code) for each inline code span in the template's opening comment."""
    text = path.read_text(encoding="utf-8")
    comment = TEMPLATE_COMMENT.match(text)
    if comment is None:
        return
    for span in INLINE_CODE.finditer(comment.group(1)):
        yield text.count("\n", 0, comment.start(1) + span.start()) + 1, span.group(1)


def _systemd_lines(path: Path) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        key, _, value = raw.partition("=")
        if key.strip().startswith("Exec"):
            yield number, value.strip().lstrip("-@:+!")  # systemd's prefixes, not the command


def _dockerfile_instructions(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, instruction, arguments), continuation lines joined."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not pending and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if not pending:
            start = number
        pending.append(raw.rstrip().removesuffix("\\"))
        if not raw.rstrip().endswith("\\"):
            instruction, _, arguments = " ".join(pending).strip().partition(" ")
            pending = []
            yield start, instruction.upper(), arguments.strip()


def _docker_argv(arguments: str) -> tuple[str, ...] | str:
    """Exec form (a JSON list) as argv; shell form as the shell text."""
    if arguments.startswith("["):
        return tuple(json.loads(arguments))
    return arguments


def _dockerfile(path: Path) -> tuple[list[CommandLine], dict[str, tuple[str, ...]]]:
    """Its RUN and HEALTHCHECK commands, and the image's ENTRYPOINT and CMD as argv."""
    found: list[CommandLine] = []
    image: dict[str, tuple[str, ...]] = {}
    for line, instruction, arguments in _dockerfile_instructions(path):
        where = f"{path.relative_to(ROOT)}:{line}"
        if instruction == "HEALTHCHECK":
            _, _, arguments = arguments.partition("CMD ")  # options come before CMD
        if instruction in {"RUN", "HEALTHCHECK"} and arguments:
            argv = _docker_argv(arguments.strip())
            found.extend(_as_commands(where, argv))
        elif instruction in {"ENTRYPOINT", "CMD"}:
            argv = _docker_argv(arguments)
            image[instruction] = argv if isinstance(argv, tuple) else ("sh", "-c", argv)
    entrypoint = image.get("ENTRYPOINT", ())
    if entrypoint or "CMD" in image:
        where = f"{path.relative_to(ROOT)} (ENTRYPOINT + CMD)"
        found.append(CommandLine(where, (*entrypoint, *image.get("CMD", ()))))
    return found, image


def _compose(path: Path, image: dict[str, tuple[str, ...]]) -> Iterator[CommandLine]:
    """Each service's command (with the Dockerfile's entrypoint for the built service)
    and health check."""
    services = yaml.safe_load(path.read_text(encoding="utf-8"))["services"]
    for name, service in services.items():
        where = f"{path.relative_to(ROOT)} services.{name}"
        built = "build" in service
        if built and ("command" in service or "entrypoint" in service):
            entrypoint = _compose_argv(service.get("entrypoint")) or image.get("ENTRYPOINT", ())
            command = _compose_argv(service.get("command")) or image.get("CMD", ())
            yield CommandLine(f"{where}.command", (*entrypoint, *command))
        test = (service.get("healthcheck") or {}).get("test")
        if isinstance(test, list) and test and test[0] == "CMD":
            yield CommandLine(f"{where}.healthcheck", tuple(test[1:]))
        elif isinstance(test, list) and test and test[0] == "CMD-SHELL":
            yield from _as_commands(f"{where}.healthcheck", test[1])
        elif isinstance(test, str):
            yield from _as_commands(f"{where}.healthcheck", test)


def _compose_argv(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(word) for word in value)
    return tuple(shlex.split(value)) if isinstance(value, str) else ()


def _as_commands(where: str, argv_or_text: tuple[str, ...] | str) -> Iterator[CommandLine]:
    if isinstance(argv_or_text, tuple):
        yield CommandLine(where, argv_or_text)
        return
    for argv in shell_commands(argv_or_text):
        yield CommandLine(where, argv)


def documented_commands() -> list[CommandLine]:
    found: list[CommandLine] = []
    for path in MARKDOWN_FILES:
        for line, text in _markdown_lines(path):
            try:
                found.extend(_as_commands(f"{path.relative_to(ROOT)}:{line}", text))
            except ValueError:  # prose in backticks (an unpaired quote): not a command
                continue
    for path in sorted(TEMPLATES.glob("*.j2")):
        for line, text in _template_comment_lines(path):
            found.extend(_as_commands(f"{path.relative_to(ROOT)}:{line}", text))
    for path in sorted(DEPLOY.glob("*.service")):
        for line, text in _systemd_lines(path):
            found.extend(_as_commands(f"{path.relative_to(ROOT)}:{line}", text))
    image: dict[str, tuple[str, ...]] = {}
    for path in sorted(DEPLOY.glob("Dockerfile*")):
        if path.suffix != ".dockerignore":
            commands, image = _dockerfile(path)
            found.extend(commands)
    for path in sorted(DEPLOY.glob("compose*.y*ml")):
        found.extend(_compose(path, image))
    return found


def _is_vitalitybot(word: str) -> bool:
    """The command by any path (not a ``Setting=/var/lib/vitalitybot`` that ends alike)."""
    return "=" not in word and Path(word).name == "vitalitybot"


def _vitalitybot_arguments(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The arguments of a ``vitalitybot`` command (by any path or ``python -m``, or handed
    to ``systemd-run`` or to the image by ``docker compose run``), or None.

    A lone word is a name or a folder (`/opt/vitalitybot`), never a documented command.
    """
    if Path(argv[0]).name == "systemd-run":  # its options, then the command it runs
        argv = tuple(itertools.dropwhile(lambda word: not _is_vitalitybot(word), argv))
    elif argv[:3] == ("docker", "compose", "run"):  # options, the service, the arguments
        service_and_arguments = [word for word in argv[3:] if not word.startswith("-")]
        return tuple(service_and_arguments[1:]) or None
    if len(argv) > 1 and _is_vitalitybot(argv[0]):
        return argv[1:]
    if Path(argv[0]).name.startswith("python") and argv[1:3] == ("-m", "vitalitybot"):
        return argv[3:]
    return None


def _python_module(argv: tuple[str, ...]) -> str | None:
    """The module of ``python -m vitalitybot.something``, or None."""
    if Path(argv[0]).name.startswith("python") and len(argv) > 2 and argv[1] == "-m":
        module = argv[2]
        return module if module.startswith("vitalitybot.") else None
    return None


def parse_error(arguments: tuple[str, ...]) -> str | None:
    """What the real parser says about ``arguments``; None when it accepts them."""
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            build_parser().parse_args(list(arguments))
        except SystemExit as exit_:
            if exit_.code not in (0, None):  # --help and --version exit 0
                return errors.getvalue().strip().splitlines()[-1]
    return None


COMMANDS = documented_commands()
VITALITYBOT = [c for c in COMMANDS if _vitalitybot_arguments(c.argv) is not None]
MODULES = [c for c in COMMANDS if _python_module(c.argv) is not None]
MAKE = [c for c in COMMANDS if c.argv[0] == "make" and len(c.argv) > 1]


def test_the_docs_and_deploy_files_hold_commands_to_check() -> None:
    # Guards the extraction: the README's commands and the image's own command are found.
    found = {shlex.join(c.argv) for c in VITALITYBOT}
    assert "vitalitybot run" in found  # the Dockerfile's ENTRYPOINT + CMD
    assert any(c.where.startswith("README.md") for c in VITALITYBOT)
    assert any(c.where.startswith("deploy/vitalitybot.service") for c in VITALITYBOT)
    assert any(c.where.startswith("src/vitalitybot/templates/") for c in VITALITYBOT)
    wrapped = {c.argv[0] for c in VITALITYBOT}
    assert {"systemd-run", "docker"} <= wrapped  # README's upgrade steps
    assert MODULES and MAKE


@pytest.mark.parametrize("command", VITALITYBOT, ids=str)
def test_each_documented_vitalitybot_command_parses(command: CommandLine) -> None:
    arguments = _vitalitybot_arguments(command.argv)
    assert arguments is not None
    error = parse_error(arguments)
    assert error is None, f"{command}\n  refused: {error}"


@pytest.mark.parametrize("command", MODULES, ids=str)
def test_each_documented_python_module_exists(command: CommandLine) -> None:
    module = _python_module(command.argv)
    assert module is not None
    assert importlib.util.find_spec(module) is not None, f"{command}: no module {module}"


@pytest.mark.parametrize("command", MAKE, ids=str)
def test_each_documented_make_target_exists(command: CommandLine) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    dry_run = subprocess.run(
        [make, "-n", "-C", str(ROOT), *command.argv[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, f"{command}\n  {dry_run.stderr.strip()}"


def test_a_wrong_command_line_is_reported_with_what_the_parser_said() -> None:
    # The check itself: the flag placement the README once showed, and a synopsis.
    assert parse_error(("run", "--log-json")) is None
    assert parse_error(("--log-json", "run")) is None
    assert "invalid int value: 'ID'" in (parse_error(("harvest", "export", "--guild", "ID")) or "")
    assert "invalid choice: 'status'" in (parse_error(("status",)) or "")
