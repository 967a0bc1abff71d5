#!/usr/bin/env python3
"""Time `clientfit report --format json` on generated data sets, side by side
with the same job in DuckDB when its Python package is installed.

    python3 bench/run.py                 # SMALL and LARGE, 5 runs each
    python3 bench/run.py small --runs 9
    python3 bench/run.py --scaling       # SMALL's clients with 1x 2x 4x 8x rows

Data sets are generated once (seeded, so identical on every machine) under
bench/data/, which git ignores; LARGE takes 1.1 GB there. Each program runs
once to warm the page cache, then --runs times under `/usr/bin/time -v`; the
median wall time and peak RSS are reported with their min-max, and the
ratio of clientfit to DuckDB in the same invocation (the figure that counts:
absolute times vary between machines). The two are run in turn, one run of
each at a time, so that a machine busier for a while weighs on both.
"""
import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
CLIENTFIT = ROOT / "target" / "release" / "clientfit"
GENERATE = ROOT / "target" / "release" / "examples" / "generate"


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "clientfit", "--example", "generate"],
        cwd=ROOT,
        check=True,
    )


def dataset(name, factor=1):
    directory = DATA / (name if factor == 1 else f"{name}-x{factor}")
    if not (directory / "clientfit.toml").exists():
        print(f"generating {directory.relative_to(ROOT)} ...", file=sys.stderr)
        subprocess.run(
            [str(GENERATE), name, str(directory), "--rows-times", str(factor)], check=True
        )
    return directory


def measure(command):
    """One run under /usr/bin/time -v: (wall seconds, peak RSS in MiB)."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    hours, minutes, seconds = wall.groups()
    seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return seconds, int(rss.group(1)) / 1024


def series(command, runs):
    measure(command)  # warm the page cache
    return summary([measure(command) for _ in range(runs)])


def interleaved(commands, runs):
    """`series` of several commands run in turn (one run of each, then
    again), so that a machine busier for a while slows them alike and the
    ratio between them holds."""
    for command in commands:
        measure(command)  # warm the page cache
    samples = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, samples):
            taken.append(measure(command))
    return [summary(taken) for taken in samples]


def summary(samples):
    walls = [w for w, _ in samples]
    rsss = [r for _, r in samples]
    return {
        "wall": statistics.median(walls),
        "wall_range": (min(walls), max(walls)),
        "rss": statistics.median(rsss),
        "rss_range": (min(rsss), max(rsss)),
    }


def show(label, figures):
    low, high = figures["wall_range"]
    rlow, rhigh = figures["rss_range"]
    print(
        f"  {label:<9} wall {figures['wall']:7.3f} s ({low:.3f}-{high:.3f})"
        f"   peak RSS {figures['rss']:7.1f} MiB ({rlow:.1f}-{rhigh:.1f})"
    )


def size_of(directory):
    return sum(f.stat().st_size for f in directory.glob("*.csv")) / 1e6


def compare(name, runs, output):
    directory = dataset(name)
    print(f"{name.upper()}: {directory.relative_to(ROOT)} ({size_of(directory):,.0f} MB of CSV)")
    clientfit = [str(CLIENTFIT), "report", str(directory), "--format", "json"]
    if importlib.util.find_spec("duckdb") is None:
        show("clientfit", series(clientfit, runs))
        print("  duckdb    (not installed: pip install duckdb to compare)")
        return
    duckdb = [sys.executable, str(ROOT / "bench" / "duckdb_report.py"), str(directory), output]
    ours, duck = interleaved([clientfit, duckdb], runs)
    show("clientfit", ours)
    show("duckdb", duck)
    print(
        f"  ratio     wall {ours['wall'] / duck['wall']:.3f} x DuckDB,"
        f" peak RSS {ours['rss'] / duck['rss']:.3f} x DuckDB"
    )


def activity_dataset(factor):
    """SMALL's clients and invoices with `factor` times its tickets and meetings."""
    directory = DATA / f"small-activity-x{factor}"
    if not (directory / "clientfit.toml").exists():
        print(f"generating {directory.relative_to(ROOT)} ...", file=sys.stderr)
        subprocess.run(
            [str(GENERATE), "1000", "50000", str(100_000 * factor), str(20_000 * factor), str(directory)],
            check=True,
        )
    return directory


def scaling(runs):
    print("SMALL's 1,000 clients (clientfit report --format json, medians):")
    print("| rows | all rows x: CSV | wall | peak RSS | tickets and meetings x: CSV | wall | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for factor in (1, 2, 4, 8):
        cells = []
        for directory in (dataset("small", factor), activity_dataset(factor)):
            figures = series([str(CLIENTFIT), "report", str(directory), "--format", "json"], runs)
            cells += [f"{size_of(directory):,.0f} MB", f"{figures['wall']:.3f} s", f"{figures['rss']:.1f} MiB"]
        print(f"| {factor}x | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", help="small, medium and/or large (default: small large)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaling", action="store_true")
    args = parser.parse_args()
    build()
    DATA.mkdir(parents=True, exist_ok=True)
    output = str(DATA / "duckdb-output.json")
    print(f"{os.cpu_count()} cores; median of {args.runs} runs after one warm-up run")
    if args.scaling:
        scaling(args.runs)
        return
    for name in args.sets or ["small", "large"]:
        if name not in ("small", "medium", "large"):
            parser.error(f"unknown set {name!r}: small, medium or large")
        compare(name, args.runs, output)


if __name__ == "__main__":
    main()
