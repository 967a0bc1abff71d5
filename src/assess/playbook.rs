//! What to do about a client: the playbook lines per verdict and per flag,
//! drawn from how the client-management literature handles each case.
//!
//! The text lives in one data file (`playbook.toml`, compiled in); a
//! `[playbook]` table in clientfit.toml replaces any of its lists.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::assess::{Flag, FlagId, Guard, Verdict};

/// The compiled-in playbook text.
pub(crate) const PLAYBOOK_TOML: &str = include_str!("playbook.toml");

/// Playbook text: per verdict, per flag, and the provider to refer to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Playbook {
    pub(crate) verdict: BTreeMap<String, Vec<String>>,
    pub(crate) flag: BTreeMap<String, Vec<String>>,
    pub(crate) refer: BTreeMap<String, String>,
    /// `verdict` and `flag` with every line made once, shared by the
    /// clients it applies to: a hundred thousand clients with a dozen
    /// actions each would otherwise hold a hundred megabytes of copies of
    /// the same sentences (and finding each line again per client was a
    /// good part of judging them).
    /// Built by `with_overrides`, the only way to a playbook that judges.
    #[serde(skip)]
    shared_verdict: BTreeMap<String, Vec<Arc<str>>>,
    #[serde(skip)]
    shared_flag: BTreeMap<String, Vec<Arc<str>>>,
    /// Each list of actions made once, shared by every client it applies
    /// to (most clients share their verdict and flags with many others),
    /// keyed by what it is made from: the verdict, the flags and the guard.
    #[serde(skip)]
    made: Made,
}

/// The action lists made so far (see `Playbook::made`): a cache, so a copy
/// starts empty and two caches never make playbooks differ.
#[derive(Debug, Default)]
struct Made(std::sync::Mutex<std::collections::HashMap<Vec<u8>, Actions>>);

/// One client's actions, shared.
type Actions = Arc<[Arc<str>]>;

impl Clone for Made {
    fn clone(&self) -> Made {
        Made::default()
    }
}

impl PartialEq for Made {
    fn eq(&self, _: &Made) -> bool {
        true
    }
}

fn builtin() -> &'static Playbook {
    static PLAYBOOK: OnceLock<Playbook> = OnceLock::new();
    // The file is part of the program; a test proves it parses.
    PLAYBOOK.get_or_init(|| toml::from_str(PLAYBOOK_TOML).unwrap_or_default())
}

impl Playbook {
    /// The built-in playbook with the user's lists laid over it.
    pub(crate) fn with_overrides(overrides: &crate::config::PlaybookLists) -> Playbook {
        let mut playbook = builtin().clone();
        playbook.verdict.extend(overrides.verdict.clone());
        playbook.flag.extend(overrides.flag.clone());
        playbook.refer.extend(overrides.refer.clone());
        let mut made: BTreeMap<String, Arc<str>> = BTreeMap::new();
        let mut share = |table: &BTreeMap<String, Vec<String>>| -> BTreeMap<String, Vec<Arc<str>>> {
            table
                .iter()
                .map(|(key, lines)| {
                    let shared = lines
                        .iter()
                        .map(|line| {
                            made.entry(line.clone())
                                .or_insert_with(|| Arc::from(line.as_str()))
                                .clone()
                        })
                        .collect();
                    (key.clone(), shared)
                })
                .collect()
        };
        let shared_verdict = share(&playbook.verdict);
        let shared_flag = share(&playbook.flag);
        playbook.shared_verdict = shared_verdict;
        playbook.shared_flag = shared_flag;
        playbook
    }
}

/// Check the user's keys name real verdicts and flags.
pub(crate) fn check_keys(lists: &crate::config::PlaybookLists) -> anyhow::Result<()> {
    let verdicts = ["fire", "refer", "restructure", "keep", "guarded"];
    for key in lists.verdict.keys() {
        if !verdicts.contains(&key.as_str()) {
            anyhow::bail!(
                "[playbook.verdict] {key:?} is not one of {}",
                verdicts.join(", ")
            );
        }
    }
    let flags: Vec<&str> = FlagId::ALL.iter().map(|f| f.name()).collect();
    for key in lists.flag.keys().chain(lists.refer.keys()) {
        if !flags.contains(&key.as_str()) {
            anyhow::bail!(
                "[playbook] {key:?} is not a flag{}; flags: {}",
                crate::wording::did_you_mean(key, &flags),
                flags.join(", ")
            );
        }
    }
    Ok(())
}

