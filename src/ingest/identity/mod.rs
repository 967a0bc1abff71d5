//! Client identity: one key per client however each tool spells it, and
//! dense ids so later stages index vectors instead of hashing names.
//!
//! Key: lower-cased (Unicode, with ß → ss), accents kept, punctuation
//! removed, whitespace collapsed, trailing legal-form words removed while
//! another word remains: `Acme, Inc.` = `ACME INC` = `acme`.

mod keys;
mod spelling;

use hashbrown::{HashMap, HashSet};
use keys::*;
use spelling::*;
use std::hash::BuildHasher;

use crate::model::ClientId;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientInfo {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) strategic: bool,
    pub(crate) owner: Option<String>,
    pub(crate) segment: Option<String>,
    /// Listed in clients.csv.
    pub(crate) in_master: bool,
    /// Where `name` was read, for clients named by files read newest
    /// first (several ticket files): an earlier spelling replaces it, so
    /// the name is the first spelling in file order, as everywhere else.
    pub(crate) named_at: Option<(u32, u64)>,
}

/// What a master-list row adds.
#[derive(Debug, Clone, Default)]
pub(crate) struct MasterEntry {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) domains: Vec<String>,
    pub(crate) strategic: bool,
    pub(crate) owner: Option<String>,
    pub(crate) segment: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Registry {
    legal_forms: HashSet<String>,
    by_key: HashMap<String, ClientId>,
    by_domain: HashMap<String, ClientId>,
    /// clients.csv `projects`: a timesheet's project → its client.
    by_project: HashMap<String, ClientId>,
    /// Raw spellings already resolved: most rows repeat a spelling seen
    /// before, and this skips normalising them again.
    by_spelling: SpellingCache,
    clients: Vec<ClientInfo>,
    /// Where each clients.csv entry was listed (file and line), to name
    /// the other file when two lists hold the same client.
    master_places: HashMap<ClientId, (std::path::PathBuf, u64)>,
    /// Reading one chunk among several at once: ids come from there.
    shared: Option<std::sync::Arc<SharedIds>>,
    /// Reading one chunk: the clients met, beyond those of clients.csv,
    /// in the order first met, and where each is (by id).
    met: Vec<Met>,
    met_bits: Vec<u64>,
    /// Where in `met` the clients met with a place (files read newest
    /// first) are, to rename them from an earlier row.
    met_at: HashMap<ClientId, usize>,
    /// Reading one chunk: how many clients of clients.csv come first.
    base_len: usize,
}

/// A client first met by the reader of one chunk.
#[derive(Debug, Clone)]
pub(crate) struct Met {
    pub(crate) id: ClientId,
    /// Its spelling where first met.
    pub(crate) name: String,
    /// Where that was, for files read newest first (see `resolve_at`).
    pub(crate) named_at: Option<(u32, u64)>,
}

/// Client ids for the readers of chunks read at the same time. The clients
/// of clients.csv keep their ids; every other key gets the next id when
/// any reader first meets it, so ids here follow no order: `Registry::
/// settle` gives each its place by the order the chunks were met in, as
/// one reader would have. Each spelling is turned into its key once, by
/// whichever reader meets it first.
#[derive(Debug)]
pub(crate) struct SharedIds {
    /// Tells this reading's ids from another's (see `THREAD_SPELLINGS`).
    reading: u64,
    base: Registry,
    hasher: hashbrown::DefaultHashBuilder,
    spellings: Vec<std::sync::Mutex<HashMap<Box<str>, ClientId>>>,
    /// Key → id, and the key of each id after the base's.
    keys: std::sync::Mutex<(HashMap<String, ClientId>, Vec<String>)>,
}

thread_local! {
    /// The spellings a reading thread resolved to the ids of one reading
    /// (`SharedIds::reading`), kept from one chunk to the next.
    static THREAD_SPELLINGS: std::cell::RefCell<Option<(u64, SpellingCache)>> =
        const { std::cell::RefCell::new(None) };
}

