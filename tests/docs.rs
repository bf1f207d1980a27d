//! The command-line examples of README.md and docs/ run as written, from the
//! repository's root, on the bundled samples: every line of a ```sh block that
//! starts with `telltale ` and names no placeholder (a word in capitals, `...`
//! or `|`) runs, succeeds and prints something or writes the file it names.

use std::path::Path;
use std::process::Command;

fn examples(doc: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && l.starts_with("telltale ") => {
                let placeholder = l.contains("...") || l.contains('|') || l.contains('#')
                    || l.split_whitespace().any(|w| w.chars().any(|c| c.is_ascii_uppercase()) && !w.starts_with("--"));
                if !placeholder {
                    out.push(l.to_owned());
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn command_line_examples_run_on_the_bundled_samples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(root.join("target")).unwrap();
    let mut ran = Vec::new();
    for doc in ["README.md", "docs/cli.md", "docs/crawls.md", "docs/exports.md", "docs/extension.md"] {
        for line in examples(doc) {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            let out = Command::new(env!("CARGO_BIN_EXE_telltale")).args(&args).current_dir(root).output().unwrap();
            assert!(out.status.success(), "{doc}: `{line}` failed: {}", String::from_utf8_lossy(&out.stderr));
            let wrote = args.windows(2).find(|w| w[0] == "--export" || w[0] == "-o").map(|w| root.join(w[1]));
            match wrote {
                Some(file) => assert!(std::fs::metadata(&file).is_ok_and(|m| m.len() > 0), "{doc}: `{line}` wrote nothing to {}", file.display()),
                None => assert!(!out.stdout.is_empty(), "{doc}: `{line}` printed nothing"),
            }
            ran.push(format!("{doc}: {line}"));
        }
    }
    // The README's first examples and the docs' own are among them.
    assert!(ran.iter().filter(|l| l.starts_with("README.md")).count() >= 2, "{ran:?}");
    assert!(ran.iter().any(|l| l.starts_with("docs/")), "{ran:?}");
}
