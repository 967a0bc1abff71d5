#!/usr/bin/env python3
"""Check that bench/duckdb_core.sql does clientfit's job: run both on one
data set and compare every client's core figures and the portfolio totals.

    python3 bench/crosscheck.py DIR [CLIENTFIT]

CLIENTFIT defaults to target/release/clientfit. Money must agree to the
cent (DuckDB's exact sums rounded half to even, as clientfit rounds), counts
exactly, the amount-weighted days late to clientfit's one decimal. Prints
the totals and exits 1 on the first difference. Use it on a small set (the
generator's CLIENTS INVOICES TICKETS MEETINGS form) after changing the SQL
or the generator: a ratio is only worth reading when both do the same job.

On a set with a timesheet (the generator's `time CLIENTS INVOICES ENTRIES`
form) it also compares each client's hours and billable hours (exact to the
hundredth), labour_cost, delivery_cost and billable_value (to the cent),
realisation (revenue / billable value, within half of clientfit's fourth
place), and the sums of hours and labour cost.
"""
import json
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONEY = ["revenue", "overdue", "support_cost", "meeting_cost", "no_show_cost",
         "collection_cost", "cost_to_serve", "profit"]
COUNTS = ["late_invoices", "tickets", "ticket_minutes", "scope_changes", "scheduled",
          "attended", "no_shows"]
# With a timesheet (bench/duckdb_time.sql): hours to the hundredth, money to the cent.
TIME_HOURS = ["hours", "billable_hours"]
TIME_MONEY = ["labour_cost", "delivery_cost"]


def cents(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def billing(name, client, row):
    """The billable value (to the cent; null for a client without entries)
    and realisation = revenue / billable value (to clientfit's four places,
    within half a unit of the last)."""
    value, duck_value = client["billable_value"], row["billable_value"]
    if (value is None) != (duck_value is None) or (
        value is not None and cents(value) != cents(duck_value)
    ):
        return [f"{name} billable_value: clientfit {value}, DuckDB {duck_value}"]
    realisation = client["realisation"]
    duck = Decimal(row["revenue"]) / Decimal(duck_value) if duck_value else None
    # clientfit's ratios are floating point rounded to four places: a
    # quotient on a midpoint may land on either side.
    if (realisation is None) != (duck is None) or (
        realisation is not None and abs(Decimal(realisation) - duck) > Decimal("0.00005")
    ):
        return [f"{name} realisation: clientfit {realisation}, DuckDB {duck}"]
    return []


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    directory = Path(sys.argv[1])
    clientfit = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "target" / "release" / "clientfit")
    report = json.loads(
        subprocess.run([clientfit, "report", str(directory), "--format", "json"],
                       check=True, capture_output=True, text=True).stdout,
        parse_float=Decimal,
    )
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "duckdb.json"
        subprocess.run([sys.executable, str(ROOT / "bench" / "duckdb_core.py"), str(directory),
                        str(output)], check=True)
        rows = json.loads(output.read_text(), parse_float=Decimal)

    ours = {client["client"]: client for client in report["clients"]}
    theirs = {row["client"]: row for row in rows}
    if ours.keys() != theirs.keys():
        sys.exit(f"clients differ: {len(ours)} in clientfit, {len(theirs)} in DuckDB; "
                 f"only in one: {sorted(ours.keys() ^ theirs.keys())[:5]}")
    timesheet = bool(rows) and "labour_cost" in rows[0]
    money = MONEY + TIME_MONEY if timesheet else MONEY
    problems = []
    for name, client in ours.items():
        row = theirs[name]
        for field in TIME_HOURS if timesheet else []:
            # clientfit leaves billable hours unknown (null) for a client
            # with no entries; DuckDB sums them to 0.
            if client[field] is None and Decimal(row["hours"]) == 0:
                continue
            if client[field] is None or cents(client[field]) != cents(row[field]):
                problems.append(f"{name} {field}: clientfit {client[field]}, DuckDB {row[field]}")
        for field in money:
            if cents(client[field]) != cents(row[field]):
                problems.append(f"{name} {field}: clientfit {client[field]}, DuckDB {row[field]}")
        for field in COUNTS:
            if Decimal(client[field]) != Decimal(row[field]):
                problems.append(f"{name} {field}: clientfit {client[field]}, DuckDB {row[field]}")
        if timesheet:
            problems += billing(name, client, row)
        late, duck_late = client["avg_days_late"], row["avg_days_late"]
        if (late is None) != (duck_late is None) or (
            late is not None and abs(Decimal(late) - Decimal(duck_late)) > Decimal("0.051")
        ):
            problems.append(f"{name} avg_days_late: clientfit {late}, DuckDB {duck_late}")

    portfolio = report["portfolio"]
    print(f"{directory}: {len(ours):,} clients")
    totals = ["revenue", "cost_to_serve", "profit", "overdue", "tickets"]
    for field in totals + (["hours", "labour_cost"] if timesheet else []):
        total = sum(Decimal(row[field]) for row in rows)
        total = cents(total) if field != "tickets" else total
        if field not in portfolio:
            print(f"  {field:<14} (not in clientfit's portfolio)   DuckDB {total:>18}")
            continue
        mark = "ok" if Decimal(portfolio[field]) == total else "DIFFERENT"
        print(f"  {field:<14} clientfit {portfolio[field]:>18}   DuckDB {total:>18}   {mark}")
        if mark != "ok":
            problems.append(f"portfolio {field}: clientfit {portfolio[field]}, DuckDB {total}")
    if problems:
        print(f"{len(problems)} differences, the first ones:")
        print("\n".join(f"  {problem}" for problem in problems[:20]))
        sys.exit(1)
    print("  every client's figures agree")


if __name__ == "__main__":
    main()
