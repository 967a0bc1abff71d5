//! Unit tests of the report values: medians, sums past the range, the
//! sort order, the portfolio figures.

use super::portfolio::{pareto, whale_curve};
use super::*;

/// `median` as it was: sort everything, take the middle.
fn median_by_sorting(mut values: Vec<Decimal>) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    values.sort();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / Decimal::TWO
    }
}

proptest::proptest! {
    /// Selecting the middle gives the median sorting gives, with
    /// repeated values, equal values at different scales, and
    /// negatives, for odd and even counts.
    #[test]
    fn median_by_selection_is_median_by_sorting(
        values in proptest::collection::vec((-50i64..50, 0u32..4), 0..40),
    ) {
        let values: Vec<Decimal> = values
            .into_iter()
            .map(|(mantissa, scale)| Decimal::new(mantissa * 10i64.pow(scale), scale))
            .collect();
        proptest::prop_assert_eq!(median(values.clone()), median_by_sorting(values));
    }
}

#[test]
fn the_median_of_amounts_whose_sum_leaves_the_range_is_between_them() {
    let max = Decimal::MAX;
    assert_eq!(median(vec![max, max]), max);
    // MAX − 2 and MAX: halfway is MAX − 1, exactly.
    assert_eq!(median(vec![max - Decimal::TWO, max]), max - Decimal::ONE);
    assert_eq!(median(vec![Decimal::MIN, Decimal::MIN]), Decimal::MIN);
}

#[test]
fn portfolio_sums_past_the_decimal_range_are_an_error_naming_them() {
    let mut clients: Vec<ClientReport> = (0..2u8)
        .map(|at| client((1, 1, None, 0, 0, at, at), usize::from(at) + 1))
        .collect();
    for client in &mut clients {
        client.metrics.revenue = Decimal::MAX;
    }
    let err = portfolio(&clients, (Decimal::ZERO, Decimal::ZERO), 0, 0)
        .err()
        .map(|err| err.to_string());
    assert_eq!(
        err.as_deref(),
        Some(
            "total revenue: 79228162514264337593543950335 + 79228162514264337593543950335 is past the largest amount clientfit counts exactly (about 7.9 × 10^28); check the amounts, and the exchange rates under [fx] in clientfit.toml"
        )
    );
    // The whale curve runs through profits: past the range there too.
    for client in &mut clients {
        client.metrics.revenue = Decimal::ONE;
        client.metrics.profit = Decimal::MAX;
    }
    let err = whale_curve(&clients).err().map(|err| err.to_string());
    assert!(
        err.as_deref().is_some_and(|text| text.starts_with(
            "the whale curve's running profit: 79228162514264337593543950335 + 79228162514264337593543950335 is past"
        )),
        "{err:?}"
    );
}

fn client(
    (profit, revenue, margin, verdict, severe, key, name): (
        i64,
        i64,
        Option<i8>,
        usize,
        usize,
        u8,
        u8,
    ),
    rank: usize,
) -> ClientReport {
    let zero = Decimal::ZERO;
    let flag = crate::assess::Flag {
        id: crate::assess::FlagId::BadDebt,
        severity: crate::assess::Severity::Severe,
        detail: String::new(),
    };
    ClientReport {
        rank,
        name: format!("Client {name}"),
        key: format!("client {key}"),
        owner: None,
        segment: None,
        strategic: false,
        metrics: ClientMetrics {
            client: crate::model::ClientId(0),
            invoiced: true,
            revenue: Decimal::new(revenue, 2),
            bad_debt: zero,
            discounts: zero,
            support_cost: zero,
            meeting_cost: zero,
            no_show_cost: zero,
            collection_cost: zero,
            delivery_cost: zero,
            cost_to_serve: zero,
            profit: Decimal::new(profit, (profit.unsigned_abs() % 3) as u32),
            margin: margin.map(|m| f64::from(m) / 10.0),
            effective_hourly: None,
            hours_to_serve: zero,
            invoices_due: 0,
            late_invoices: 0,
            late_share: None,
            avg_days_late: None,
            avg_days_late_over_late: None,
            outstanding: zero,
            current: zero,
            d1_30: zero,
            d31_60: zero,
            d61_90: zero,
            d90_plus: zero,
            overdue: zero,
            dso: None,
            tickets: 0,
            ticket_minutes: zero,
            scope_changes: 0,
            escalations: 0,
            abusive_tickets: 0,
            scheduled: 0,
            attended: 0,
            no_shows: 0,
            cancelled: 0,
            no_show_rate: None,
            revenue_share: None,
            ticket_share: None,
            time: None,
        },
        assessment: Assessment {
            flags: vec![flag; severe],
            verdict: Verdict::ALL[verdict % Verdict::ALL.len()],
            guard: None,
            reasons: Vec::new(),
            actions: Default::default(),
        },
        quadrant: Quadrant::Passive,
    }
}

