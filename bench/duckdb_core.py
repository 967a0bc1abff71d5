#!/usr/bin/env python3
"""Run the core per-client job of bench/duckdb_core.sql in DuckDB on one
generated data set, writing its rows as a JSON array.

    python3 bench/duckdb_core.py DIR OUTPUT.json [THREADS]

DIR holds invoices.csv and tickets.csv, and meetings.csv when the set has
meetings, as `cargo run --release --example generate` writes them in either
shape; its clientfit.toml gives as-of, the base currency and the [fx] rates.
Each CSV is read with every column's type given (nothing sniffed): the type
of each header the generator writes is listed in COLUMN_TYPES, and a header
not listed there is an error. Needs DuckDB's Python package
(`pip install duckdb`).
"""
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import duckdb

BENCH = Path(__file__).resolve().parent

# Money as DECIMAL, days as DATE, times as TIMESTAMP, everything else text
# (attendees are a number in one shape and names in the other).
COLUMN_TYPES = {
    "invoice_id": "VARCHAR",
    "ticket_id": "VARCHAR",
    "client": "VARCHAR",
    "issued": "DATE",
    "due": "DATE",
    "paid": "DATE",
    "amount": "DECIMAL(18, 2)",
    "paid_amount": "DECIMAL(18, 2)",
    "discount": "DECIMAL(18, 2)",
    "currency": "VARCHAR",
    "status": "VARCHAR",
    "created": "TIMESTAMP",
    "date": "TIMESTAMP",
    "minutes": "INTEGER",
    "type": "VARCHAR",
    "tags": "VARCHAR",
    "priority": "VARCHAR",
    "attendees": "VARCHAR",
}

# The columns the query reads, for a file that lacks an optional one.
EXPECTED = {
    "invoices": ["client", "issued", "due", "paid", "amount", "paid_amount", "currency", "status"],
    "tickets": ["client", "created", "minutes", "type", "tags"],
    "meetings": ["client", "date", "minutes", "status", "attendees"],
}


def quoted(text):
    return "'" + str(text).replace("'", "''") + "'"


def relation(directory, kind):
    """A view over DIR/KIND.csv with every column typed; the columns it
    lacks are NULL, and a missing file is an empty relation."""
    path = directory / f"{kind}.csv"
    if path.exists():
        with open(path, encoding="utf-8") as file:
            header = file.readline().rstrip("\r\n").split(",")
        unknown = [name for name in header if name not in COLUMN_TYPES]
        if unknown:
            sys.exit(f"{path}: no type for the columns {unknown} (add them to COLUMN_TYPES)")
        columns = ", ".join(f"{quoted(name)}: {quoted(COLUMN_TYPES[name])}" for name in header)
        source = f"read_csv({quoted(path)}, header = true, columns = {{{columns}}})"
        present = set(header)
    else:
        source, present = "(SELECT 1 WHERE false)", set()
    fields = ", ".join(
        name if name in present else f"CAST(NULL AS {COLUMN_TYPES[name]}) AS {name}"
        for name in EXPECTED[kind]
    )
    return f"CREATE OR REPLACE TEMP VIEW {kind} AS SELECT {fields} FROM {source}"


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    directory = Path(sys.argv[1]).resolve()
    output = sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else None
    settings = tomllib.loads((directory / "clientfit.toml").read_text(), parse_float=Decimal)
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    con.execute(f"SET VARIABLE as_of = DATE {quoted(settings['as_of'])}")
    rates = {settings.get("currency", "USD"): "1", **settings.get("fx", {})}
    con.execute("CREATE TEMP TABLE fx (currency VARCHAR, rate DECIMAL(18, 6))")
    con.execute(
        "INSERT INTO fx VALUES "
        + ", ".join(f"({quoted(code)}, {quoted(rate)})" for code, rate in rates.items())
    )
    for kind in EXPECTED:
        con.execute(relation(directory, kind))
    con.execute((BENCH / "duckdb_core.sql").read_text())
    con.execute(f"COPY core_report TO {quoted(output)} (FORMAT json, ARRAY true)")


if __name__ == "__main__":
    main()
