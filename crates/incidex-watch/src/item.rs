//! One thing a source offers: a feed entry or a link on a listing page.

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// What the source remembers it by: the feed entry's id (with its update
    /// date) or the notice's URL.
    pub key: String,
    /// What the item stays across updates: the feed entry's id (without its
    /// update date) or the notice's URL. A link-less entry's document is
    /// stored under it, so an updated entry replaces its earlier version.
    pub id: String,
    pub title: String,
    /// The notice to fetch, when there is one.
    pub link: Option<String>,
    /// The entry's own content (title and summary or content, as HTML),
    /// ingested when there is no link.
    pub html: Option<String>,
}
