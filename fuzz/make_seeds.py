#!/usr/bin/env python3
"""Build the seed corpus of every fuzz target from the project's fixtures.

    python3 fuzz/make_seeds.py            # from the repository root

Writes fuzz/corpus/<target>/<sha1 of content>, one input per file (existing
files are kept, so it can be re-run over a corpus the fuzzer has grown):

- ingest_{invoices,tickets,meetings,clients}: whole CSV files of that kind
  from fixtures/{demo,small,bad,exports,adversarial};
- scan: the same files, each behind the two bytes that choose the
  delimiter, the reading of bad bytes and the size of reads;
- money, date, duration: distinct cell values of the amount, date and
  duration columns of those CSVs, plus the literals of the parsers' unit
  tests (src/ingest/{money,date,duration}.rs);
- headers: each file's first rows (header candidates), as the `headers`
  target reads them: one comma-separated row, then `field=header` lines;
- render_text: hostile texts (escape sequences, bidirectional marks,
  markup), as the escaping functions take them.

Then minimise with `cargo fuzz cmin` (see fuzz/README.md).
"""

import csv
import hashlib
import io
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
FIXTURES = [
    ROOT / "fixtures" / d
    for d in ("demo", "small", "bad", "exports", "adversarial/hostile-text")
]
# Texts that must never reach a terminal, markdown or HTML raw: escape
# sequences (colours, an OSC 8 link, a window title, C1 CSI), bidirectional
# overrides and isolates, markdown and HTML markup, entities.
HOSTILE_TEXTS = [
    "\x1b]8;;http://evil.example\x1b\\INV-1\x1b]8;;\x1b\\",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;pwned\x07\x1b[2J",
    "\u009b31m",
    "Acme \u202eproC",
    "a\u2066b\u2069\u200f\u061c",
    "line\u2028break\u2029",
    "Pipe | Co <script>alert(1)</script>",
    "Amp &amp; &lt;b&gt; Co",
    "=HYPERLINK(\"http://evil.example\")",
    "\\|\\\\|`*_[x](y)",
]
# Whole files only: quotes never closed, damaged bytes, odd layouts.
WHOLE_FILES_ONLY = [ROOT / "fixtures" / "adversarial"]
PER_PARSER = 400  # at most this many values per parser target

# Files whose name says no kind (their kind comes from the header).
KIND_BY_NAME = {
    "billing-export.csv": "invoices",
    "calendar-export.csv": "meetings",
    "helpdesk-export.csv": "tickets",
    "calendly_events.csv": "meetings",
    "jira_issues.csv": "tickets",
    "quickbooks_ar_aging_detail.csv": "invoices",
    "export.csv": "invoices",
    "notes.csv": "meetings",
}


def kind_of(path: Path) -> str:
    name = path.name.lower()
    named = [k for k, w in (("invoices", "invoice"), ("tickets", "ticket"), ("meetings", "meeting")) if w in name]
    if len(named) == 1:
        return named[0]
    if not named and "client" in name:
        return "clients"
    return KIND_BY_NAME.get(path.name, "invoices")


def normalize(header: str) -> str:
    return "".join(c for c in header.lstrip("\ufeff").lower() if c.isalnum())


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def rows_of(text: str):
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


MONEY = re.compile(r"amount|total|balance|price|tax|discount|betrag|payments|outstanding|remaining|rate")
DATE = re.compile(r"date|time|created|resolved|closed|solved|issued|due|paidat|paidon|start|end|when|scheduled|opened|updated|submitted|datum|bezahlt|fllig|flligam|paid$")
MINUTES = re.compile(r"minutes|min\b|spent|tracked|worked|duration|length|handletime|sec")


def column_class(header: str):
    n = normalize(header)
    classes = set()
    if MINUTES.search(n):
        classes.add("duration")
    if DATE.search(n) and not re.search(r"percent|attendee|email|spent|tracked", n):
        classes.add("date")
    if MONEY.search(n) and not re.search(r"date|time|percent|type|code", n):
        classes.add("money")
    return classes


def test_literals(path: Path):
    """String literals in the unit-test module of a parser."""
    source = path.read_text(encoding="utf-8")
    tests = source.split("#[cfg(test)]", 1)[-1]
    for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', tests):
        try:
            yield literal.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        except (UnicodeDecodeError, UnicodeEncodeError):
            yield literal


def write(target: str, data: bytes):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    values = {"money": set(), "date": set(), "duration": set(), "headers": set()}
    for path in sorted(p for d in WHOLE_FILES_ONLY for p in d.rglob("*.csv") if p.is_file()):
        raw = path.read_bytes()
        write(f"ingest_{kind_of(path)}", raw)
        write("scan", bytes([0, 15]) + raw)
        write("scan", bytes([4, 0]) + raw)
    csvs = sorted(p for d in FIXTURES for p in d.rglob("*.csv") if p.is_file())
    for path in csvs:
        raw = path.read_bytes()
        write(f"ingest_{kind_of(path)}", raw)
        # The first two bytes: delimiter ',' (';' for a file that uses it)
        # and bad bytes ending their row, reads of 16 bytes.
        write("scan", bytes([4 | (1 if raw.count(b";") > raw.count(b",") else 0), 15]) + raw)
        rows = rows_of(decode(raw))
        if not rows:
            continue
        header_index = next((i for i, r in enumerate(rows) if sum(bool(c.strip()) for c in r) >= 2), 0)
        for row in rows[: header_index + 1]:
            if any(cell.strip() for cell in row):
                values["headers"].add(",".join(row))
        header = rows[header_index]
        classes = [column_class(h) for h in header]
        for row in rows[header_index + 1 :]:
            for cell, kinds in zip(row, classes):
                if not cell.strip():
                    continue
                for kind in kinds:
                    values[kind].add(cell)
    for target, source in (("money", "money.rs"), ("date", "date.rs"), ("duration", "duration.rs")):
        values[target].update(t for t in test_literals(ROOT / "src" / "ingest" / source) if t and len(t) < 64)
    # A mapping example for the headers target.
    values["headers"].add("Kunde;Betrag,Datum,Nr\nclient=Kunde\namount=Betrag\nissued=Datum\ninvoice_id=Nr")
    values["headers"].add("Org,Opened,Spent\nclient=Org\ncreated=Opened\nminutes=Spent\nnosuchfield=Spent")
    rng = random.Random(1)
    for target, found in values.items():
        # Keep the value shapes varied: at most 3 values per shape (digits
        # counted as one), then a deterministic sample.
        per_shape = {}
        for value in sorted(found):
            per_shape.setdefault(re.sub(r"[0-9]", "9", value), []).append(value)
        found = sorted(v for shape in per_shape.values() for v in shape[:3])
        if len(found) > PER_PARSER:
            found = sorted(rng.sample(found, PER_PARSER))
        for value in found:
            write(target, value.encode("utf-8"))
    for text in HOSTILE_TEXTS:
        write("render_text", text.encode("utf-8"))
    for directory in sorted(CORPUS.iterdir()):
        files = list(directory.iterdir())
        print(f"{directory.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
