//! The interactive HTML export: one file holding a view of the graph (filters
//! applied), every shown site's details, and the viewer (extension/viewer/,
//! sigma bundled in) inline. It opens offline in any browser and fetches
//! nothing. The graph page passes where each site sits on its screen; the CLI
//! passes nothing, and the viewer lays the sites out when the file opens.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::view::Interactive;

/// Where a site sits on screen: x, y and the size drawn.
pub type Positions = BTreeMap<String, (f64, f64, Option<f64>)>;

const STYLE: &str = r#"
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d0d7de;--panel:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#3d444d;--panel:#161b22}}
*{box-sizing:border-box}html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.5rem 1rem;border-bottom:1px solid var(--line)}
h1{font-size:1.1rem;margin:0}.muted{color:var(--muted)}
button{font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:.3rem;padding:.2rem .6rem;cursor:pointer}
button[aria-pressed=true]{background:var(--panel);font-weight:600}
button:focus-visible,#panel h2:focus-visible{outline:3px solid #0969da;outline-offset:2px}
main{flex:1;position:relative;min-height:0}
#graph-view{position:absolute;inset:0}#canvas{position:absolute;inset:0;background:#fff}
.tools{position:absolute;left:.75rem;bottom:.75rem;display:flex;gap:.3rem}.tools button{background:var(--bg)}
#panel{position:absolute;top:.5rem;right:.5rem;bottom:.5rem;width:min(24rem,90vw);overflow:auto;background:var(--bg);border:1px solid var(--line);border-radius:.4rem;padding:.75rem 1rem}
#panel h2{font-size:1.05rem;margin:.2rem 2rem .3rem 0;overflow-wrap:anywhere}#panel h3{font-size:.9rem;margin:.8rem 0 .2rem}
#panel ul{margin:0;padding-left:1.1rem;overflow-wrap:anywhere}#panel .close{position:absolute;top:.5rem;right:.5rem}
#list-view{position:absolute;inset:0;overflow:auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
td.n{text-align:right}tr[aria-selected=true]{background:var(--panel)}.pick{border:0;padding:0;text-decoration:underline}
#legend{position:absolute;left:.75rem;top:.5rem;margin:0;padding:.4rem .6rem;list-style:none;background:var(--bg);border:1px solid var(--line);border-radius:.4rem;font-size:.8rem;max-width:17rem}
#legend li{display:flex;align-items:center;gap:.45rem}#legend span{flex:none;display:inline-block}
.swatch{width:.7rem;height:.7rem;border-radius:50%}.ring{width:.75rem;height:.75rem;border-radius:50%;border:3px solid var(--fg)}.line{width:26px;height:4px}
"#;

/// The file's text. `positions`: where each site sits (the graph page's
/// picture); sites without one start on a spiral and the viewer settles them
/// with ForceAtlas2. `viewer`: the viewer's script. `made_ms`: when, for the title.
pub fn interactive_html(data: &Interactive, positions: Option<&Positions>, viewer: &str, made_ms: f64) -> String {
    let mut value = serde_json::to_value(data).expect("an interactive view is plain data");
    let mut settle = false;
    if let Some(nodes) = value.pointer_mut("/view/nodes").and_then(|n| n.as_array_mut()) {
        for (i, node) in nodes.iter_mut().enumerate() {
            let id = node.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let Some(o) = node.as_object_mut() else { continue };
            let (x, y) = match positions.and_then(|p| p.get(&id)) {
                Some(&(x, y, size)) if x.is_finite() && y.is_finite() => {
                    if let Some(s) = size.filter(|s| s.is_finite() && *s > 0.0) {
                        o.insert("size".into(), s.into());
                    }
                    (x, y)
                }
                _ => {
                    settle = true;
                    spiral(i)
                }
            };
            o.insert("x".into(), x.into());
            o.insert("y".into(), y.into());
        }
    }
    if let Some(o) = value.as_object_mut() {
        o.insert("scale".into(), 1.0.into());
        o.insert("layout".into(), (if settle { "settle" } else { "given" }).into());
    }
    // Inline script: nothing in the data or the viewer may close the element early.
    let json = value.to_string().replace('<', "\\u003c").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    let viewer = close_tags_escaped(viewer);
    let nodes = &data.view.nodes;
    let sites = nodes.len();
    let trackers = nodes.iter().filter(|n| n.tracker).count();
    let visited = nodes.iter().filter(|n| n.first_party).count();
    let made = crate::behaviour::rfc3339_seconds(made_ms);
    // Digits and dashes only: nothing to escape.
    let title = format!("Telltale — who saw you ({})", made.get(..10).unwrap_or_default());
    let mut o = String::with_capacity(json.len() + viewer.len() + 4096);
    let _ = write!(
        o,
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title><style>{STYLE}</style></head>
<body>
<header><h1>{title}</h1>
<p class="muted">{sites} sites: {visited} visited, {trackers} trackers. Drag to pan, scroll to zoom, click a site for its details.</p>
<div role="group" aria-label="View"><button type="button" id="show-graph" aria-pressed="true">Graph</button> <button type="button" id="show-list" aria-pressed="false">List</button></div>
</header>
<main>
<section id="graph-view" aria-label="Graph">
<div id="canvas" role="img" aria-label="Tracker graph of {sites} sites: {visited} visited, {trackers} trackers. The List view shows the same sites as a table."></div>
<ul id="legend" aria-label="Legend"></ul>
<div class="tools"><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-out" aria-label="Zoom out">−</button><button type="button" id="fit">Fit</button></div>
<aside id="panel" aria-live="polite" hidden></aside>
</section>
<section id="list-view" aria-label="List" hidden>
<table><thead><tr><th scope="col">Site</th><th scope="col">Owner</th><th scope="col">Categories</th><th scope="col" class="n">Sites seen on</th><th scope="col" class="n">Requests</th></tr></thead><tbody id="rows"></tbody></table>
</section>
</main>
<script type="application/json" id="telltale-data">{json}</script>
<script>{viewer}</script>
</body></html>
"#
    );
    o
}

