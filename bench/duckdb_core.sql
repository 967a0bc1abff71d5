-- The core per-client job in DuckDB SQL, as a careful user would write it
-- instead of running clientfit: money as DECIMAL (converted to the base
-- currency with exact rates), dates as DATE, and clientfit's rules for what
-- counts.
--
-- Expects the relations `invoices`, `tickets`, `meetings` and `fx`
-- (currency, rate) and the variable `as_of` (DATE); bench/duckdb_core.py
-- defines them over a data set's CSV files with explicit column types.
-- Leaves one row per client in the table `core_report`.
--
-- Per client: revenue (bad debt counts only what was paid of it), overdue
-- (what is owed at as-of past its due date), late invoices and the
-- amount-weighted days late, tickets, ticket minutes (a blank counts 20),
-- scope changes, meetings scheduled, attended and missed, their cost, and
-- profit.

-- Rates in the base currency, clientfit's defaults: 60 an hour of support,
-- 90 an hour of each of our people in a meeting, 15 for chasing a late
-- invoice. Kept per minute so that costs stay DECIMAL (DuckDB divides in
-- floating point).
SET VARIABLE support_per_minute = CAST(1.00 AS DECIMAL(18, 4));
SET VARIABLE meeting_per_minute = CAST(1.50 AS DECIMAL(18, 4));
SET VARIABLE late_invoice_cost = CAST(15.00 AS DECIMAL(18, 2));

CREATE OR REPLACE TEMP TABLE core_report AS
WITH
inv AS (
  SELECT client, issued, due, paid,
         lower(coalesce(status, '')) AS status,
         amount * rate AS amount,
         -- What had been paid by as-of: all of it when paid by then, none
         -- when paid later, else the paid amount, else all of a `paid` one.
         rate * CASE
           WHEN paid <= getvariable('as_of') THEN amount
           WHEN paid IS NOT NULL THEN 0
           WHEN paid_amount IS NOT NULL THEN paid_amount
           WHEN lower(status) = 'paid' THEN amount
           ELSE 0
         END AS paid_by
  FROM invoices JOIN fx USING (currency)
  WHERE lower(coalesce(status, ''))
          NOT IN ('void', 'voided', 'deleted', 'draft', 'cancelled', 'canceled')
    AND issued <= getvariable('as_of')
),
inv_owed AS (
  SELECT *,
    CASE WHEN paid <= getvariable('as_of') THEN 0
         ELSE greatest(amount - paid_by, 0) END AS owed,
    -- Days late of an invoice due by as-of; unknown (NULL) when nothing is
    -- owed and no paid date says when it was settled.
    CASE
      WHEN paid <= getvariable('as_of') THEN greatest(date_diff('day', due, paid), 0)
      WHEN paid IS NOT NULL OR amount > paid_by
        THEN greatest(date_diff('day', due, getvariable('as_of')), 0)
    END AS days_late
  FROM inv
),
inv_metrics AS (
  SELECT client,
    sum(CASE WHEN status = 'uncollectible' THEN least(paid_by, amount) ELSE amount END)
      AS revenue,
    coalesce(sum(owed) FILTER (WHERE amount > 0 AND status <> 'uncollectible'
                               AND due < getvariable('as_of')), 0) AS overdue,
    count(*) FILTER (WHERE amount > 0 AND due <= getvariable('as_of')
                     AND days_late > 0) AS late_invoices,
    sum(amount * days_late) FILTER (WHERE amount > 0 AND due <= getvariable('as_of'))
      / nullif(sum(amount) FILTER (WHERE amount > 0 AND due <= getvariable('as_of')
                                   AND days_late IS NOT NULL), 0) AS avg_days_late
  FROM inv_owed
  GROUP BY client
),
tick AS (
  SELECT client,
    count(*) AS tickets,
    sum(coalesce(minutes, 20)) AS ticket_minutes,
    -- A scope change by its type or by a whole tag of its list.
    count(*) FILTER (
      WHERE lower(type) IN ('change request', 'change_request', 'scope change',
                            'scope_change', 'new requirement')
         OR list_has_any(string_split_regex(lower(tags), '[,; ]+'),
                         ['change_request', 'scope_change'])) AS scope_changes
  FROM tickets
  WHERE CAST(created AS DATE) <= getvariable('as_of')
  GROUP BY client
),
meet AS (
  SELECT client,
    count(*) FILTER (WHERE status <> 'cancelled') AS scheduled,
    count(*) FILTER (WHERE status = 'attended') AS attended,
    count(*) FILTER (WHERE status = 'no-show') AS no_shows,
    sum(minutes * people) FILTER (WHERE status = 'attended') AS attended_person_minutes,
    sum(minutes * people) FILTER (WHERE status = 'no-show') AS no_show_person_minutes
  FROM (
    SELECT client, lower(status) AS status, coalesce(minutes, 30) AS minutes,
      -- Our people: a number, or names separated by `;` or `,`.
      CASE WHEN attendees IS NULL THEN 1
           WHEN regexp_full_match(attendees, '[0-9]+') THEN CAST(attendees AS INTEGER)
           ELSE len(string_split_regex(attendees, '[;,]')) END AS people
    FROM meetings
    WHERE CAST(date AS DATE) <= getvariable('as_of')
  )
  GROUP BY client
),
joined AS (
  SELECT coalesce(i.client, t.client, m.client) AS client,
    coalesce(revenue, 0) AS revenue,
    coalesce(overdue, 0) AS overdue,
    coalesce(late_invoices, 0) AS late_invoices,
    avg_days_late,
    coalesce(tickets, 0) AS tickets,
    coalesce(ticket_minutes, 0) AS ticket_minutes,
    coalesce(scope_changes, 0) AS scope_changes,
    coalesce(scheduled, 0) AS scheduled,
    coalesce(attended, 0) AS attended,
    coalesce(no_shows, 0) AS no_shows,
    coalesce(ticket_minutes, 0) * getvariable('support_per_minute') AS support_cost,
    coalesce(attended_person_minutes, 0) * getvariable('meeting_per_minute') AS meeting_cost,
    coalesce(no_show_person_minutes, 0) * getvariable('meeting_per_minute') AS no_show_cost,
    coalesce(late_invoices, 0) * getvariable('late_invoice_cost') AS collection_cost
  FROM inv_metrics i
  FULL JOIN tick t ON t.client = i.client
  FULL JOIN meet m ON m.client = coalesce(i.client, t.client)
)
SELECT *,
  support_cost + meeting_cost + no_show_cost + collection_cost AS cost_to_serve,
  revenue - (support_cost + meeting_cost + no_show_cost + collection_cost) AS profit
FROM joined
ORDER BY client;
