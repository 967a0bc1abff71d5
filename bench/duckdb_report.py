#!/usr/bin/env python3
"""The same per-client job as `clientfit report --format json`, written as
DuckDB SQL: what a technical user would write instead of using clientfit.

    python3 bench/duckdb_report.py DIR OUTPUT.json [THREADS]

DIR holds invoices.csv, tickets.csv and meetings.csv as written by
`cargo run --release --example generate`, and its clientfit.toml gives as-of
and the [fx] rates. Revenue, discounts, bad debt, payment behaviour
(invoices due, late invoices, amount-weighted days late), receivables aged
at as-of, tickets (count, minutes with the default for blanks, scope
changes, escalations, abuse), meetings (scheduled, attended, no-shows,
cancelled, the minutes behind their costs), cost to serve, profit and margin
per client, written as JSON.
"""
import sys
import tomllib
from pathlib import Path

import duckdb

directory = Path(sys.argv[1])
output = sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
settings = tomllib.loads((directory / "clientfit.toml").read_text())
as_of = settings["as_of"]
fx = settings.get("fx", {})
fx_case = "CASE currency " + " ".join(
    f"WHEN '{code}' THEN {rate}" for code, rate in fx.items()
) + " ELSE 1 END"

con = duckdb.connect()
con.execute(f"SET threads = {threads}")
sql = f"""
COPY (
WITH
inv AS (
  SELECT client, issued, due, paid,
         CAST(amount AS DECIMAL(18,2)) * {fx_case} AS amount,
         coalesce(CAST(discount AS DECIMAL(18,2)), 0) * {fx_case} AS discount,
         coalesce(lower(status), '') AS status
  FROM read_csv('{directory}/invoices.csv', header = true, all_varchar = false,
                types = {{'status': 'VARCHAR', 'discount': 'VARCHAR',
                          'amount': 'VARCHAR', 'paid': 'DATE'}})
  WHERE coalesce(lower(status), '') NOT IN ('void', 'draft')
),
inv_metrics AS (
  SELECT client,
    sum(CASE WHEN status = 'uncollectible' THEN 0 ELSE amount END) AS revenue,
    sum(discount) AS discounts,
    sum(CASE WHEN status = 'uncollectible' THEN amount ELSE 0 END) AS bad_debt,
    count(*) FILTER (WHERE amount > 0 AND due <= DATE '{as_of}'
                     AND status <> 'uncollectible') AS invoices_due,
    count(*) FILTER (WHERE amount > 0 AND due <= DATE '{as_of}'
                     AND status <> 'uncollectible'
                     AND coalesce(least(paid, DATE '{as_of}' + 1), DATE '{as_of}') > due
                     AND NOT (paid IS NULL AND due = DATE '{as_of}')) AS late_invoices,
    sum(CASE WHEN amount > 0 AND due <= DATE '{as_of}' AND status <> 'uncollectible'
             THEN amount * greatest(0, date_diff('day', due,
                    CASE WHEN paid IS NULL OR paid > DATE '{as_of}' THEN DATE '{as_of}' ELSE paid END))
             ELSE 0 END)
      / nullif(sum(amount) FILTER (WHERE amount > 0 AND due <= DATE '{as_of}'
                                   AND status <> 'uncollectible'), 0) AS avg_days_late,
    sum(amount) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                        AND (paid IS NULL OR paid > DATE '{as_of}')) AS outstanding,
    sum(amount) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                        AND (paid IS NULL OR paid > DATE '{as_of}')
                        AND due >= DATE '{as_of}') AS current,
    sum(amount) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                        AND (paid IS NULL OR paid > DATE '{as_of}')
                        AND date_diff('day', due, DATE '{as_of}') BETWEEN 1 AND 30) AS d1_30,
    sum(amount) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                        AND (paid IS NULL OR paid > DATE '{as_of}')
                        AND date_diff('day', due, DATE '{as_of}') BETWEEN 31 AND 60) AS d31_60,
    sum(amount) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                        AND (paid IS NULL OR paid > DATE '{as_of}')
                        AND date_diff('day', due, DATE '{as_of}') BETWEEN 61 AND 90) AS d61_90,
    sum(amount) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                        AND (paid IS NULL OR paid > DATE '{as_of}')
                        AND date_diff('day', due, DATE '{as_of}') > 90) AS d90_plus
  FROM inv GROUP BY client
),
tick AS (
  SELECT client,
    count(*) AS tickets,
    sum(coalesce(minutes, {settings.get('default_ticket_minutes', 20)})) AS ticket_minutes,
    count(*) FILTER (WHERE lower(type) LIKE '%change%' OR tags LIKE '%change_request%') AS scope_changes,
    count(*) FILTER (WHERE tags LIKE '%escalated%') AS escalations,
    count(*) FILTER (WHERE tags LIKE '%abusive%') AS abusive_tickets
  FROM read_csv('{directory}/tickets.csv', header = true,
                types = {{'minutes': 'INTEGER', 'tags': 'VARCHAR'}})
  WHERE CAST(created AS DATE) <= DATE '{as_of}'
  GROUP BY client
),
meet AS (
  SELECT client,
    count(*) FILTER (WHERE status <> 'cancelled') AS scheduled,
    count(*) FILTER (WHERE status = 'attended') AS attended,
    count(*) FILTER (WHERE status = 'no-show') AS no_shows,
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
    sum(minutes * attendees) FILTER (WHERE status = 'attended') AS attended_person_minutes,
    sum(minutes * attendees) FILTER (WHERE status = 'no-show') AS no_show_person_minutes
  FROM read_csv('{directory}/meetings.csv', header = true)
  WHERE CAST(date AS DATE) <= DATE '{as_of}'
  GROUP BY client
),
joined AS (
  SELECT coalesce(i.client, t.client, m.client) AS client, i.*, t.* EXCLUDE (client), m.* EXCLUDE (client)
  FROM inv_metrics i
  FULL JOIN tick t ON t.client = i.client
  FULL JOIN meet m ON m.client = coalesce(i.client, t.client)
)
SELECT *,
  coalesce(ticket_minutes, 0) / 60 * 60 AS support_cost,
  coalesce(attended_person_minutes, 0) / 60 * 90 AS meeting_cost,
  coalesce(no_show_person_minutes, 0) / 60 * 90 AS no_show_cost,
  coalesce(late_invoices, 0) * 15 AS collection_cost,
  coalesce(revenue, 0) - (coalesce(ticket_minutes, 0) + 1.5 * coalesce(attended_person_minutes, 0)
    + 1.5 * coalesce(no_show_person_minutes, 0)) - coalesce(late_invoices, 0) * 15 AS profit,
  CASE WHEN revenue > 0 THEN (revenue - (coalesce(ticket_minutes, 0) + 1.5 * coalesce(attended_person_minutes, 0)
    + 1.5 * coalesce(no_show_person_minutes, 0)) - coalesce(late_invoices, 0) * 15) / revenue END AS margin,
  no_shows / nullif(attended + no_shows, 0) AS no_show_rate
FROM joined
ORDER BY client
) TO '{output}' (FORMAT json, ARRAY true)
"""
con.execute(sql)
