//! Header resolution: `Headers`, `satisfies` and a `Resolver` per kind.
//!
//! Input: text whose first line is the header row (cells split on `,`);
//! every further line `field=header` adds to a column mapping. Each kind is
//! resolved with an empty mapping and with that mapping.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use clientfit::ingest::columns::{Headers, Kind, Resolver, satisfies};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut lines = text.split('\n');
    let header_row = lines.next().unwrap_or_default();
    let raw: Vec<String> = header_row.split(',').map(str::to_string).collect();
    let mut mapping = BTreeMap::new();
    for line in lines.take(32) {
        if let Some((field, header)) = line.split_once('=') {
            mapping.insert(field.to_string(), header.to_string());
        }
    }
    let headers = Headers::new(raw.clone());
    assert_eq!(headers.raw, raw);
    let _ = headers.display_list();
    let empty = BTreeMap::new();
    for kind in Kind::ALL {
        for mapping in [&empty, &mapping] {
            let ok = satisfies(kind, &headers, mapping);
            let resolver = Resolver::unchecked(kind, Path::new("fuzz.csv"), &headers, mapping);
            let mut found_any = false;
            let mut absent = None;
            for field in kind.fields() {
                let found = resolver.find(field.name);
                assert_eq!(resolver.index(field.name), found.as_ref().map(|f| f.index));
                match &found {
                    Some(found) => {
                        found_any = true;
                        assert!(found.index < headers.raw.len());
                        assert_eq!(headers.raw[found.index], found.header);
                        assert!(!headers.positions(&found.header).is_empty());
                        assert_eq!(resolver.require(field.name).ok().as_ref(), Some(found));
                    }
                    None => absent = absent.or(Some(field.name)),
                }
            }
            // The "no column for …" error (with its fuzzy column suggestion)
            // for one absent field per kind and mapping: building it scores
            // every header against every alias, too slow to do per field.
            if let Some(name) = absent {
                let err = resolver.require(name).expect_err("an absent field is not required-ok");
                let _ = format!("{err:?}");
            }
            // A kind whose required fields are all there found something.
            assert!(!ok || found_any, "{kind:?} satisfied with no field found");
            let _ = resolver.mapping_report();
            let _ = resolver.check_mapping();
        }
    }
});
