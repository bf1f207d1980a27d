//! Telltale's categories: stable ids that packs, exports and the extension share.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Telltale's categories. The ids are stable: exports and packs rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    SessionReplay,
    Retargeting,
    Advertising,
    Analytics,
    Social,
    Fingerprinting,
    CrossSiteCookies,
    /// Named as tracking by a list that does not say how (EasyPrivacy, say).
    Tracking,
    TagManager,
    Consent,
    Content,
    Cdn,
    Other,
}

impl Category {
    pub const ALL: [Category; 13] = [
        Category::SessionReplay,
        Category::Retargeting,
        Category::Advertising,
        Category::Analytics,
        Category::Social,
        Category::Fingerprinting,
        Category::CrossSiteCookies,
        Category::Tracking,
        Category::TagManager,
        Category::Consent,
        Category::Content,
        Category::Cdn,
        Category::Other,
    ];

    /// The stable id, as in packs and exports.
    pub fn id(self) -> &'static str {
        match self {
            Category::SessionReplay => "session-replay",
            Category::Retargeting => "retargeting",
            Category::Advertising => "advertising",
            Category::Analytics => "analytics",
            Category::Social => "social",
            Category::Fingerprinting => "fingerprinting",
            Category::CrossSiteCookies => "cross-site-cookies",
            Category::Tracking => "tracking",
            Category::TagManager => "tag-manager",
            Category::Consent => "consent",
            Category::Content => "content",
            Category::Cdn => "cdn",
            Category::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Whether a third party in this category follows people: these make it
    /// a tracker. A tag loader is one, whoever makes it: it exists to run
    /// trackers on the page, and it is the same kind of thing for Google as
    /// for Tealium (rules/README.md, "Tag loaders").
    pub fn is_tracking(self) -> bool {
        matches!(
            self,
            Category::SessionReplay
                | Category::Retargeting
                | Category::Advertising
                | Category::Analytics
                | Category::Social
                | Category::Fingerprinting
                | Category::CrossSiteCookies
                | Category::Tracking
                | Category::TagManager
        )
    }
}

/// Adds categories to a set. `tracking` only says that a list calls a third
/// party tracking; once another tracking category says how, it is dropped.
pub fn merge_categories(set: &mut std::collections::BTreeSet<Category>, more: impl IntoIterator<Item = Category>) {
    set.extend(more);
    if set.contains(&Category::Tracking) && set.iter().filter(|c| c.is_tracking()).count() > 1 {
        set.remove(&Category::Tracking);
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
