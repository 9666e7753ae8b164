"""deploy/vitalitybot.service: sandboxed, state in its own folder, stopped gently, never
restarted in a loop. systemd-analyze checks it too where systemd is installed."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SANDBOX = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    # Not "yes": that hides every home folder, and with it an interpreter kept in one.
    "ProtectHome": "read-only",
    "PrivateTmp": "yes",
}


# H7's exit code for a configuration error (no token, a setting that cannot be read), and
# argparse's for a command line it cannot parse.
EXIT_CONFIG, EXIT_USAGE = 3, 2


@pytest.fixture(scope="module")
def unit(deploy_dir: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(deploy_dir / "vitalitybot.service", encoding="utf-8")
    return parser


def test_sections(unit: configparser.ConfigParser) -> None:
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_sandboxing(unit: configparser.ConfigParser) -> None:
    service = unit["Service"]
    for key, value in SANDBOX.items():
        assert service.get(key) == value, key
    assert set(service["RestrictAddressFamilies"].split()) == {"AF_INET", "AF_INET6", "AF_UNIX"}
    assert service.get("DynamicUser") == "yes" or service.get("User") not in (None, "root")
    assert service["CapabilityBoundingSet"] == ""


def test_state_directory_is_the_only_writable_place(unit: configparser.ConfigParser) -> None:
    service = unit["Service"]
    assert service["StateDirectory"] == "vitalitybot"
    assert service["WorkingDirectory"] in ("%S/vitalitybot", "/var/lib/vitalitybot")
    assert service["ReadWritePaths"].split() == [service["WorkingDirectory"]]


def test_runs_the_bot_with_its_env_file_and_stops_gently(
    unit: configparser.ConfigParser,
) -> None:
    service = unit["Service"]
    assert service["ExecStart"].endswith("/bin/vitalitybot run")
    assert service["EnvironmentFile"].lstrip("-").endswith(".env")
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > 0


def test_a_configuration_error_stops_the_service_instead_of_looping(
    unit: configparser.ConfigParser,
) -> None:
    prevented = {int(code) for code in unit["Service"]["RestartPreventExitStatus"].split()}
    assert {EXIT_CONFIG, EXIT_USAGE} <= prevented
    # Any other failure is retried, but only so often: then systemd gives up.
    limit = unit["Unit"]
    assert int(limit["StartLimitBurst"]) > 1
    interval = limit["StartLimitIntervalSec"]
    seconds = int(interval.removesuffix("min")) * 60 if interval.endswith("min") else int(interval)
    retries_span = int(unit["Service"]["RestartSec"]) * int(limit["StartLimitBurst"])
    assert retries_span < seconds, "the limit must be reachable between restarts"


def test_installs_into_its_own_venv_without_dev_tools(
    unit: configparser.ConfigParser, deploy_dir: Path
) -> None:
    text = (deploy_dir / "vitalitybot.service").read_text(encoding="utf-8")
    assert "make venv" not in text, "make venv installs pytest, ruff and mypy"
    assert "python3 -m venv /opt/vitalitybot" in text
    assert "/opt/vitalitybot/bin/pip install '.[postgres]'" in text
    assert unit["Service"]["ExecStart"].startswith("/opt/vitalitybot/bin/")


def test_the_state_folder_holds_the_key(unit: configparser.ConfigParser, deploy_dir: Path) -> None:
    # Environment= may be given several times (the parser keeps only the last): read them all.
    text = (deploy_dir / "vitalitybot.service").read_text(encoding="utf-8")
    lines = re.findall(r"^Environment=(.*)$", text, flags=re.MULTILINE)
    environment = dict(pair.split("=", 1) for line in lines for pair in line.split())
    assert environment["VITALITYBOT_STATE_DIR"] == unit["Service"]["WorkingDirectory"]


def test_systemd_analyze_accepts_it(deploy_dir: Path, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    true = shutil.which("true")
    if analyze is None or true is None:
        pytest.skip("systemd-analyze is not installed")
    text = (deploy_dir / "vitalitybot.service").read_text(encoding="utf-8")
    # verify wants ExecStart's program and the env file to exist; nothing else changes.
    text = re.sub(r"^ExecStart=\S+", f"ExecStart={true}", text, flags=re.MULTILINE)
    text = re.sub(r"^EnvironmentFile=(?!-)", "EnvironmentFile=-", text, flags=re.MULTILINE)
    copy = tmp_path / "vitalitybot.service"
    copy.write_text(text, encoding="utf-8")

    verify = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, check=False
    )
    complaints = [line for line in verify.stderr.splitlines() if str(copy) in line]
    assert verify.returncode == 0 and complaints == [], verify.stderr

    # Exposure is scored 0-10 ("threshold" in tenths): at most 2.0, systemd's "OK" band.
    security = subprocess.run(
        [analyze, "security", "--offline=true", "--threshold=20", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    if "unrecognized option" in security.stderr:
        pytest.skip("this systemd-analyze cannot score a unit offline")
    assert security.returncode == 0, security.stdout[-2000:]
