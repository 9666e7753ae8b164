"""``python -m vitalitybot.observability.probe``: exit 0 when ``/healthz`` says ok.

For container health checks: slim images have no curl, and this reads the same
settings as the bot, so the probe always asks the port the bot listens on.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from vitalitybot.config import DEFAULT_HEALTH_HOST, load_settings

TIMEOUT = 4.0  # seconds; below Docker's default health-check timeout of 5 s


def healthz_url(host: str, port: int | None) -> str | None:
    """Where the bot serves /healthz; None when the listener is off."""
    if port is None:
        return None
    if host in ("0.0.0.0", "::", ""):  # listening everywhere: ask on loopback
        host = DEFAULT_HEALTH_HOST
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def probe(url: str, timeout: float = TIMEOUT) -> tuple[bool, str]:
    """Whether /healthz answered 200, and what it said."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as failing:
        return False, failing.read().decode("utf-8", "replace")
    except OSError as exc:
        return False, f"no answer from {url}: {exc}"


def main() -> int:
    settings = load_settings()
    url = healthz_url(settings.health_host, settings.health_port)
    if url is None:
        print("VITALITYBOT_HEALTH_PORT is not set: the health listener is off", file=sys.stderr)
        return 2
    healthy, said = probe(url)
    print(said, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