/// Shards of the spelling table, picked by the low byte of a hash (a
/// power of two up to 256): readers rarely wait on one another.
const SPELLING_SHARDS: usize = 64;

impl SharedIds {
    /// Ids for chunks read after `base` (the clients of clients.csv).
    pub(crate) fn new(base: &Registry) -> SharedIds {
        static READINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        SharedIds {
            reading: READINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            base: base.clone(),
            hasher: hashbrown::DefaultHashBuilder::default(),
            spellings: (0..SPELLING_SHARDS)
                .map(|_| std::sync::Mutex::new(HashMap::new()))
                .collect(),
            keys: std::sync::Mutex::new((HashMap::new(), Vec::new())),
        }
    }

    /// The id of the client a name refers to; `None` for a name with no
    /// letters or digits.
    fn id_of(&self, name: &str) -> Option<ClientId> {
        let shard_of =
            usize::from(self.hasher.hash_one(name).to_le_bytes()[0]) & (SPELLING_SHARDS - 1);
        let shard = self.spellings.get(shard_of)?;
        if let Some(id) = shard.lock().ok()?.get(name) {
            return Some(*id);
        }
        let key = self.base.key(name);
        if key.is_empty() {
            return None;
        }
        let id = match self.base.by_key.get(&key) {
            Some(id) => *id,
            None => {
                let mut keys = self.keys.lock().ok()?;
                let (by_key, of_id) = &mut *keys;
                match by_key.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = ClientId(
                            u32::try_from(self.base.clients.len().saturating_add(of_id.len()))
                                .ok()?,
                        );
                        by_key.insert(key.clone(), id);
                        of_id.push(key);
                        id
                    }
                }
            }
        };
        shard.lock().ok()?.insert(name.into(), id);
        Some(id)
    }

    /// How many ids have been given out, the base's included.
    pub(crate) fn len(&self) -> usize {
        let given = self.keys.lock().map_or(0, |keys| keys.1.len());
        self.base.clients.len().saturating_add(given)
    }

    /// The key of an id given out after the base's.
    fn key_of(&self, id: ClientId) -> Option<String> {
        let keys = self.keys.lock().ok()?;
        keys.1
            .get(id.index().checked_sub(self.base.clients.len())?)
            .cloned()
    }
}

impl Registry {
    pub(crate) fn new(legal_forms: &[String]) -> Registry {
        Registry {
            legal_forms: legal_forms
                .iter()
                .map(|form| key_words(form, &HashSet::new()))
                .collect(),
            ..Registry::default()
        }
    }

    pub(crate) fn key(&self, name: &str) -> String {
        key_words(name, &self.legal_forms)
    }

    pub(crate) fn clients(&self) -> &[ClientInfo] {
        &self.clients
    }

    pub(crate) fn len(&self) -> usize {
        self.clients.len()
    }

    /// A client's details. Ids come from this registry, so the empty
    /// fallback (no name, not in the master list) is never used.
    pub(crate) fn info(&self, id: ClientId) -> &ClientInfo {
        static UNKNOWN: ClientInfo = ClientInfo {
            key: String::new(),
            name: String::new(),
            strategic: false,
            owner: None,
            segment: None,
            in_master: false,
            named_at: None,
        };
        self.clients.get(id.index()).unwrap_or(&UNKNOWN)
    }

    /// Remember where a clients.csv entry was listed.
    pub(crate) fn note_master_place(&mut self, id: ClientId, path: &std::path::Path, line: u64) {
        self.master_places.insert(id, (path.to_path_buf(), line));
    }

