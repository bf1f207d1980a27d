//! The change from what the browser has in force to what the choices
//! compile to: rules and page scripts, only what changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

/// The change that brings the browser's dynamic rules to the computed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulesDiff {
    pub remove_rule_ids: Vec<u32>,
    pub add_rules: Vec<DnrRule>,
}

impl RulesDiff {
    pub fn is_empty(&self) -> bool {
        self.remove_rule_ids.is_empty() && self.add_rules.is_empty()
    }
}

/// The change that brings the registered page scripts to the computed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptsDiff {
    pub unregister: Vec<String>,
    pub register: Vec<PageScript>,
}


/// The change from the rules in force (`current`, as `getDynamicRules` gives
/// them) to the computed ones: a rule whose id is kept but whose content
/// changed is removed and added again.
pub fn diff(current: &[DnrRule], wanted: &[DnrRule]) -> RulesDiff {
    let now: BTreeMap<u32, &DnrRule> = current.iter().map(|r| (r.id, r)).collect();
    let want: BTreeMap<u32, &DnrRule> = wanted.iter().map(|r| (r.id, r)).collect();
    let mut d = RulesDiff::default();
    for (id, r) in &now {
        if want.get(id).is_none_or(|w| !same_rule(w, r)) {
            d.remove_rule_ids.push(*id);
        }
    }
    for (id, w) in &want {
        if now.get(id).is_none_or(|r| !same_rule(w, r)) {
            d.add_rules.push((*w).clone());
        }
    }
    d
}

/// Rules compare as sets where order carries no meaning (browsers may hand
/// back lists in another order), and fields left at their defaults (`null`,
/// `false`) as absent.
pub(super) fn same_rule(a: &DnrRule, b: &DnrRule) -> bool {
    fn norm(r: &DnrRule) -> DnrRule {
        let mut r = r.clone();
        let unset = |v: &Value| v.is_null() || *v == Value::Bool(false);
        r.action.other.retain(|_, v| !unset(v));
        r.condition.other.retain(|_, v| !unset(v));
        let c = &mut r.condition;
        for l in [&mut c.request_domains, &mut c.excluded_initiator_domains, &mut c.resource_types].into_iter().flatten() {
            l.sort();
        }
        r.action.request_headers.sort_by(|x, y| x.header.cmp(&y.header));
        r
    }
    norm(a) == norm(b)
}

/// The change from the registered page scripts (`getRegisteredContentScripts`,
/// our ids only) to the computed ones.
pub fn diff_scripts(current: &[Value], wanted: &[PageScript]) -> ScriptsDiff {
    let mut d = ScriptsDiff::default();
    let now: BTreeMap<String, &Value> = current
        .iter()
        .filter_map(|v| Some((v.get("id")?.as_str()?.to_owned(), v)))
        .filter(|(id, _)| id.starts_with("telltale-"))
        .collect();
    for (id, v) in &now {
        let keep = wanted.iter().find(|w| w.id == *id).is_some_and(|w| same_script(w, v));
        if !keep {
            d.unregister.push(id.clone());
        }
    }
    for w in wanted {
        let keep = now.get(&w.id).is_some_and(|v| same_script(w, v));
        if !keep {
            d.register.push(w.clone());
        }
    }
    d
}

pub(super) fn same_script(w: &PageScript, v: &Value) -> bool {
    let list = |k: &str| -> Vec<String> {
        let mut l: Vec<String> = v.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default();
        l.sort();
        l
    };
    let mut ex = w.exclude_matches.clone();
    ex.sort();
    list("js") == w.js && list("excludeMatches") == ex
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::fixtures::*;

    #[test]
    fn ids_are_stable_and_diffs_touch_only_what_changed() {
        let (ix, g) = (ix(), TrackerGraph::new());
        let caps = Capabilities::default();
        let mut p = Policy::new();
        p.add(Choice::BlockSite { site: site("unknown.example") }, 1.0);
        let one = compile(&p, &ix, &g, &caps);
        p.add(Choice::BlockCategory { category: Category::SessionReplay }, 2.0);
        let two = compile(&p, &ix, &g, &caps);
        let d = diff(&one.rules, &two.rules);
        assert!(d.remove_rule_ids.is_empty(), "{d:?}");
        assert_eq!(d.add_rules.len(), two.rules.len() - 1);
        // The same choices compile to the same ids, whatever their order.
        let mut q = Policy::new();
        q.add(Choice::BlockCategory { category: Category::SessionReplay }, 1.0);
        q.add(Choice::BlockSite { site: site("unknown.example") }, 2.0);
        assert_eq!(compile(&q, &ix, &g, &caps).rules, two.rules);
        assert!(diff(&two.rules, &two.rules).is_empty());
        // Removing a choice removes its rules and adds nothing.
        p.act(&Intent::Unblock { site: "unknown.example".into() }, 1, 3.0, &ix, &g).unwrap();
        let three = compile(&p, &ix, &g, &caps);
        let d = diff(&two.rules, &three.rules);
        assert_eq!((d.remove_rule_ids.len(), d.add_rules.len()), (1, 0));
        // Firefox hands rules back with every field, most of them null: the same rules.
        let firefox: Vec<DnrRule> = serde_json::from_str(&serde_json::to_string(&three.rules).unwrap().replace(
            "\"domainType\"",
            "\"initiatorDomains\":null,\"regexFilter\":null,\"tabIds\":null,\"isUrlFilterCaseSensitive\":null,\"domainType\"",
        ).replace("\"type\":\"block\"", "\"type\":\"block\",\"redirect\":null,\"requestHeaders\":null")).unwrap();
        assert!(diff(&firefox, &three.rules).is_empty(), "{:?}", diff(&firefox, &three.rules));
        // A rule with a field Telltale never sets is not Telltale's rule.
        let mut foreign = three.rules.clone();
        foreign[0].condition.other.insert("tabIds".into(), serde_json::json!([1]));
        assert_eq!(diff(&foreign, &three.rules).remove_rule_ids.len(), 1);
        // A rule the browser holds in another order is the same rule.
        let mut shuffled = three.rules.clone();
        for r in &mut shuffled {
            if let Some(l) = r.condition.request_domains.as_mut() {
                l.reverse();
            }
        }
        assert!(diff(&shuffled, &three.rules).is_empty());
    }
}
