#!/usr/bin/env python3
"""Run the core per-client job of bench/duckdb_core.sql in DuckDB on one
generated data set, writing its rows as a JSON array.

    python3 bench/duckdb_core.py DIR OUTPUT.json [THREADS]

DIR holds invoices.csv, and tickets.csv and meetings.csv when the set has
them, as `cargo run --release --example generate` writes them in either
shape; its clientfit.toml gives as-of, the base currency and the [fx] rates.
When DIR also holds time_entries.csv (the `time` set), bench/duckdb_time.sql
sums it per client too, with the rates of the toml's [rates] cost_hourly,
[rates.people] and [rates.roles], and each row gets its hours,
billable_hours, labour_cost, billable_value and entries_without_rate (an
entry without any rate is an error, as in clientfit); the labour cost is
then the delivery cost, in cost_to_serve and profit, and the support and
meeting costs are 0 (the timesheet covers that work).
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
    "project": "VARCHAR",
    "person": "VARCHAR",
    "role": "VARCHAR",
    "hours": "DECIMAL(18, 2)",
    "billable": "VARCHAR",
    "cost_rate": "DECIMAL(18, 2)",
    "bill_rate": "DECIMAL(18, 2)",
}

# The columns the query reads, for a file that lacks an optional one.
EXPECTED = {
    "invoices": ["client", "issued", "due", "paid", "amount", "paid_amount", "currency", "status"],
    "tickets": ["client", "created", "minutes", "type", "tags"],
    "meetings": ["client", "date", "minutes", "status", "attendees"],
}
TIME_ENTRIES = ["client", "date", "person", "role", "hours", "billable", "cost_rate", "bill_rate"]


def quoted(text):
    return "'" + str(text).replace("'", "''") + "'"


def relation(directory, kind, expected):
    """A view over DIR/KIND.csv with every column typed; the `expected`
    columns it lacks are NULL, and a missing file is an empty relation."""
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
        for name in expected
    )
    return f"CREATE OR REPLACE TEMP VIEW {kind} AS SELECT {fields} FROM {source}"


def rate_table(con, name, key, rates):
    """A table (KEY, rate) of the [rates.*] table `rates`."""
    con.execute(f"CREATE TEMP TABLE {name} ({key} VARCHAR, rate DECIMAL(18, 2))")
    if rates:
        con.execute(
            f"INSERT INTO {name} VALUES "
            + ", ".join(f"({quoted(who)}, {quoted(rate)})" for who, rate in rates.items())
        )


def time_sums(con, directory, settings):
    """bench/duckdb_time.sql over DIR/time_entries.csv, its sums joined to
    `core_report` (zero hours for a client with no entries)."""
    rates = settings.get("rates", {})
    rate_table(con, "people_rates", "person", rates.get("people", {}))
    rate_table(con, "role_rates", "role", rates.get("roles", {}))
    hourly = rates.get("cost_hourly")
    hourly = "NULL" if hourly is None else quoted(hourly)
    con.execute(f"SET VARIABLE cost_hourly = CAST({hourly} AS DECIMAL(18, 2))")
    con.execute(relation(directory, "time_entries", TIME_ENTRIES))
    con.execute((BENCH / "duckdb_time.sql").read_text())
    unrated = con.execute("SELECT sum(entries_without_rate) FROM time_report").fetchone()[0]
    if unrated:
        sys.exit(f"{directory / 'time_entries.csv'}: {unrated} entries have no cost rate: "
                 "give [rates] cost_hourly, or their people or roles a rate")
    # With a timesheet the cost of the work is its labour cost, and the
    # timesheet covers support and meetings (clientfit's default `[time]
    # covers`): their costs are in the labour cost, not counted again.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE core_report AS
        WITH joined AS (
          SELECT coalesce(c.client, t.client) AS client,
            c.* EXCLUDE (client, support_cost, meeting_cost, no_show_cost, cost_to_serve, profit),
            coalesce(t.hours, 0) AS hours,
            coalesce(t.billable_hours, 0) AS billable_hours,
            coalesce(t.labour_cost, 0) AS labour_cost,
            t.billable_value,
            coalesce(t.entries_without_rate, 0) AS entries_without_rate
          FROM core_report c FULL JOIN time_report t ON t.client = c.client
        )
        SELECT *,
          0 AS support_cost, 0 AS meeting_cost, 0 AS no_show_cost,
          labour_cost AS delivery_cost,
          coalesce(collection_cost, 0) + labour_cost AS cost_to_serve,
          coalesce(revenue, 0) - (coalesce(collection_cost, 0) + labour_cost) AS profit
        FROM joined
        ORDER BY client"""
    )


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
    for kind, expected in EXPECTED.items():
        con.execute(relation(directory, kind, expected))
    con.execute((BENCH / "duckdb_core.sql").read_text())
    if (directory / "time_entries.csv").exists():
        time_sums(con, directory, settings)
    con.execute(f"COPY core_report TO {quoted(output)} (FORMAT json, ARRAY true)")


if __name__ == "__main__":
    main()