    /// Add a clients.csv row. Errors name the clash; the caller adds the location.
    pub(crate) fn add_master(&mut self, entry: MasterEntry) -> Result<ClientId, String> {
        let key = self.key(&entry.name);
        if key.is_empty() {
            return Err(format!(
                "client name {:?} has no letters or digits",
                entry.name
            ));
        }
        if let Some(existing) = self.by_key.get(&key) {
            let other = self.info(*existing);
            let place = self
                .master_places
                .get(existing)
                .map(|(path, line)| format!(" listed at {}:{line}", path.display()))
                .unwrap_or_default();
            return Err(format!(
                "client {:?} is the same client as {:?}{place} (both match as {key:?})",
                entry.name, other.name
            ));
        }
        let id = self.push(ClientInfo {
            key: key.clone(),
            name: entry.name.trim().to_string(),
            strategic: entry.strategic,
            owner: entry.owner,
            segment: entry.segment,
            in_master: true,
            named_at: None,
        });
        self.by_key.insert(key, id);
        for alias in entry.aliases {
            let alias_key = self.key(&alias);
            if alias_key.is_empty() {
                continue;
            }
            match self.by_key.get(&alias_key) {
                Some(existing) if *existing != id => {
                    return Err(format!(
                        "alias {alias:?} of {:?} already names client {:?}",
                        self.info(id).name,
                        self.info(*existing).name
                    ));
                }
                _ => {
                    self.by_key.insert(alias_key, id);
                }
            }
        }
        for domain in entry.domains {
            let domain = domain.trim().trim_start_matches('@').to_lowercase();
            if domain.is_empty() {
                continue;
            }
            match self.by_domain.get(&domain) {
                Some(existing) if *existing != id => {
                    return Err(format!(
                        "domain {domain:?} is listed for both {:?} and {:?}",
                        self.info(*existing).name,
                        self.info(id).name
                    ));
                }
                _ => {
                    self.by_domain.insert(domain, id);
                }
            }
        }
        Ok(id)
    }