/// The comparison the sort made before its figures were copied out.
fn compare(a: &ClientReport, b: &ClientReport, key: SortKey) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let by_name =
        |a: &ClientReport, b: &ClientReport| a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name));
    let float_desc = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let (ma, mb) = (&a.metrics, &b.metrics);
    let primary = match key {
        SortKey::Profit => mb.profit.cmp(&ma.profit),
        SortKey::Margin => float_desc(ma.margin, mb.margin),
        SortKey::Revenue => mb.revenue.cmp(&ma.revenue),
        SortKey::Risk => a
            .assessment
            .verdict
            .cmp(&b.assessment.verdict)
            .then_with(|| {
                b.assessment
                    .severe_flags()
                    .cmp(&a.assessment.severe_flags())
            })
            .then_with(|| ma.profit.cmp(&mb.profit)),
        SortKey::Name => Ordering::Equal,
    };
    primary.then_with(|| by_name(a, b))
}

/// The one-pass portfolio, on one thread (few clients) and with the
/// Pareto shares on another (many), against each figure worked out on
/// its own, as it was.
#[test]
fn portfolio_in_one_pass_is_each_figure_on_its_own() {
    for count in [7usize, 5000] {
        let clients: Vec<ClientReport> = (0..count)
            .map(|i| {
                let n = i as i64;
                let mut c = client(
                    (
                        (n * 7919) % 1000 - 400,
                        (n * 104_729) % 5000,
                        None,
                        i,
                        0,
                        0,
                        0,
                    ),
                    i + 1,
                );
                c.metrics.cost_to_serve = Decimal::new(n % 97, 1);
                c.metrics.outstanding = Decimal::new(n % 13, 2);
                c.metrics.overdue = Decimal::new(n % 11, 2);
                c.metrics.d90_plus = Decimal::new(n % 7, 2);
                c.metrics.bad_debt = Decimal::new(n % 5, 0);
                c.metrics.tickets = (i % 9) as u64;
                c.quadrant = Quadrant::ALL[(i / 3) % Quadrant::ALL.len()];
                c
            })
            .collect();
        let medians = (Decimal::ONE, Decimal::TWO);
        let got = portfolio(&clients, medians, 3, 4).unwrap();
        let sum = |f: fn(&ClientMetrics) -> Decimal| {
            clients.iter().map(|c| f(&c.metrics)).sum::<Decimal>()
        };
        assert_eq!(got.clients, count);
        assert_eq!(got.revenue, sum(|m| m.revenue));
        assert_eq!(got.cost_to_serve, sum(|m| m.cost_to_serve));
        assert_eq!(got.profit, sum(|m| m.profit));
        assert_eq!(got.outstanding, sum(|m| m.outstanding));
        assert_eq!(got.overdue, sum(|m| m.overdue));
        assert_eq!(got.d90_plus, sum(|m| m.d90_plus));
        assert_eq!(got.bad_debt, sum(|m| m.bad_debt));
        assert_eq!(
            got.tickets,
            clients.iter().map(|c| c.metrics.tickets).sum::<u64>()
        );
        for (verdict, n) in &got.verdicts {
            let expected = clients
                .iter()
                .filter(|c| c.assessment.verdict == *verdict)
                .count();
            assert_eq!(*n, expected, "{verdict:?} of {count}");
        }
        for (quadrant, n) in &got.quadrants.counts {
            let expected = clients.iter().filter(|c| c.quadrant == *quadrant).count();
            assert_eq!(*n, expected, "{quadrant:?} of {count}");
        }
        assert_eq!(got.verdicts.len(), Verdict::ALL.len());
        assert_eq!(got.quadrants.counts.len(), Quadrant::ALL.len());
        assert_eq!(got.pareto, pareto(&clients).unwrap());
        assert_eq!(got.whale.points, whale_curve(&clients).unwrap().points);
        assert_eq!((got.unmatched_tickets, got.unmatched_meetings), (3, 4));
    }
}

/// Rows for `client`: few distinct figures, so that ties are common.
type Row = (i64, i64, Option<i8>, usize, usize, u8, u8);

fn report_rows() -> impl proptest::strategy::Strategy<Value = Vec<Row>> {
    proptest::collection::vec(
        (
            -3i64..3,
            0i64..3,
            proptest::option::of(-2i8..3),
            0usize..4,
            0usize..3,
            0u8..3,
            0u8..3,
        ),
        0..30,
    )
}

/// The reports of `rows`; with `huge`, the first and last `field`
/// values made half of Decimal::MAX and 10^-28, which no i128 holds at
/// one scale (the Decimal path).
fn reports_of(
    rows: &[Row],
    huge: bool,
    field: fn(&mut ClientMetrics) -> &mut Decimal,
) -> Vec<ClientReport> {
    let mut reports: Vec<ClientReport> = rows
        .iter()
        .enumerate()
        .map(|(rank, row)| client(*row, rank))
        .collect();
    if huge && reports.len() >= 2 {
        let last = reports.len() - 1;
        *field(&mut reports[0].metrics) = Decimal::MAX / Decimal::TWO;
        *field(&mut reports[last].metrics) = Decimal::from_i128_with_scale(1, 28);
    }
    reports
}