impl Playbook {
    fn lines<'a>(
        table: &'a BTreeMap<String, Vec<Arc<str>>>,
        key: &str,
    ) -> impl Iterator<Item = Arc<str>> + 'a {
        table.get(key).into_iter().flatten().cloned()
    }

    /// The actions for one client: the verdict's lines (a referral names
    /// the kind of provider that would fit), the guard's, then each flag's.
    pub(crate) fn actions(
        &self,
        verdict: Verdict,
        flags: &[Flag],
        guard: Option<&Guard>,
    ) -> Arc<[Arc<str>]> {
        let mut key = Vec::with_capacity(flags.len().saturating_add(4));
        key.push(verdict as u8);
        key.extend(flags.iter().map(|flag| flag.id as u8));
        if let Some(guard) = guard {
            key.push(u8::MAX);
            key.extend(guard.ids.iter().map(|id| *id as u8));
            key.push(guard.held_from.map_or(u8::MAX, |held| held as u8));
        }
        // Each thread judges with a playbook of its own: the lock is never
        // contended.
        if let Ok(made) = self.made.0.lock()
            && let Some(actions) = made.get(&key)
        {
            return Arc::clone(actions);
        }
        let mut actions = Vec::new();
        self.gather_actions(verdict, flags, guard, &mut actions);
        let actions: Arc<[Arc<str>]> = actions.into();
        if let Ok(mut made) = self.made.0.lock() {
            made.insert(key, Arc::clone(&actions));
        }
        actions
    }

    fn gather_actions(
        &self,
        verdict: Verdict,
        flags: &[Flag],
        guard: Option<&Guard>,
        actions: &mut Vec<Arc<str>>,
    ) {
        actions.extend(Self::lines(&self.shared_verdict, verdict.name()));
        if verdict == Verdict::Refer || verdict == Verdict::Fire {
            let fits: Vec<&str> = flags
                .iter()
                .filter_map(|flag| self.refer.get(flag.id.name()).map(String::as_str))
                .collect();
            if !fits.is_empty() {
                actions.push(Arc::from(format!(
                    "A better fit for them: {}",
                    fits.join("; or ")
                )));
            }
        }
        if guard.is_some_and(|g| g.held_from.is_some()) {
            actions.extend(Self::lines(&self.shared_verdict, "guarded"));
        }
        for flag in flags {
            actions.extend(Self::lines(&self.shared_flag, flag.id.name()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_playbook_parses_and_covers_every_verdict_and_flag() {
        let playbook: crate::config::PlaybookLists = toml::from_str(PLAYBOOK_TOML).unwrap();
        check_keys(&playbook).unwrap();
        for verdict in Verdict::ALL {
            assert!(
                !playbook.verdict[verdict.name()].is_empty(),
                "{}",
                verdict.name()
            );
        }
        for flag in FlagId::ALL {
            assert!(!playbook.flag[flag.name()].is_empty(), "{}", flag.name());
        }
    }

    #[test]
    fn clients_alike_share_one_list_of_actions() {
        let playbook = Playbook::with_overrides(&crate::config::PlaybookLists::default());
        let flag = |id: FlagId, detail: &str| Flag {
            id,
            severity: id.severity(),
            detail: detail.to_string(),
        };
        // Two clients late by different amounts: the same verdict and flag,
        // so the same list, made once.
        let first = playbook.actions(
            Verdict::Restructure,
            &[flag(FlagId::LatePayer, "40%")],
            None,
        );
        let second = playbook.actions(
            Verdict::Restructure,
            &[flag(FlagId::LatePayer, "55%")],
            None,
        );
        assert!(Arc::ptr_eq(&first, &second));
        // Each list is what gathering it afresh gives.
        let mut fresh = Vec::new();
        playbook.gather_actions(
            Verdict::Restructure,
            &[flag(FlagId::LatePayer, "x")],
            None,
            &mut fresh,
        );
        assert_eq!(&*first, fresh.as_slice());
        // Another flag, or a guard, is another list.
        let other = playbook.actions(Verdict::Restructure, &[flag(FlagId::NoShows, "3")], None);
        assert_ne!(&*first, &*other);
        let guard = Guard {
            ids: vec![crate::assess::GuardId::Strategic],
            held_from: Some(Verdict::Fire),
        };
        let guarded = playbook.actions(
            Verdict::Restructure,
            &[flag(FlagId::LatePayer, "40%")],
            Some(&guard),
        );
        assert!(!Arc::ptr_eq(&first, &guarded));
    }

    #[test]
    fn user_lists_replace_builtin_ones() {
        let mut overrides = crate::config::PlaybookLists::default();
        overrides
            .flag
            .insert("late-payer".into(), vec!["Call them".into()]);
        let playbook = Playbook::with_overrides(&overrides);
        assert_eq!(playbook.flag["late-payer"], vec!["Call them".to_string()]);
        assert!(!playbook.flag["no-shows"].is_empty());
        let mut bad = crate::config::PlaybookLists::default();
        bad.flag.insert("late-payers".into(), vec![]);
        assert!(
            check_keys(&bad)
                .unwrap_err()
                .to_string()
                .contains("did you mean \"late-payer\"")
        );
    }
}
