"""`vitalitybot patterns check` and `vitalitybot pattern NAME`, run as a user would."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from vitalitybot.cli import main

ALL_PRESENT = {"signs_of_life": 1, "signs_of_decay": 1, "replant": 1, "steps": 1, "rhythms": 1}


def test_check_json_reports_counts_for_a_folder_that_loads(
    patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(patterns_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # The bare pattern loads, but gives a survey nothing to ask: a warning, not a failure.
    (warning,) = report.pop("warnings")
    assert Path(warning["path"]).name == "quiet-corner.md"
    assert "nothing to ask" in warning["reason"]
    assert report == {"files": 2, "loaded": 2, "problems": [], "with": ALL_PRESENT}


def test_check_json_lists_a_broken_file_with_its_line(
    broken_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(broken_dir), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"files", "loaded", "problems", "warnings", "with"}
    assert (report["files"], report["loaded"]) == (3, 2)
    assert report["with"] == ALL_PRESENT
    (problem,) = report["problems"]
    assert set(problem) == {"path", "line", "reason"}
    assert Path(problem["path"]).name == "broken-yaml.md"
    assert isinstance(problem["line"], int) and 2 <= problem["line"] <= 5
    assert problem["reason"]


def test_check_text_shows_counts_and_file_line_reason(
    broken_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(broken_dir)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^files\s+3$", out, re.MULTILINE)
    assert re.search(r"^loaded\s+2$", out, re.MULTILINE)
    assert re.search(r"^signs of decay\s+1$", out, re.MULTILINE)
    assert re.search(r"broken-yaml\.md:\d+: \S", out)


def test_check_reads_the_folder_from_settings_by_default(
    patterns_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VITALITYBOT_PATTERNS_DIR", str(patterns_dir))
    assert main(["patterns", "check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["loaded"] == 2


def test_check_with_a_cache_gives_the_same_report_twice(
    broken_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Files modified moments ago are never trusted to the cache; make these an hour old.
    an_hour_ago = time.time() - 3600
    for path in broken_dir.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    cache = tmp_path / "cache" / "patterns.cache"
    cache.parent.mkdir()
    args = ["patterns", "check", str(broken_dir), "--json", "--cache", str(cache)]
    assert main(args) == 1
    first = json.loads(capsys.readouterr().out)
    assert cache.exists()
    assert main(args) == 1
    assert json.loads(capsys.readouterr().out) == first


def test_check_of_a_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(tmp_path / "nowhere")]) == 2
    captured = capsys.readouterr()
    assert "nowhere" in captured.err
    assert captured.out == ""


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["patterns", "check", "--no-such-option"])
    assert exit_info.value.code == 2


def test_pattern_prints_the_summary_for_a_misspelt_name(
    patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pattern", "sharde harvest", "--dir", str(patterns_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Shared Harvest"
    assert lines[1] == "=" * len("Shared Harvest")
    for heading in ("Signs of life", "Signs of decay", "When to replant", "Implementation steps"):
        assert heading in lines
    assert any("No feedback" in line for line in lines)
    assert any("CC-BY-SA-4.0" in line for line in lines)


def test_pattern_finds_an_alias(patterns_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pattern", "harvest circle", "--dir", str(patterns_dir)]) == 0
    assert capsys.readouterr().out.startswith("Shared Harvest\n")


def test_pattern_without_a_match_lists_close_names(
    patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pattern", "shared harvest festival week", "--dir", str(patterns_dir)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "No pattern matches 'shared harvest festival week'" in captured.err
    assert "shared-harvest" in captured.err


def test_pattern_with_nothing_alike_says_so(
    patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pattern", "zzqxv", "--dir", str(patterns_dir)]) == 1
    err = capsys.readouterr().err
    assert "No pattern matches 'zzqxv'" in err
    assert "2 patterns are loaded" in err


def test_check_accepts_a_single_file(broken_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["patterns", "check", str(broken_dir / "shared-harvest.md"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["loaded"] == 1


def test_pattern_uses_the_coordinators_template_override(
    patterns_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    overrides = tmp_path / "our-wording"
    overrides.mkdir()
    (overrides / "pattern_summary.md.j2").write_text(
        "# {{ pattern.title }}, in our words\n## First step\n{{ pattern.steps[0].title }}\n"
    )
    monkeypatch.setenv("VITALITYBOT_TEMPLATES_DIR", str(overrides))
    assert main(["pattern", "shared-harvest", "--dir", str(patterns_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Shared Harvest, in our words\n")
    assert "First step\n----------\nPick a lesson" in out


def test_pattern_with_a_missing_template_folder_is_a_configuration_error(
    patterns_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VITALITYBOT_TEMPLATES_DIR", str(tmp_path / "gone"))
    assert main(["pattern", "shared-harvest", "--dir", str(patterns_dir)]) == 3
    err = capsys.readouterr().err
    assert "VITALITYBOT_TEMPLATES_DIR" in err and "gone" in err


@pytest.mark.corpus
@pytest.mark.slow
def test_check_on_the_corpus_names_its_two_broken_files(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(corpus_dir), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 3616
    assert report["loaded"] == 3614
    broken = {Path(p["path"]).name: p["line"] for p in report["problems"]}
    assert set(broken) == {"animal-communication-practice.md", "animal-relationship-ethics.md"}
    assert all(isinstance(line, int) and line > 1 for line in broken.values())
    # The vitality parts are found in well over a third of the corpus.
    assert all(count > 1200 for count in report["with"].values())


# One file per authoring mistake (tests/patterns/authoring/, each a variant of good.md):
# the line `patterns check` must point at, whether the pattern still loads (a warning) or
# not (an error), and words the line must carry.
MISTAKES = {
    "misspelt-implementation.md": [
        (8, "warning", "step 3, but the Implementation section has no steps"),
        (12, "warning", "step 2, but the Implementation section has no steps"),
        (19, "warning", "did you mean 'Implementation'?"),
    ],
    "misspelt-vitality.md": [(27, "warning", "did you mean 'Vitality'?")],
    "sign-of-decay.md": [(33, "warning", "did you mean 'Signs of decay'?")],
    "unknown-block-key.md": [(8, "warning", "'feedback_step'; did you mean 'feedback_steps'?")],
    "unknown-sign-key.md": [
        (10, "warning", "signs.empty-table' names no sign; did you mean 'empty-tables'?")
    ],
    "missing-step.md": [
        (12, "warning", "step 42, but the Implementation section has steps 1 to 3")
    ],
    "long-prompt.md": [(7, "warning", "68 characters; Discord's form labels hold 45")],
    "long-survey-wording.md": [(11, "warning", "114 characters; Discord's select menus show 100")],
    "no-survey-items.md": [(5, "warning", "no signs of life or decay")],
    "invalid-yaml.md": [(2, "error", "invalid YAML")],
    "several-mistakes.md": [
        (4, "warning", "'promts'; did you mean 'prompts'?"),
        (6, "error", "'vitalitybot.feedback_steps' must be implementation step numbers"),
        (9, "error", "'vitalitybot.signs.tools-go-missing.remedy' must be implementation step"),
        (12, "warning", "did you mean 'Implementation'?"),
    ],
}


@pytest.fixture
def authoring_dir() -> Path:
    return Path(__file__).parents[1] / "patterns" / "authoring"


def found_by_file(report: dict[str, Any]) -> dict[str, list[tuple[int, str, str]]]:
    found: dict[str, list[tuple[int, str, str]]] = {}
    for severity, key in (("error", "problems"), ("warning", "warnings")):
        for entry in report[key]:
            name = Path(entry["path"]).name
            found.setdefault(name, []).append((entry["line"], severity, entry["reason"]))
    return {name: sorted(entries) for name, entries in found.items()}


def test_check_reports_each_authoring_mistake_at_its_line(
    authoring_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(authoring_dir), "--json"]) == 1
    found = found_by_file(json.loads(capsys.readouterr().out))
    assert set(found) == set(MISTAKES)  # good.md has neither errors nor warnings
    for name, expected in MISTAKES.items():
        assert [(line, severity) for line, severity, _ in found[name]] == [
            (line, severity) for line, severity, _ in expected
        ], name
        for (_, _, reason), (_, _, words) in zip(found[name], expected, strict=True):
            for part in words.split("; "):
                assert part in reason, (name, reason)


def test_check_text_lists_warnings_as_path_line_warning(
    authoring_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["patterns", "check", str(authoring_dir)])
    out = capsys.readouterr().out
    assert re.search(r"^warnings\s+13$", out, re.MULTILINE)
    assert re.search(r"^problems\s+3$", out, re.MULTILINE)
    assert re.search(r"misspelt-vitality\.md:27: warning: the heading 'Vitalty'", out)
    assert re.search(r"several-mistakes\.md:6: 'vitalitybot\.feedback_steps'", out)


def test_warnings_pass_unless_strict(
    authoring_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warned = tmp_path / "misspelt-vitality.md"
    shutil.copy(authoring_dir / "misspelt-vitality.md", warned)
    assert main(["patterns", "check", str(warned)]) == 0
    assert main(["patterns", "check", str(warned), "--strict"]) == 1
    assert main(["patterns", "check", str(authoring_dir / "good.md"), "--strict"]) == 0
    capsys.readouterr()


def test_the_shipped_patterns_pass_strict(
    shipped_patterns_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["patterns", "check", str(shipped_patterns_dir), "--strict", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["problems"], report["warnings"]) == ([], [])