    /// Start fetching what `resolve` will read for each of `names` (see
    /// `crate::prefetch`), when the spellings are too many to stay in the
    /// cache (else that would only hash each twice).
    pub(crate) fn prefetch<'a>(&self, names: impl Iterator<Item = &'a str>) {
        if crate::prefetch::worth_it(&self.by_spelling.slots) {
            for name in names {
                self.by_spelling.prefetch(name);
            }
        }
    }

    /// The client a name refers to, creating it (with this spelling as its
    /// display name) when it is new. `None` for a name with no letters or digits.
    pub(crate) fn resolve(&mut self, name: &str) -> Option<ClientId> {
        if self.shared.is_some() {
            // The spellings outlive the chunk (see `sharing`): a client
            // known here may not have been met in this chunk yet.
            let id = match self.by_spelling.get(name) {
                Some(id) => id,
                None => self.shared_id(name)?,
            };
            self.meet(id, name, None);
            return Some(id);
        }
        if let Some(id) = self.by_spelling.get(name) {
            return Some(id);
        }
        let key = self.key(name);
        if key.is_empty() {
            return None;
        }
        let id = match self.by_key.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.push(ClientInfo {
                    key: key.clone(),
                    name: name.trim().to_string(),
                    ..ClientInfo::default()
                });
                self.by_key.insert(key, id);
                id
            }
        };
        self.by_spelling.insert(name, id);
        Some(id)
    }

    /// A registry for reading one chunk among several: ids from `shared`.
    ///
    /// Each reading thread keeps the spellings it has resolved from one
    /// chunk to the next of the same reading (they are ids of `shared`),
    /// so a chunk looks up in the shared table only the spellings its
    /// thread has not met before; `take_met` hands them back.
    pub(crate) fn sharing(shared: &std::sync::Arc<SharedIds>) -> Registry {
        // A thread's first chunk meets about as many clients as the
        // chunks before it met in all: room for them at once.
        let clients = shared.len();
        let kept = THREAD_SPELLINGS
            .with(|kept| kept.borrow_mut().take())
            .filter(|(reading, _)| *reading == shared.reading)
            .map(|(_, spellings)| spellings);
        Registry {
            by_spelling: kept.unwrap_or_else(|| SpellingCache::with_room(clients)),
            met: Vec::with_capacity(clients),
            base_len: shared.base.clients.len(),
            legal_forms: shared.base.legal_forms.clone(),
            shared: Some(std::sync::Arc::clone(shared)),
            ..Registry::default()
        }
    }

    /// Reading one chunk: the clients met beyond the base, in order.
    pub(crate) fn take_met(&mut self) -> Vec<Met> {
        if let Some(shared) = &self.shared {
            let spellings = std::mem::take(&mut self.by_spelling);
            let reading = shared.reading;
            THREAD_SPELLINGS.with(|kept| *kept.borrow_mut() = Some((reading, spellings)));
        }
        self.met_at = HashMap::new();
        self.met_bits = Vec::new();
        std::mem::take(&mut self.met)
    }

    /// A name's id from the shared ids, remembered for its spelling.
    fn shared_id(&mut self, name: &str) -> Option<ClientId> {
        let id = self.shared.as_ref()?.id_of(name)?;
        self.by_spelling.insert(name, id);
        Some(id)
    }

    /// A client met reading one chunk: noted the first time.
    fn meet(&mut self, id: ClientId, name: &str, at: Option<(u32, u64)>) {
        let Some(beyond) = id.index().checked_sub(self.base_len) else {
            return;
        };
        // A bit per client says whether it was met: a lookup on every row
        // that stays in the cache, where the index of each would not.
        let (word, bit) = (beyond / 64, 1u64 << (beyond % 64));
        if self.met_bits.len() <= word {
            self.met_bits.resize(word.saturating_add(1), 0);
        }
        let Some(bits) = self.met_bits.get_mut(word) else {
            return;
        };
        if *bits & bit == 0 {
            *bits |= bit;
            if at.is_some() {
                self.met_at.insert(id, self.met.len());
            }
            self.met.push(Met {
                id,
                name: name.trim().to_string(),
                named_at: at,
            });
            return;
        }
        // Met before: only a row read newest first can rename it.
        if let Some(at) = at
            && let Some(index) = self.met_at.get(&id).copied()
            && let Some(met) = self.met.get_mut(index)
            && met.named_at.is_some_and(|named| at < named)
        {
            met.name = name.trim().to_string();
            met.named_at = Some(at);
        }
    }

    /// The registry of the whole reading, from the clients of clients.csv
    /// (this registry) and those the chunks met, in reading order (`met`,
    /// each chunk's in the order it met them): each id of `shared` mapped
    /// to its place here.
    pub(crate) fn settle(&mut self, shared: &SharedIds, met: Vec<Met>) -> Vec<ClientId> {
        // Ids no chunk met carry no totals: any place will do.
        let mut ids = vec![ClientId(0); shared.len()];
        for (slot, id) in ids.iter_mut().zip(0..self.clients.len() as u32) {
            *slot = ClientId(id);
        }
        for met in met {
            let Some(key) = shared.key_of(met.id) else {
                continue;
            };
            let before = self.clients.len();
            let id = self.resolve_key(key, &met.name);
            if self.clients.len() > before
                && let Some(info) = self.clients.get_mut(id.index())
            {
                info.named_at = met.named_at;
            } else if let (Some(info), Some(at)) = (self.clients.get_mut(id.index()), met.named_at)
                && info.named_at.is_some_and(|named| at < named)
            {
                info.name = met.name;
                info.named_at = Some(at);
            }
            if let Some(slot) = ids.get_mut(met.id.index()) {
                *slot = id;
            }
        }
        ids
    }

    /// The client with this key, added with this name when new.
    fn resolve_key(&mut self, key: String, name: &str) -> ClientId {
        match self.by_key.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.push(ClientInfo {
                    key: key.clone(),
                    name: name.to_string(),
                    ..ClientInfo::default()
                });
                self.by_key.insert(key, id);
                id
            }
        }
    }

    /// The lookup tables, taken out to drop elsewhere (with 100,000 clients, freeing every key one by one
    /// takes some milliseconds).
    pub(crate) fn take_lookups(&mut self) -> impl Send + use<> {
        (
            std::mem::take(&mut self.by_key),
            std::mem::take(&mut self.by_domain),
            std::mem::take(&mut self.by_spelling),
        )
    }

    /// The clients, leaving none: for the report, the last to need them,
    /// to take their names rather than copy them.
    pub(crate) fn take_clients(&mut self) -> Vec<ClientInfo> {
        // The lookups go on a thread of their own: freeing every key one
        // by one would hold up the report (some milliseconds with 100,000).
        let lookups = self.take_lookups();
        let _ = std::thread::Builder::new().spawn(move || drop(lookups));
        std::mem::take(&mut self.clients)
    }

    /// `resolve`, for files read newest first: keeps as the display name
    /// the spelling that comes first in file order (`at` = file, line).
    pub(crate) fn resolve_at(&mut self, name: &str, at: (u32, u64)) -> Option<ClientId> {
        if self.shared.is_some() {
            let id = match self.by_spelling.get(name) {
                Some(id) => id,
                None => self.shared_id(name)?,
            };
            self.meet(id, name, Some(at));
            return Some(id);
        }
        let before = self.clients.len();
        let id = self.resolve(name)?;
        let created = self.clients.len() > before;
        if let Some(info) = self.clients.get_mut(id.index()) {
            if created {
                info.named_at = Some(at);
            } else if info.named_at.is_some_and(|named| at < named) {
                info.name = name.trim().to_string();
                info.named_at = Some(at);
            }
        }
        Some(id)
    }

    /// The client a name refers to, if it is known (by key or alias).
    pub(crate) fn find(&self, name: &str) -> Option<ClientId> {
        self.by_key.get(&self.key(name)).copied()
    }

    /// Name `project` as one of `id`'s (clients.csv `projects`); an error
    /// when another client has it already.
    pub(crate) fn add_project(&mut self, project: &str, id: ClientId) -> Result<(), String> {
        let key = crate::model::name_key(project);
        if key.is_empty() {
            return Ok(());
        }
        match self.by_project.get(&key) {
            Some(other) if *other != id => Err(format!(
                "project {} is listed for two clients: {} and {}",
                crate::error::quote(project),
                crate::error::quote(&self.info(*other).name),
                crate::error::quote(&self.info(id).name)
            )),
            _ => {
                self.by_project.insert(key, id);
                Ok(())
            }
        }
    }

    /// Whether clients.csv named any project.
    pub(crate) fn has_projects(&self) -> bool {
        match &self.shared {
            Some(shared) => shared.base.has_projects(),
            None => !self.by_project.is_empty(),
        }
    }

    /// The client a timesheet's project belongs to, through clients.csv
    /// `projects`.
    pub(crate) fn by_project(&self, project: &str) -> Option<ClientId> {
        if let Some(shared) = &self.shared {
            return shared.base.by_project(project);
        }
        if self.by_project.is_empty() {
            return None;
        }
        self.by_project
            .get(&crate::model::name_key(project))
            .copied()
    }

    /// The client an email address belongs to, through clients.csv `domains`.
    pub(crate) fn by_email(&self, email: &str) -> Option<ClientId> {
        if let Some(shared) = &self.shared {
            return shared.base.by_email(email);
        }
        let (_, domain) = email.trim().rsplit_once('@')?;
        let domain = domain.trim().trim_end_matches('>').to_lowercase();
        self.by_domain.get(&domain).copied()
    }

    fn push(&mut self, info: ClientInfo) -> ClientId {
        let id = ClientId(self.clients.len() as u32);
        self.clients.push(info);
        id
    }
}

#[cfg(test)]
mod tests;