/// A start on a golden-angle spiral: spread out, the same every time.
fn spiral(i: usize) -> (f64, f64) {
    let r = 10.0 * ((i + 1) as f64).sqrt();
    let a = i as f64 * 2.399_963_229_728_653;
    (r * a.cos(), r * a.sin())
}

/// `</script` in any case written `<\/script`, which a script reads the same.
fn close_tags_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("</") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        out.push_str(if after.get(..6).is_some_and(|t| t.eq_ignore_ascii_case("script")) { "<\\/" } else { "</" });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Hit, TrackerGraph};
    use crate::rules::Category;
    use crate::site::Site;

    fn data() -> Interactive {
        let mut g = TrackerGraph::new();
        let (p, t) = (Site::of("news.example").unwrap(), Site::of("rec.example").unwrap());
        g.visit(&p, 1_700_000_000_000.0);
        g.record_request(&Hit { from: &p, to: &t, page: &p, time: 1_700_000_000_000.0, resource_type: Some("script"), redirect: false });
        g.classify(&t, Some("Rec </script><b>"), None, &[Category::SessionReplay], true, &[]);
        crate::view::interactive(&g, &crate::rules::RuleIndex::new(), &crate::policy::Policy::new(), &crate::view::Filters::default())
    }

    fn embedded(html: &str) -> serde_json::Value {
        let start = html.find(r#"id="telltale-data">"#).unwrap() + r#"id="telltale-data">"#.len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    }

    #[test]
    fn the_file_carries_the_view_its_details_and_the_viewer_and_nothing_closes_a_script_early() {
        let html = interactive_html(&data(), None, "run();/*</SCRIPT>*/", 1_700_000_000_000.0);
        assert!(html.contains("<title>Telltale — who saw you (2023-11-14)</title>"));
        assert!(html.contains("Tracker graph of 2 sites: 1 visited, 1 trackers."));
        assert!(html.contains("<script>run();/*<\\/SCRIPT>*/</script>"));
        assert_eq!(html.matches("</script>").count(), 2, "the data and the viewer, each closed once");
        let d = embedded(&html);
        assert_eq!(d["layout"], "settle");
        assert_eq!(d["details"]["rec.example"]["entity"], "Rec </script><b>");
        let nodes = d["view"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 2);
        assert!(nodes.iter().all(|n| n["x"].is_f64() && n["y"].is_f64()));
        assert_ne!((nodes[0]["x"].as_f64(), nodes[0]["y"].as_f64()), (nodes[1]["x"].as_f64(), nodes[1]["y"].as_f64()));
    }

    #[test]
    fn given_positions_are_kept_and_a_missing_one_is_laid_out() {
        let mut p = Positions::new();
        p.insert("news.example".into(), (3.5, -2.0, Some(9.0)));
        p.insert("rec.example".into(), (1.0, 1.0, None));
        let d = embedded(&interactive_html(&data(), Some(&p), "", 0.0));
        assert_eq!(d["layout"], "given");
        let news = d["view"]["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "news.example").unwrap();
        assert_eq!((news["x"].as_f64(), news["y"].as_f64(), news["size"].as_f64()), (Some(3.5), Some(-2.0), Some(9.0)));
        p.remove("rec.example");
        p.insert("news.example".into(), (f64::NAN, 0.0, None));
        assert_eq!(embedded(&interactive_html(&data(), Some(&p), "", 0.0))["layout"], "settle");
    }
}
