-- The timesheet's per-client sums in DuckDB SQL, as a careful user would
-- write them instead of running clientfit: hours and money as DECIMAL,
-- days as DATE, and clientfit's rules for the cost of an hour.
--
-- Expects the relations `time_entries` (client, date, person, role, hours,
-- billable, cost_rate, bill_rate), `people_rates` (person, rate) and
-- `role_rates` (role, rate), and the variables `as_of` (DATE) and
-- `cost_hourly` (DECIMAL, NULL when the config has none);
-- bench/duckdb_core.py defines them from a data set's time_entries.csv and
-- clientfit.toml. Leaves one row per client in the table `time_report`.
--
-- Per client, over the entries dated on or before as-of (the default
-- period runs from the earliest dated record to as-of): hours, billable
-- hours, labour cost (hours at the row's cost rate, else the person's
-- `[rates.people]` rate, else the role's `[rates.roles]` rate, else
-- `[rates] cost_hourly`), billable value (hours at the bill rate of the
-- billable entries; 0 for a client whose entries are none billable, unknown
-- for a client with no entries, as in clientfit), and how many entries had no rate at all (clientfit
-- stops on those; the runner does too).

CREATE OR REPLACE TEMP TABLE time_report AS
WITH entries AS (
  SELECT t.client,
    t.hours,
    lower(trim(coalesce(t.billable, ''))) IN ('yes', 'true', '1', 'y') AS billable,
    t.bill_rate,
    coalesce(t.cost_rate, p.rate, r.rate, getvariable('cost_hourly')) AS cost_rate
  FROM time_entries t
  LEFT JOIN people_rates p ON p.person = t.person
  LEFT JOIN role_rates r ON r.role = t.role
  WHERE CAST(t.date AS DATE) <= getvariable('as_of')
)
SELECT client,
  sum(hours) AS hours,
  coalesce(sum(hours) FILTER (WHERE billable), 0) AS billable_hours,
  coalesce(sum(hours * cost_rate), 0) AS labour_cost,
  coalesce(sum(hours * bill_rate) FILTER (WHERE billable), 0) AS billable_value,
  count(*) FILTER (WHERE cost_rate IS NULL) AS entries_without_rate
FROM entries
GROUP BY client
ORDER BY client;
