//! The public wall as anonymous visitors see it, rendered once and kept precompressed.
//!
//! When a campaign goes viral nearly every read is an anonymous visitor's, and they all get
//! the same bytes: the page carries no per-visitor token (the form's stamp changes once a
//! second). So the rendered page is kept with its gzip form and an ETag, served without a
//! database query, and dropped when a moderator changes the wall (on every process, through
//! the store's events) or when its second is up.
//!
//! When the second is up, one request renders the page again while the others go on getting
//! the page of the second before (the same messages, with a stamp a second older), so a
//! crowd of visitors arriving together does not render it a hundred times over.

use crate::cache::CachedPage;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A kept page, and the second in which a request claimed to render its successor.
#[derive(Debug)]
struct Entry {
    page: Arc<CachedPage>,
    claimed: Option<i64>,
}

/// Which page: branch slug, sender-kind filter, page number.
pub type PageKey = (String, String, u32);

/// What the cache has for a request.
#[derive(Debug)]
pub enum Lookup {
    /// The page of this second, or of the second before while another request renders it.
    Page(Arc<CachedPage>),
    /// Nothing usable: this request renders the page (and [`WallCache::put`]s it).
    Render,
}

/// Rendered wall pages by key.
#[derive(Debug, Default)]
pub struct WallCache {
    pages: Mutex<HashMap<PageKey, Entry>>,
    /// Bumped by every invalidation, so a page rendered from older data is never stored.
    generations: Mutex<HashMap<String, u64>>,
}

impl WallCache {
    /// The page for `key` if it was made in `second`.
    pub fn get(&self, key: &PageKey, second: i64) -> Option<Arc<CachedPage>> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .get(key)
            .map(|e| &e.page)
            .filter(|p| p.second == second)
            .cloned()
    }

    /// The page to send for `key` in `second`: this second's page; else the second before's
    /// while another request, which claimed it this second, renders the new one; else
    /// [`Lookup::Render`], and this request has the claim. A page from before the wall last
    /// changed is never here: [`WallCache::invalidate`] drops it.
    pub fn lookup(&self, key: &PageKey, second: i64) -> Lookup {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        match pages.get_mut(key) {
            Some(entry) if entry.page.second == second => Lookup::Page(entry.page.clone()),
            Some(entry) if entry.page.second == second - 1 && entry.claimed != Some(second) => {
                entry.claimed = Some(second);
                Lookup::Render
            }
            Some(entry) if entry.page.second == second - 1 => Lookup::Page(entry.page.clone()),
            _ => Lookup::Render,
        }
    }

    /// The wall's generation: read it before reading the database for a render.
    pub fn generation(&self, slug: &str) -> u64 {
        let generations = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        generations.get(slug).copied().unwrap_or(0)
    }

    /// Keeps a page rendered at `generation`, unless the wall changed since.
    pub fn put(&self, key: PageKey, page: Arc<CachedPage>, generation: u64) {
        let generations = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        if generations.get(&key.0).copied().unwrap_or(0) != generation {
            return;
        }
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        // Pages of older seconds are useless; keep the map from growing with filters and pages.
        if pages.len() > 512 {
            let second = page.second;
            pages.retain(|_, e| e.page.second >= second - 1);
        }
        pages.insert(
            key,
            Entry {
                page,
                claimed: None,
            },
        );
    }

    /// Forgets every page of a branch's wall, and refuses pages rendered before now.
    pub fn invalidate(&self, slug: &str) {
        let mut generations = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        *generations.entry(slug.to_string()).or_insert(0) += 1;
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages.retain(|(s, _, _), _| s != slug);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn pages_expire_with_their_second_and_on_invalidation() {
        let cache = WallCache::default();
        let key = ("northfield".to_string(), String::new(), 1);
        let page = Arc::new(CachedPage::new("<p>solidarity</p>".repeat(100), 10));
        cache.put(key.clone(), page, cache.generation("northfield"));
        assert!(cache.get(&key, 10).is_some());
        assert!(
            cache.get(&key, 11).is_none(),
            "a new second needs a new stamp"
        );
        cache.invalidate("other");
        assert!(cache.get(&key, 10).is_some());
        cache.invalidate("northfield");
        assert!(cache.get(&key, 10).is_none());
    }

    #[test]
    fn one_request_renders_the_next_second_while_the_others_get_the_last() {
        let cache = WallCache::default();
        let key = ("northfield".to_string(), String::new(), 1);
        assert!(
            matches!(cache.lookup(&key, 10), Lookup::Render),
            "nothing kept yet"
        );
        let page = Arc::new(CachedPage::new("<p>second 10</p>".into(), 10));
        cache.put(key.clone(), page, cache.generation("northfield"));
        assert!(matches!(cache.lookup(&key, 10), Lookup::Page(p) if p.second == 10));
        // Second 11: the first request renders, the next ones get second 10's page.
        assert!(matches!(cache.lookup(&key, 11), Lookup::Render));
        assert!(matches!(cache.lookup(&key, 11), Lookup::Page(p) if p.second == 10));
        assert!(matches!(cache.lookup(&key, 11), Lookup::Page(p) if p.second == 10));
        // The render failed or is slow: in second 12 somebody claims it again.
        assert!(matches!(cache.lookup(&key, 12), Lookup::Render));
        // A page two seconds old is not served.
        assert!(matches!(cache.lookup(&key, 13), Lookup::Render));
        assert!(matches!(cache.lookup(&key, 13), Lookup::Render));
        let page = Arc::new(CachedPage::new("<p>second 13</p>".into(), 13));
        cache.put(key.clone(), page, cache.generation("northfield"));
        assert!(matches!(cache.lookup(&key, 14), Lookup::Render));
        // After a change nobody gets the old page, whatever its second.
        cache.invalidate("northfield");
        assert!(matches!(cache.lookup(&key, 14), Lookup::Render));
        assert!(matches!(cache.lookup(&key, 14), Lookup::Render));
    }

    #[test]
    fn a_page_rendered_before_a_change_is_not_kept() {
        let cache = WallCache::default();
        let key = ("northfield".to_string(), String::new(), 1);
        let before = cache.generation("northfield");
        // A moderator approves while the page is being rendered from the old data.
        cache.invalidate("northfield");
        cache.put(
            key.clone(),
            Arc::new(CachedPage::new("stale".into(), 5)),
            before,
        );
        assert!(cache.get(&key, 5).is_none(), "the stale render was dropped");
        cache.put(
            key.clone(),
            Arc::new(CachedPage::new("fresh".into(), 5)),
            cache.generation("northfield"),
        );
        assert_eq!(&cache.get(&key, 5).unwrap().html[..], b"fresh");
    }

    #[test]
    fn the_gzip_form_decodes_to_the_page() {
        let page = CachedPage::new("<p>solidarity</p>".repeat(100), 1);
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&page.gzip[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded.as_bytes(), &page.html[..]);
        assert!(page.gzip.len() < page.html.len() / 10);
        assert_eq!(
            page.etag,
            CachedPage::new("<p>solidarity</p>".repeat(100), 2).etag
        );
    }
}
