"""How fast the pattern library loads and answers searches, against a naive baseline.

Usage: python benchmarks/load_patterns.py [DIR]
(DIR defaults to ../shared/corpus/commons-os-patterns beside the project.)

Every measurement runs in a fresh Python process, so one run's imports, caches and
memory cannot help or hurt the next, and the peak RSS reported is that of the process
that did the load (not of this script's bookkeeping). Only the work itself is timed,
not interpreter start-up or imports. The order is naive, cold, warm, cold, warm, naive:
the baseline runs both first (when the OS file cache may still be cold) and last (when
it is certainly warm), and the best of each kind is compared.

The last line is machine-readable:
    cold_vs_naive=R warm_speedup=S search_p99_ms=M peak_rss_mb=P
R = best cold load / best naive loop (<= 1.0 wanted), S = best naive / best warm load
(>= 20 wanted), M = 99th-percentile search latency, P = the largest peak RSS of any
single process of ours: a loading or searching process, or one of the workers a
parallel load forks. Forked workers share pages with their parent copy-on-write, so
the peaks are not added up; the table shows the parent's and the largest worker's.
Wall time is what the floors compare; CPU time is printed beside it, because a parallel
load can beat the single-process baseline on wall time while spending more CPU.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
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
FLOORS = {"cold_vs_naive": 1.0, "warm_speedup": 20.0, "search_p99_ms": 2.0, "peak_rss_mb": 300.0}


# -- workers: each runs in its own process and prints one JSON line ------------------------


def _peak_rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest finished child, in MB."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return own, children


def _cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (a parallel load's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def work_naive(directory: Path) -> dict[str, Any]:
    import frontmatter

    paths = sorted(directory.glob("*.md"))
    cpu = _cpu_seconds()
    started = time.perf_counter()
    loaded = failed = 0
    for path in paths:
        try:
            frontmatter.load(path)
            loaded += 1
        except Exception:  # the baseline only counts; the broken files raise YAML errors
            failed += 1
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "files": len(paths),
        "loaded": loaded,
        "problems": failed,
    }


def work_load(directory: Path, cache: Path) -> dict[str, Any]:
    from vitalitybot.patterns import load_library

    cpu = _cpu_seconds()
    started = time.perf_counter()
    library = load_library(directory, cache=cache)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "files": library.files,
        "loaded": len(library.patterns),
        "problems": len(library.problems),
    }


def work_search(directory: Path, cache: Path) -> dict[str, Any]:
    from vitalitybot.patterns import load_library
    from vitalitybot.patterns.search import PatternIndex

    patterns = list(load_library(directory, cache=cache).patterns.values())
    started = time.perf_counter()
    index = PatternIndex(patterns)
    build_ms = (time.perf_counter() - started) * 1000
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
    latencies.sort()
    return {
        "build_ms": build_ms,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1],
        "typo_first": typo_hits / typo_total if typo_total else 0.0,
        "patterns": len(patterns),
    }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def query_mix(patterns: list[Any], count: int, seed: int) -> list[tuple[str, str | None]]:
    """A deterministic mix: slugs, titles with typos, prefixes, aliases.

    Each entry is (query, slug the query was made from when it is a typo'd title, else None)
    so the benchmark can also report how often a typo still finds its pattern first.
    """
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


def run_worker(kind: str, directory: Path, cache: Path | None) -> None:
    if kind == "naive":
        result = work_naive(directory)
    elif kind == "load":
        assert cache is not None
        result = work_load(directory, cache)
    else:
        assert cache is not None
        result = work_search(directory, cache)
    result["rss_self_mb"], result["rss_children_mb"] = _peak_rss_mb()
    print(json.dumps(result))


# -- the driver ----------------------------------------------------------------------------


def spawn(kind: str, directory: Path, cache: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(directory)]
    if cache is not None:
        command += ["--cache", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {kind} worker failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rss(result: dict[str, Any]) -> float:
    return max(float(result["rss_self_mb"]), float(result["rss_children_mb"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
        run_worker(args.worker, directory, args.cache)
        return 0

    runs: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="vitalitybot-bench-") as tmp:
        caches = [Path(tmp) / f"cold-{n}" / "patterns.cache" for n in (1, 2)]
        for cache in caches:
            cache.parent.mkdir()
        runs.append(("naive #1", spawn("naive", directory)))
        runs.append(("cold #1", spawn("load", directory, caches[0])))
        runs.append(("warm #1", spawn("load", directory, caches[0])))
        runs.append(("cold #2", spawn("load", directory, caches[1])))
        runs.append(("warm #2", spawn("load", directory, caches[1])))
        runs.append(("naive #2", spawn("naive", directory)))
        search = spawn("search", directory, caches[1])

    print(f"corpus: {directory}")
    print(
        f"{'run':<10} {'wall s':>8} {'CPU s':>7} {'files':>6} {'loaded':>7} {'problems':>9}"
        f" {'RSS MB':>7} {'largest child RSS MB':>21}"
    )
    for name, result in runs:
        print(
            f"{name:<10} {result['seconds']:>8.3f} {result['cpu_seconds']:>7.2f}"
            f" {result['files']:>6} {result['loaded']:>7} {result['problems']:>9}"
            f" {result['rss_self_mb']:>7.1f} {result['rss_children_mb']:>21.1f}"
        )
    print("(CPU s includes worker processes; a parallel load can use more CPU than wall time.)")

    def best(prefix: str) -> float:
        return min(float(r["seconds"]) for name, r in runs if name.startswith(prefix))

    naive, cold, warm = best("naive"), best("cold"), best("warm")
    ours = [r for name, r in runs if not name.startswith("naive")] + [search]
    peak = max(rss(r) for r in ours)
    print()
    print(f"best naive {naive:.3f} s · best cold {cold:.3f} s · best warm {warm:.3f} s")
    print(
        f"search over {search['patterns']} patterns, {QUERIES} queries: index built in "
        f"{search['build_ms']:.1f} ms; p50 {search['p50_ms']:.3f} ms, p99 "
        f"{search['p99_ms']:.3f} ms, max {search['max_ms']:.3f} ms; typo'd titles found "
        f"first {search['typo_first']:.0%} (peak RSS {rss(search):.1f} MB)"
    )
    figures = {
        "cold_vs_naive": cold / naive,
        "warm_speedup": naive / warm,
        "search_p99_ms": search["p99_ms"],
        "peak_rss_mb": peak,
    }
    met = {
        "cold_vs_naive": figures["cold_vs_naive"] <= FLOORS["cold_vs_naive"],
        "warm_speedup": figures["warm_speedup"] >= FLOORS["warm_speedup"],
        "search_p99_ms": figures["search_p99_ms"] < FLOORS["search_p99_ms"],
        "peak_rss_mb": figures["peak_rss_mb"] < FLOORS["peak_rss_mb"],
    }
    misses = [name for name, ok in met.items() if not ok]
    print("floors: " + ("all met" if not misses else "missed: " + ", ".join(misses)))
    print(
        f"cold_vs_naive={figures['cold_vs_naive']:.3f} warm_speedup={figures['warm_speedup']:.1f}"
        f" search_p99_ms={figures['search_p99_ms']:.3f} peak_rss_mb={figures['peak_rss_mb']:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
