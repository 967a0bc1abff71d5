#!/usr/bin/env python3
"""Time `clientfit report --format json` on generated data sets, side by side
with the same job in DuckDB when its Python package is installed
(`pip install duckdb`; without it only clientfit is timed).

    python3 bench/run.py                    # the three shapes, 5 runs each
    python3 bench/run.py realistic --runs 9
    python3 bench/run.py --threads-scaling  # also one reading thread against the default
    python3 bench/run.py --scaling          # SMALL's clients with 1x 2x 4x 8x rows

The sets, generated once (seeded, so identical on every machine) under
bench/data/, which git ignores:

    small      1k clients, 50k invoices, 100k tickets, 20k meetings (11 MB)
    medium     200 clients, 5k invoices, 10k tickets, 2k meetings (1 MB)
    large      100k clients, 5M invoices, 10M tickets, 2M meetings, the plain
               shape: no quoted cells, attendees as a number (1.1 GB)
    realistic  LARGE's sizes in the shape of real exports: quoted tag lists,
               attendee names, paid amounts, a status on every invoice (1.4 GB)
    tickets    one 820 MB tickets file of the realistic shape (100k clients,
               10M tickets) and 1,000 invoices
    time       LARGE's 100k clients with 500k invoices and a 10M-row
               timesheet (time_entries.csv: date, client, project, person,
               role, hours, billable, cost and bill rates; 800 MB), its
               clientfit.toml giving cost rates by person, role and hour
    time-1m    the same with 1M time entries: peak RSS against TIME's tells
               whether memory grows with the timesheet's rows

DuckDB runs bench/duckdb_core.sql (through bench/duckdb_core.py): the core
per-client job with DECIMAL money and typed columns, and on a set with a
timesheet bench/duckdb_time.sql too (hours, labour cost at the rates of the
set's config, billable value); `--full-job` runs
bench/duckdb_report.py instead on the plain sets (every metric of the report).
bench/crosscheck.py checks that the core SQL gives clientfit's figures.

Each program runs once to warm the page cache, then --runs times under
`/usr/bin/time -v`; the median wall time and peak RSS are reported with their
min-max, and the ratio of clientfit to DuckDB in the same invocation (the
figure that counts: absolute times vary between machines). The programs are
run in turn, one run of each at a time, so that a machine busier for a while
weighs on all of them. `--threads-scaling` adds clientfit with
CLIENTFIT_READING_THREADS=1 to the turn and prints how many times faster the
default (one reading thread per core) is. The load average is printed before
and after: figures taken under load are noise.
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


# Each set's arguments to the generator.
SETS = {
    "small": ["small"],
    "medium": ["medium"],
    "large": ["large"],
    "realistic": ["large", "--shape", "realistic"],
    "tickets": ["tickets-only", "--shape", "realistic"],
    "time": ["time"],
    "time-1m": ["time", "100000", "500000", "1000000"],
}
PLAIN = ("small", "medium", "large")


def dataset(name, factor=1):
    directory = DATA / (name if factor == 1 else f"{name}-x{factor}")
    if not (directory / "clientfit.toml").exists():
        print(f"generating {directory.relative_to(ROOT)} ...", file=sys.stderr)
        subprocess.run(
            [str(GENERATE), *SETS[name], str(directory), "--rows-times", str(factor)], check=True
        )
    return directory


def measure(command, env=None):
    """One run under /usr/bin/time -v: (wall seconds, peak RSS in MiB);
    `env` holds variables set for this run."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        env={**os.environ, **(env or {})},
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
    """`series` of several (command, env) pairs run in turn (one run of
    each, then again), so that a machine busier for a while slows them alike
    and the ratio between them holds."""
    for command, env in commands:
        measure(command, env)  # warm the page cache
    samples = [[] for _ in commands]
    for _ in range(runs):
        for (command, env), taken in zip(commands, samples):
            taken.append(measure(command, env))
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
        f"  {label:<12} wall {figures['wall']:7.3f} s ({low:.3f}-{high:.3f})"
        f"   peak RSS {figures['rss']:7.1f} MiB ({rlow:.1f}-{rhigh:.1f})"
    )


def size_of(directory):
    return sum(f.stat().st_size for f in directory.glob("*.csv")) / 1e6


def compare(name, runs, output, threads_scaling, full_job):
    directory = dataset(name)
    print(f"{name.upper()}: {directory.relative_to(ROOT)} ({size_of(directory):,.0f} MB of CSV)")
    clientfit = [str(CLIENTFIT), "report", str(directory), "--format", "json"]
    commands = [(clientfit, None)]
    if threads_scaling:
        commands.append((clientfit, {"CLIENTFIT_READING_THREADS": "1"}))
    duckdb = None
    if importlib.util.find_spec("duckdb") is None:
        print("  duckdb       (not installed: pip install duckdb to compare)")
    elif full_job and name not in PLAIN:
        print("  duckdb       (the full job reads only the plain shape: run without --full-job)")
    else:
        script = "duckdb_report.py" if full_job else "duckdb_core.py"
        duckdb = [sys.executable, str(ROOT / "bench" / script), str(directory), output]
        commands.append((duckdb, None))
    figures = interleaved(commands, runs)
    ours = figures[0]
    show("clientfit", ours)
    if threads_scaling:
        one = figures[1]
        show("1 reading", one)
    if duckdb:
        duck = figures[-1]
        show("duckdb", duck)
        print(
            f"  ratio        wall {ours['wall'] / duck['wall']:.3f} x DuckDB,"
            f" peak RSS {ours['rss'] / duck['rss']:.3f} x DuckDB"
        )
    if threads_scaling:
        print(f"  threads      default {one['wall'] / ours['wall']:.3f} x faster than one reading thread")


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
    parser.add_argument(
        "sets", nargs="*", help=f"{', '.join(SETS)} (default: large realistic tickets)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaling", action="store_true", help="SMALL with 1x 2x 4x 8x rows")
    parser.add_argument(
        "--threads-scaling",
        action="store_true",
        help="also time CLIENTFIT_READING_THREADS=1 and print the default's speed-up",
    )
    parser.add_argument(
        "--full-job",
        action="store_true",
        help="DuckDB runs bench/duckdb_report.py (plain sets only), not the core SQL",
    )
    args = parser.parse_args()
    build()
    DATA.mkdir(parents=True, exist_ok=True)
    output = str(DATA / "duckdb-output.json")
    for name in args.sets:
        if name not in SETS:
            parser.error(f"unknown set {name!r}: {', '.join(SETS)}")
    print(f"{os.cpu_count()} cores; median of {args.runs} runs after one warm-up run")
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    if args.scaling:
        scaling(args.runs)
    else:
        for name in args.sets or ["large", "realistic", "tickets"]:
            compare(name, args.runs, output, args.threads_scaling, args.full_job)
    print("load average %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
