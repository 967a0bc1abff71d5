//! Unit tests of `identity`.

use super::*;
use crate::config::Config;

#[test]
fn a_spelling_key_is_its_bytes_zeros_and_its_length() {
    // Every length up to the inline limit and past it, from bytes that
    // are never zero (so a zero in the key is padding).
    let text: Vec<u8> = (0..40u8)
        .map(|n| n.wrapping_mul(37).wrapping_add(1) | 1)
        .collect();
    for length in 0..=40 {
        let bytes = &text[..length];
        let key = spelling_key(bytes);
        if length > INLINE_SPELLING {
            assert_eq!(key, None, "{length}");
            continue;
        }
        let mut expected = [0u8; INLINE_SPELLING + 1];
        expected[..length].copy_from_slice(bytes);
        expected[INLINE_SPELLING] = length as u8;
        assert_eq!(key, Some(expected), "{length}");
    }
}

fn registry() -> Registry {
    Registry::new(&Config::default().clients.legal_forms)
}

#[test]
fn spellings_of_one_company_share_a_key() {
    let registry = registry();
    for name in [
        "Acme, Inc.",
        "ACME INC",
        "acme",
        "  Acme   Inc ",
        "A.C.M.E.",
    ] {
        assert_eq!(registry.key(name), "acme", "{name}");
    }
    assert_eq!(registry.key("Müller & Söhne GmbH"), "müller söhne");
    assert_eq!(registry.key("Straße AG"), "strasse");
    assert_eq!(registry.key("Acme Pty Ltd"), "acme");
    // A name that is only a legal form keeps it rather than vanish.
    assert_eq!(registry.key("Company"), "company");
    // Accents are kept: these are different words.
    assert_ne!(registry.key("Café"), registry.key("Cafe"));
    assert_eq!(registry.key("!!!"), "");
}

#[test]
fn first_spelling_names_a_new_client_and_master_names_win() {
    let mut registry = registry();
    let id = registry.add_master(MasterEntry {
        name: "Acme Inc".into(),
        aliases: vec!["cus_Acme01".into()],
        domains: vec!["acme.com".into()],
        strategic: true,
        ..MasterEntry::default()
    });
    let id = id.unwrap();
    assert_eq!(registry.resolve("ACME, INC."), Some(id));
    assert_eq!(registry.resolve("cus_acme01"), Some(id));
    assert_eq!(registry.by_email("Wile <wile@ACME.com>"), Some(id));
    assert_eq!(registry.by_email("someone@elsewhere.com"), None);
    let globex = registry.resolve("Globex GmbH").unwrap();
    assert_eq!(registry.resolve("GLOBEX"), Some(globex));
    assert_eq!(registry.info(globex).name, "Globex GmbH");
    assert_eq!(registry.info(id).name, "Acme Inc");
    assert_eq!(registry.resolve("  "), None);
}

#[test]
fn clashes_in_the_master_list_are_errors() {
    let mut registry = registry();
    registry
        .add_master(MasterEntry {
            name: "Acme".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(
        registry
            .add_master(MasterEntry {
                name: "ACME Inc".into(),
                ..Default::default()
            })
            .is_err()
    );
    assert!(
        registry
            .add_master(MasterEntry {
                name: "Globex".into(),
                aliases: vec!["acme".into()],
                ..Default::default()
            })
            .is_err()
    );
}

proptest::proptest! {
    /// ASCII names get the key the general path gives them.
    #[test]
    fn ascii_keys_are_the_general_keys(name in "[ -~\t\n\x0b\x0c\r]{0,40}|((Ltd|LLC|inc|Co|GmbH|Acme|x1|\\.| |,|\x0b|-)){0,8}") {
        let legal_forms = registry().legal_forms;
        proptest::prop_assert_eq!(
            key_words(&name, &legal_forms),
            key_words_general(&name, &legal_forms)
        );
    }
}

#[test]
fn spellings_that_share_a_slot_probe_on_and_wrap_around() {
    let mut cache = SpellingCache::default();
    let key = |n: u32| spelling_key(format!("c{n}").as_bytes()).unwrap_or_default();
    // 32 spellings (half of the first table's 64 slots) given the hash
    // of its last slot: the probes run past the end and on from slot 0.
    for n in 0..32 {
        cache.insert_hashed(key(n), 63, ClientId(n));
    }
    assert_eq!(cache.slots.len(), 64);
    for n in 0..32 {
        assert_eq!(cache.find(&key(n), 63), Some(ClientId(n)));
    }
    assert_eq!(cache.find(&key(32), 63), None);
    // The same spelling again replaces its client and takes no slot.
    cache.insert_hashed(key(0), 63, ClientId(100));
    assert_eq!(
        (cache.find(&key(0), 63), cache.used),
        (Some(ClientId(100)), 32)
    );
    // The 33rd would make the table more than half full: it doubles,
    // and every spelling moves to the slot of its own hash.
    cache.insert("c32", ClientId(32));
    assert_eq!((cache.slots.len(), cache.used), (128, 33));
    assert_eq!(cache.get("c0"), Some(ClientId(100)));
    for n in 1..33 {
        assert_eq!(cache.get(&format!("c{n}")), Some(ClientId(n)));
    }
    assert_eq!(cache.get("c33"), None);
}

#[test]
fn spellings_short_and_long_are_remembered() {
    let mut cache = SpellingCache::default();
    let short = "a".repeat(INLINE_SPELLING);
    let long = "a".repeat(INLINE_SPELLING + 1);
    cache.insert(&short, ClientId(1));
    cache.insert(&long, ClientId(2));
    cache.insert("", ClientId(3));
    assert_eq!(cache.get(&short), Some(ClientId(1)));
    assert_eq!(cache.get(&long), Some(ClientId(2)));
    assert_eq!(cache.get(""), Some(ClientId(3)));
    assert_eq!(cache.get("a"), None);
    assert_eq!(cache.get(&"a".repeat(INLINE_SPELLING + 2)), None);
    // A trailing zero byte is part of a spelling, not padding.
    cache.insert("b\0", ClientId(4));
    assert_eq!(cache.get("b"), None);
    assert_eq!(cache.get("b\0"), Some(ClientId(4)));
    // Many spellings, found again after the table has grown, and only those.
    for n in 0..20_000u32 {
        cache.insert(&format!("Client {n:06} Ltd"), ClientId(n + 10));
    }
    for n in 0..20_000u32 {
        assert_eq!(
            cache.get(&format!("Client {n:06} Ltd")),
            Some(ClientId(n + 10))
        );
        assert_eq!(cache.get(&format!("Client {n:06} Ltd.")), None);
    }
}
