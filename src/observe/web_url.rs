//! URLs parsed once, with a host on the web; cut before parsing when giant;
//! the journal's form without query values.

use std::borrow::Cow;

use url::Url;

use super::*;

/// A URL that was parsed and has a host on the web (http, https, ws, wss).
#[derive(Debug, Clone)]
pub struct WebUrl {
    pub url: Url,
    pub host: Host,
    pub site: Site,
    /// The text as given, when it differs from `url`'s serialisation
    /// (`https://a.example` for `https://a.example/`): filter lists match
    /// the request as it was written, as a browser's blocker does.
    written: Option<Box<str>>,
}

/// Equal when the parsed URLs are equal, however they were written.
impl PartialEq for WebUrl {
    fn eq(&self, other: &WebUrl) -> bool {
        self.url == other.url
    }
}

impl Eq for WebUrl {}

impl WebUrl {
    /// Parses `raw` (cut to [`MAX_URL_BYTES`]) and keeps it only if it is a web URL with a host.
    pub fn parse(raw: &str) -> Result<WebUrl, ObserveError> {
        let cut = cut_url(raw);
        let url = Url::parse(cut).map_err(|e| ObserveError::BadUrl { url: shorten(raw), reason: e.to_string() })?;
        let mut w = Self::from_url(url)?;
        if w.url.as_str() != cut {
            w.written = Some(cut.into());
        }
        Ok(w)
    }

    /// The URL as the event wrote it (cut to [`MAX_URL_BYTES`]).
    pub fn as_written(&self) -> &str {
        self.written.as_deref().unwrap_or(self.url.as_str())
    }

    /// Resolves `raw` against `base` (for relative redirect targets).
    pub fn join(base: &Url, raw: &str) -> Result<WebUrl, ObserveError> {
        let url = base.join(cut_url(raw)).map_err(|e| ObserveError::BadUrl { url: shorten(raw), reason: e.to_string() })?;
        Self::from_url(url)
    }

    fn from_url(url: Url) -> Result<WebUrl, ObserveError> {
        match url.scheme() {
            "http" | "https" | "ws" | "wss" => {}
            other => return Err(ObserveError::NotNetwork { scheme: other.to_owned() }),
        }
        let host = Host::of_url(&url).ok_or_else(|| ObserveError::BadUrl { url: shorten(url.as_str()), reason: "no usable host".into() })?;
        let site = host.site();
        Ok(WebUrl { url, host, site, written: None })
    }

    /// Host and path without the leading slash's host separator, as rule patterns match it: `host/path`.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The page this URL addresses, without what belongs to the person
    /// rather than the page: no user name or password, query string or
    /// fragment (where sites put session tokens, searches and reset links).
    /// Pages are kept, shown and exported in this form.
    pub fn address(&self) -> WebUrl {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        WebUrl { url, host: self.host.clone(), site: self.site.clone(), written: None }
    }
}

/// A URL as the journal may store it: no fragment, and a query cut to its
/// parameters' names (`?a=&b=`). Values are where pages and trackers put
/// session tokens, typed text and identifiers; a filter rule that names a
/// parameter still matches the stored form.
pub fn without_query_values(u: &str) -> Cow<'_, str> {
    let u = u.split_once('#').map_or(u, |(before, _)| before);
    let Some((base, query)) = u.split_once('?') else {
        return Cow::Borrowed(u);
    };
    if query.split('&').all(|p| p.is_empty() || p.ends_with('=') && p.find('=') == Some(p.len() - 1)) {
        return Cow::Borrowed(u);
    }
    let names: Vec<&str> = query.split('&').filter_map(|p| p.find('=').map(|i| &p[..=i])).collect();
    Cow::Owned(format!("{base}?{}", names.join("&")))
}

pub(super) fn cut_url(raw: &str) -> &str {
    if raw.len() <= MAX_URL_BYTES {
        return raw;
    }
    let mut end = MAX_URL_BYTES;
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    &raw[..end]
}

pub(crate) fn shorten(s: &str) -> String {
    let cut = if s.len() > 120 {
        let mut end = 120;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    } else {
        s.to_owned()
    };
    cut
}

/// Where a beacon went, as kept: host and path, shortened (what it carried
/// in its query is the person's, not the tracker's).
pub(super) fn beacon_address(url: &str) -> String {
    let u = without_query_values(url);
    let u = u.split_once('?').map_or(&*u, |(before, _)| before);
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    let u = u.rsplit_once('@').filter(|(userinfo, _)| !userinfo.contains('/')).map_or(u, |(_, rest)| rest);
    shorten(u)
}

pub(super) fn optional_web_url(raw: &Option<String>) -> Option<WebUrl> {
    raw.as_deref().filter(|s| !s.is_empty()).and_then(|s| WebUrl::parse(s).ok())
}
