//! The solidarity wall as an Atom feed (RFC 4287): the newest approved messages, as plain
//! text, with the poster's name and organisation as given. Never an email or address.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use atom_syndication::{Content, Entry, Feed, Generator, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, FixedOffset, Utc};
use picket_store::wall::WallMessage;
use picket_store::Branch;

/// How many messages the feed carries.
pub const FEED_ENTRIES: u32 = 50;

/// Text without the characters XML 1.0 cannot carry (control characters other than tab and
/// newlines), which would make the whole feed unreadable.
fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .collect()
}

fn fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

fn entry(base: &str, branch: &Branch, m: &WallMessage) -> Entry {
    let url = format!("{base}/{}/wall/{}", branch.slug, m.id);
    let from = match &m.organisation {
        Some(org) if !org.is_empty() => format!("{}, {org}", m.name),
        _ => m.name.clone(),
    };
    Entry {
        title: Text::plain(xml_text(&format!("{from} ({})", m.kind.label()))),
        id: url.clone(),
        updated: fixed(m.moderated_at.unwrap_or(m.created_at).max(m.created_at)),
        published: Some(fixed(m.created_at)),
        authors: vec![Person {
            name: xml_text(&m.name),
            ..Person::default()
        }],
        links: vec![Link {
            href: url,
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            ..Link::default()
        }],
        content: Some(Content {
            value: Some(xml_text(&m.message)),
            content_type: Some("text".into()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

/// The feed document for a branch's wall.
pub fn feed(base: &str, branch: &Branch, messages: &[WallMessage]) -> Feed {
    let wall = format!("{base}/{}/wall", branch.slug);
    let entries: Vec<Entry> = messages.iter().map(|m| entry(base, branch, m)).collect();
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| fixed(branch.created_at));
    Feed {
        title: Text::plain(xml_text(&format!("{}: solidarity wall", branch.name))),
        subtitle: Some(Text::plain("Messages of support, newest first")),
        id: format!("{wall}/feed.atom"),
        updated,
        authors: vec![Person {
            name: xml_text(&branch.name),
            uri: Some(format!("{base}/{}", branch.slug)),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: format!("{wall}/feed.atom"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: wall,
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        generator: Some(Generator {
            value: "Picket".into(),
            ..Generator::default()
        }),
        lang: Some("en-GB".into()),
        entries,
        ..Feed::default()
    }
}

/// GET /{branch}/wall/feed.atom: the newest approved messages, newest first.
pub async fn atom(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let branch = state.store.branch_by_slug(&slug).await?;
    let messages = state
        .store
        .newest_approved_wall(branch.id, FEED_ENTRIES)
        .await?;
    let doc = feed(state.settings.public_base(), &branch, &messages);
    let body = doc
        .write_to(Vec::new())
        .map_err(|e| AppError::Internal(format!("atom: {e}")))?;
    Ok(crate::cache::respond(
        &headers,
        "application/atom+xml; charset=utf-8",
        "public, max-age=60",
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::xml_text;

    #[test]
    fn control_characters_are_dropped_but_text_is_kept() {
        assert_eq!(xml_text("a\u{1}b\u{1b}c\n<d>"), "abc\n<d>");
    }
}