proptest::proptest! {
    /// Sorting on the copied figures gives the order a stable sort of
    /// the reports by the comparison it replaced gives, for every sort
    /// key, ties and all; amounts of mixed scales, and with `huge` some
    /// that cannot share a scale (the Decimal path).
    #[test]
    fn sorting_on_copied_figures_is_sorting_the_reports(
        rows in report_rows(),
        huge in proptest::bool::ANY,
    ) {
        for key in [SortKey::Profit, SortKey::Margin, SortKey::Revenue, SortKey::Risk, SortKey::Name] {
            let mut reports: Vec<ClientReport> =
                rows.iter().enumerate().map(|(rank, row)| client(*row, rank)).collect();
            if huge && reports.len() >= 2 {
                // Decimal::MAX beside a value at scale 28: no i128 holds
                // it at scale 28.
                let tiny = Decimal::from_i128_with_scale(1, 28);
                for (index, value) in [(0, Decimal::MAX), (reports.len() - 1, tiny)] {
                    reports[index].metrics.profit = value;
                    reports[index].metrics.revenue = value;
                }
                proptest::prop_assert!(at_common_scale(reports.iter().map(|c| c.metrics.profit)).is_none());
            }
            let mut expected = reports.clone();
            expected.sort_by(|a, b| compare(a, b, key));
            let mut sorted = reports;
            sort(&mut sorted, key);
            let ranks = |list: &[ClientReport]| list.iter().map(|c| c.rank).collect::<Vec<_>>();
            proptest::prop_assert_eq!(ranks(&sorted), ranks(&expected));
        }
    }

    /// The Pareto shares by selection are those of sorting every
    /// client's revenue and profit, as it was: mixed scales, ties,
    /// negative values, and with `huge` values that share no scale.
    #[test]
    fn pareto_by_selection_is_pareto_by_sorting(
        rows in report_rows(),
        huge in proptest::bool::ANY,
    ) {
        let mut reports = reports_of(&rows, huge, |m| &mut m.revenue);
        // Revenues of mixed scales, some zeros at scale 20 or more:
        // the sum's scale (and so the share's last bit) depends on
        // which values are added.
        for (at, report) in reports.iter_mut().enumerate() {
            if at % 3 == 1 {
                let revenue = report.metrics.revenue;
                report.metrics.revenue = if revenue.is_zero() {
                    Decimal::from_i128_with_scale(0, 20 + (at % 9) as u32)
                } else {
                    Decimal::from_i128_with_scale(revenue.mantissa() * 7, 3)
                };
            }
        }
        let top_clients = reports.len().div_ceil(5).max(1);
        let by_sorting = |mut values: Vec<Decimal>| -> Option<f64> {
            let total: Decimal = values.iter().sum();
            if total <= Decimal::ZERO {
                return None;
            }
            values.sort_by(|a, b| b.cmp(a));
            let top: Decimal = values.iter().take(top_clients).sum();
            Some(crate::numbers::ratio_of(top, total))
        };
        let got = pareto(&reports).unwrap();
        proptest::prop_assert_eq!(
            got.revenue_share,
            by_sorting(reports.iter().map(|c| c.metrics.revenue).collect())
        );
        proptest::prop_assert_eq!(
            got.profit_share,
            by_sorting(reports.iter().map(|c| c.metrics.profit).collect())
        );
    }

    /// The whale curve sorted on copied profits is the curve of the
    /// reports sorted by their Decimal profits, then keys, as it was:
    /// mixed scales, ties, and with `huge` the Decimal path.
    #[test]
    fn whale_curve_on_copied_profits_is_the_curve_of_the_reports(
        rows in report_rows(),
        huge in proptest::bool::ANY,
    ) {
        let reports = reports_of(&rows, huge, |m| &mut m.profit);
        let mut ordered: Vec<&ClientReport> = reports.iter().collect();
        ordered.sort_by(|a, b| {
            b.metrics.profit.cmp(&a.metrics.profit).then_with(|| a.key.cmp(&b.key))
        });
        let mut running = Decimal::ZERO;
        let expected: Vec<Decimal> = ordered
            .iter()
            .map(|c| {
                running += c.metrics.profit;
                running
            })
            .collect();
        let got = whale_curve(&reports).unwrap().points;
        proptest::prop_assert_eq!(&got, &expected);
        // Equal values may differ in scale: the text must match too.
        let texts = |points: &[Decimal]| points.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        proptest::prop_assert_eq!(texts(&got), texts(&expected));
    }
}

#[test]
fn medians_of_few_values() {
    let d = |n: i64| Decimal::new(n, 2);
    assert_eq!(median(vec![]), Decimal::ZERO);
    assert_eq!(median(vec![d(5)]), d(5));
    // (1.00 + 3.00) / 2 = 2.00; the middle of three is 3.00.
    assert_eq!(median(vec![d(300), d(100)]), d(200));
    assert_eq!(median(vec![d(900), d(100), d(300)]), d(300));
}
