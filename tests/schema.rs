//! The JSON Schema in rules/ describes the packs the loader accepts: the
//! default pack validates against it (Python's jsonschema), and packs the
//! loader rejects for shape are rejected by the schema too.

use std::process::Command;

const VALIDATE: &str = r#"
import sys, json, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
errors = sorted(e.message for e in v.iter_errors(json.load(open(sys.argv[2]))))
print(len(errors))
for e in errors[:5]: print(e)
"#;

fn validate(pack: &str) -> String {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/telltale-rules-v1.schema.json");
    let out = Command::new("python3").args(["-c", VALIDATE, schema, pack]).output().expect("python3 with jsonschema (scripts/setup.sh --test)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn default_pack_matches_the_schema() {
    assert_eq!(validate(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.json")), "0\n");
    assert_eq!(validate(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/easyprivacy.json")), "0\n");
}

#[test]
fn schema_and_loader_reject_the_same_shapes() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schema");
    std::fs::create_dir_all(&dir).unwrap();
    let good = r#"{"format": "telltale-rules/1", "name": "t", "version": "1", "license": "CC0-1.0",
 "sources": {"s": {"name": "n"}},
 "entities": [{"name": "A", "domains": ["a.example"], "categories": ["analytics"], "source": "s",
   "opt_outs": [{"kind": "cookie", "domain": "a.example", "name": "optout", "value": "1", "source": "s"}]}]}"#;
    let bad = [
        good.replace("\"analytics\"", "\"trackers\""),
        good.replace("\"a.example\"]", "\"A.Example\"]"),
        good.replace("\"license\"", "\"licence\""),
        good.replace("telltale-rules/1", "telltale-rules/2"),
        good.replace("\"kind\": \"cookie\"", "\"kind\": \"carrier-pigeon\""),
        good.replace("]}]}", "]}], \"filter_lists\": [{\"name\": \"L\", \"source\": \"s\", \"categories\": [], \"filters\": [\"||t.example^\"]}]}"),
        good.replace("]}]}", "]}], \"filter_lists\": [{\"name\": \"L\", \"source\": \"s\", \"categories\": [\"tracking\"], \"filters\": [\"! a comment\"]}]}"),
    ];
    let p = dir.join("good.json");
    std::fs::write(&p, good).unwrap();
    assert_eq!(validate(p.to_str().unwrap()), "0\n");
    assert!(telltale::RulePack::parse("good.json", good).is_ok());
    for (i, b) in bad.iter().enumerate() {
        let p = dir.join(format!("bad{i}.json"));
        std::fs::write(&p, b).unwrap();
        assert_ne!(validate(p.to_str().unwrap()), "0\n", "schema accepted bad{i}");
        assert!(telltale::RulePack::parse("bad.json", b).is_err(), "loader accepted bad{i}");
    }
}

#[test]
fn imported_tracker_data_set_matches_the_schema() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schema");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("../shared/data/duckduckgo/tds-slice.json").unwrap();
    let pack = telltale::rules::import::parse_any("tds-slice.json", &text).unwrap().pack;
    let path = dir.join("tds.json");
    std::fs::write(&path, telltale::rules::build::to_json_lines(&pack)).unwrap();
    assert_eq!(validate(path.to_str().unwrap()), "0\n");
    // A rule with an unknown key, and a tracker with an action the format does not have, fail both.
    let written = std::fs::read_to_string(&path).unwrap();
    for bad in [written.replacen("\"default\":\"block\"", "\"default\":\"allow\"", 1), written.replacen("\"rule\":", "\"regex\":", 1)] {
        std::fs::write(&path, &bad).unwrap();
        assert_ne!(validate(path.to_str().unwrap()), "0\n");
        assert!(telltale::RulePack::parse("tds.json", &bad).is_err());
    }
}
