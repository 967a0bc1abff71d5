//! `parse_date_time` (no order, day first, month first) and `order_evidence`.
#![no_main]

use clientfit::config::DateOrder;
use clientfit::ingest::date::{OrderEvidence, order_evidence, parse_date_time};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let unordered = parse_date_time(text, None);
    let dmy = parse_date_time(text, Some(DateOrder::Dmy));
    let mdy = parse_date_time(text, Some(DateOrder::Mdy));
    for problem in [&unordered, &dmy, &mdy].into_iter().filter_map(|r| r.as_ref().err()) {
        let _ = problem.message();
        let _ = problem.hint();
    }
    // A date that needs no order (ISO, month names) reads the same whatever
    // order is given.
    if let Ok(value) = &unordered {
        assert_eq!(dmy.as_ref(), Ok(value), "{text:?}: dmy differs from no order");
        assert_eq!(mdy.as_ref(), Ok(value), "{text:?}: mdy differs from no order");
    }
    // Evidence that proves one order rules the other one out.
    match order_evidence(text) {
        OrderEvidence::ProvesDmy => assert!(
            mdy.is_err(),
            "{text:?} proves day-first but parses month-first as {mdy:?}"
        ),
        OrderEvidence::ProvesMdy => assert!(
            dmy.is_err(),
            "{text:?} proves month-first but parses day-first as {dmy:?}"
        ),
        OrderEvidence::Ambiguous | OrderEvidence::None => {}
    }
});
