"""How fast the pattern library loads and answers searches, against a naive baseline.

Usage: python benchmarks/load_patterns.py [DIR]
(DIR defaults to ../shared/corpus/commons-os-patterns beside the project.)

Each measurement runs in a fresh Python process, so one run's imports and caches cannot
help the next; only the work itself is timed. The order is naive, cold, warm, cold, warm,
naive, and the best of each kind is compared, so a file cache that is cold on the first
run counts against neither side. Both wall time and the process's CPU time are printed:
on a machine other work shares, wall time varies from run to run by more than the
differences measured here, and the CPU ratio is the steadier figure.

- naive: ``frontmatter.load`` on every file, the plain python-frontmatter loop;
- cold: ``load_library`` with an empty cache file (it parses every file and writes it);
- warm: ``load_library`` again with that cache and no file changed;
- search: ``PatternIndex.search`` over a fixed mix of slugs, typo'd titles, prefixes and
  aliases.

The last line is machine-readable (R and S from wall time, as the floors are):
    cold_vs_naive=R warm_speedup=S search_p99_ms=M cpu_cold_vs_naive=C
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = PROJECT_ROOT.parent / "shared" / "corpus" / "commons-os-patterns"
QUERIES = 1000
SEED = 20240601
MAX_COLD_VS_NAIVE = 1.5
MIN_WARM_SPEEDUP = 20.0
MAX_SEARCH_P99_MS = 2.0


# -- measurements: each runs in its own process and prints one JSON line ----------------


def measure_naive(directory: Path) -> dict[str, Any]:
    import frontmatter

    paths = sorted(directory.glob("*.md"))
    cpu, started = time.process_time(), time.perf_counter()
    failed = 0
    for path in paths:
        try:
            frontmatter.load(path)
        except Exception:  # the baseline only counts; broken files raise YAML errors
            failed += 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "files": len(paths), "problems": failed}


def measure_load(directory: Path, cache: Path) -> dict[str, Any]:
    from vitalitybot.patterns import load_library

    cpu, started = time.process_time(), time.perf_counter()
    library = load_library(directory, cache=cache)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "files": library.files,
        "problems": len(library.problems),
    }


def measure_search(directory: Path, cache: Path) -> dict[str, Any]:
    from vitalitybot.patterns import Pattern, load_library
    from vitalitybot.patterns.search import PatternIndex

    patterns: list[Pattern] = list(load_library(directory, cache=cache).patterns.values())
    index = PatternIndex(patterns)
    for query, _ in query_mix(patterns, 50, SEED + 1):  # warm-up, not measured
        index.search(query)
    latencies: list[float] = []
    typo_hits = typo_total = 0
    for query, expected in query_mix(patterns, QUERIES, SEED):
        started = time.perf_counter()
        matches = index.search(query)
        latencies.append((time.perf_counter() - started) * 1000)
        if expected is not None:
            typo_total += 1
            typo_hits += bool(matches) and matches[0].slug == expected
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "p50_ms": cuts[49],
        "p99_ms": cuts[98],
        "typo_first": typo_hits / typo_total if typo_total else 0.0,
        "patterns": len(patterns),
    }


def query_mix(patterns: list[Any], count: int, seed: int) -> list[tuple[str, str | None]]:
    """A fixed mix of slugs, titles with typos, prefixes and aliases; each entry is (query,
    the slug a typo'd title was made from, else None)."""
    rng = random.Random(seed)
    ordered = sorted(patterns, key=lambda p: p.slug)
    aliased = [(p, a) for p in ordered for a in p.aliases]
    mix: list[tuple[str, str | None]] = []
    for n in range(count):
        pattern = rng.choice(ordered)
        kind = n % 4
        if kind == 0:
            mix.append((pattern.slug, None))
        elif kind == 1:
            mix.append((typo(pattern.title, rng), pattern.slug))
        elif kind == 2:
            mix.append((pattern.title[: rng.randint(1, 8)].lower(), None))
        elif aliased:
            mix.append((rng.choice(aliased)[1], None))
        else:
            mix.append((pattern.title, None))
    rng.shuffle(mix)
    return mix


def typo(text: str, rng: random.Random) -> str:
    """One or two slips of the kind people make: a dropped, doubled or swapped letter."""
    chars = list(text)
    for _ in range(rng.choice((1, 2))):
        if len(chars) < 4:
            break
        i = rng.randrange(1, len(chars) - 1)
        slip = rng.choice(("drop", "double", "swap"))
        if slip == "drop":
            del chars[i]
        elif slip == "double":
            chars.insert(i, chars[i])
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def measure(kind: str, directory: Path, cache: Path | None) -> dict[str, Any]:
    if kind == "naive":
        return measure_naive(directory)
    assert cache is not None
    return measure_load(directory, cache) if kind == "load" else measure_search(directory, cache)


# -- the driver ----------------------------------------------------------------------------


def spawn(kind: str, directory: Path, cache: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(directory)]
    if cache is not None:
        command += ["--cache", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {kind} measurement failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--worker", choices=("naive", "load", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    directory: Path = args.dir
    if not directory.is_dir():
        print(
            f"No pattern corpus at {directory}. Pass a folder of pattern files, or put the "
            "shared corpus at ../shared/corpus/commons-os-patterns beside the project.",
            file=sys.stderr,
        )
        return 2
    if args.worker:
        print(json.dumps(measure(args.worker, directory, args.cache)))
        return 0

    runs: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="vitalitybot-bench-") as tmp:
        caches = [Path(tmp) / f"cold-{n}.cache" for n in (1, 2)]
        runs.append(("naive #1", spawn("naive", directory)))
        for number, cache in enumerate(caches, start=1):
            runs.append((f"cold #{number}", spawn("load", directory, cache)))
            runs.append((f"warm #{number}", spawn("load", directory, cache)))
        runs.append(("naive #2", spawn("naive", directory)))
        search = spawn("search", directory, caches[-1])

    print(f"corpus: {directory}")
    print(f"{'run':<10} {'wall s':>8} {'CPU s':>8} {'files':>6} {'problems':>9}")
    for name, r in runs:
        print(
            f"{name:<10} {r['seconds']:>8.3f} {r['cpu']:>8.3f} {r['files']:>6} {r['problems']:>9}"
        )

    def best(prefix: str, measure: str = "seconds") -> float:
        return min(float(r[measure]) for name, r in runs if name.startswith(prefix))

    naive, cold, warm = best("naive"), best("cold"), best("warm")
    cpu_cold_vs_naive = best("cold", "cpu") / best("naive", "cpu")
    cold_vs_naive, warm_speedup, p99 = cold / naive, naive / warm, float(search["p99_ms"])
    print(f"\nbest naive {naive:.3f} s · best cold {cold:.3f} s · best warm {warm:.3f} s")
    print(f"CPU time: best cold / best naive = {cpu_cold_vs_naive:.3f}")
    print(
        f"search over {search['patterns']} patterns, {QUERIES} queries: p50 "
        f"{search['p50_ms']:.3f} ms, p99 {p99:.3f} ms; typo'd titles found first "
        f"{search['typo_first']:.0%}"
    )
    misses = [
        name
        for name, met in (
            ("cold_vs_naive", cold_vs_naive <= MAX_COLD_VS_NAIVE),
            ("warm_speedup", warm_speedup >= MIN_WARM_SPEEDUP),
            ("search_p99_ms", p99 < MAX_SEARCH_P99_MS),
        )
        if not met
    ]
    print("floors: " + ("all met" if not misses else "missed: " + ", ".join(misses)))
    print(
        f"cold_vs_naive={cold_vs_naive:.3f} warm_speedup={warm_speedup:.1f} "
        f"search_p99_ms={p99:.3f} cpu_cold_vs_naive={cpu_cold_vs_naive:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
