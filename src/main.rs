//! `telltale`: the command-line auditor for HAR captures and rule packs.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fs;
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use clap::{Args, Parser, Subcommand};
    use telltale::export::{export, Format};
    use telltale::rules::build::{build_default_pack_reporting, to_json_lines, Inputs};
    use telltale::{report, Auditor, InputError, RulePack};

    /// The viewer an interactive HTML export carries inline: extension/viewer/
    /// with sigma, as esbuild bundles it (scripts/build-extension.sh checks it is current).
    const VIEWER: &str = include_str!("../extension/viewer/viewer.bundle.js");

    /// `audit --format`: a graph format, or the interactive page.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum ExportFormat {
        Graph(Format),
        Html,
    }

    impl std::str::FromStr for ExportFormat {
        type Err = String;
        fn from_str(s: &str) -> Result<Self, String> {
            if s.eq_ignore_ascii_case("html") {
                return Ok(ExportFormat::Html);
            }
            s.parse().map(ExportFormat::Graph).map_err(|_| format!("unknown format {s:?}: expected one of json, gexf, graphml, dot, csv, html"))
        }
    }

    impl std::fmt::Display for ExportFormat {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                ExportFormat::Graph(g) => g.fmt(f),
                ExportFormat::Html => f.write_str("interactive HTML"),
            }
        }
    }

    #[derive(Parser)]
    #[command(name = "telltale", version, about = "Audit web pages for trackers: who saw you, where, and how.")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Audit HAR captures: third parties per page, grouped by company, and who saw you across sites.
        Audit(AuditArgs),
        /// Write what one site did, as one self-contained HTML file (the extension's site report).
        Report(ReportArgs),
        /// Print the declarativeNetRequest rules that choices come to (the extension's own code path).
        Policy(PolicyArgs),
        /// Rule packs: check or build.
        Rules {
            #[command(subcommand)]
            command: RulesCommand,
        },
    }

    #[derive(Args)]
    struct AuditArgs {
        /// HAR files (`-` reads standard input) or OpenWPM crawls (crawl-data.sqlite, or a folder of its Parquet output).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Extra rule packs, loaded after the default pack (later packs win for a shared domain).
        #[arg(long = "rules", value_name = "PACK")]
        rules: Vec<PathBuf>,
        /// Leave out the default pack.
        #[arg(long)]
        no_default_rules: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Write the tracker graph here (a directory for csv).
        #[arg(long, value_name = "PATH", requires = "format")]
        export: Option<PathBuf>,
        /// Export format: json, gexf, graphml, dot, csv, or html (one page
        /// to explore offline: pan, zoom, each site's details and a list).
        #[arg(long, value_name = "FORMAT", requires = "export")]
        format: Option<ExportFormat>,
        /// Also write the trackers that heuristics found and no pack names, as a rule pack to share.
        #[arg(long, value_name = "PACK.json")]
        learned_pack: Option<PathBuf>,
        /// A third party no pack names is a learned tracker once it shows
        /// tracking behaviour (an identifying cookie, cookie syncing,
        /// fingerprinting, beacons, session replay, key logging) on this many first-party sites.
        #[arg(long, value_name = "N", default_value_t = telltale::learn::LEARN_MIN_SITES as u64, value_parser = clap::value_parser!(u64).range(1..10_000))]
        learn_sites: u64,
        /// Where temporary files go: a crawl's page reports until the output
        /// is written, and the working copy of a Parquet crawl (about the
        /// size of its columns Telltale reads). Default: $TMPDIR, else /tmp.
        #[arg(long, value_name = "DIR")]
        temp_dir: Option<PathBuf>,
    }

    #[derive(Args)]
    struct ReportArgs {
        /// HAR files (`-` reads standard input) or OpenWPM crawls, as for `audit`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The site to report on (a hostname; its registrable domain is used).
        #[arg(long, value_name = "SITE")]
        site: String,
        /// Where to write the report (`-` for standard output).
        #[arg(short, long, value_name = "REPORT.html")]
        output: PathBuf,
        /// Extra rule packs, loaded after the default pack.
        #[arg(long = "rules", value_name = "PACK")]
        rules: Vec<PathBuf>,
        /// Leave out the default pack.
        #[arg(long)]
        no_default_rules: bool,
        /// Where temporary files go (as for `audit`).
        #[arg(long, value_name = "DIR")]
        temp_dir: Option<PathBuf>,
    }

    #[derive(Clone, Copy, clap::ValueEnum)]
    enum ImportFrom {
        /// Disconnect's services.json (and entities.json).
        Disconnect,
        /// Adblock Plus filter lists (EasyList, EasyPrivacy, ...): one or more, compiled together.
        Abp,
        /// DuckDuckGo's Tracker Data Set (tds.json): trackers, entities, domains and cnames.
        Tds,
    }

    #[derive(Args)]
    struct PolicyArgs {
        /// Block a company (as the packs name it), a third-party site, or a category:
        /// `company:NAME`, `site:SITE`, `category:ID` (session-replay, retargeting, advertising, ...).
        #[arg(long = "block", value_name = "WHAT")]
        block: Vec<String>,
        /// Trust a first-party site: nothing is blocked and no opt-out signal is sent there.
        #[arg(long = "trust", value_name = "SITE")]
        trust: Vec<String>,
        /// Opt out everywhere: Sec-GPC and DNT on every request, and every vendor's own opt-out.
        #[arg(long)]
        opt_out: bool,
        /// Extra rule packs, loaded after the default pack.
        #[arg(long = "rules", value_name = "PACK")]
        rules: Vec<PathBuf>,
        /// Leave out the default pack.
        #[arg(long)]
        no_default_rules: bool,
        /// Print everything the choices come to (rules, page scripts, opt-out cookies and pages), not only the rules.
        #[arg(long)]
        full: bool,
    }

    #[derive(Subcommand)]
    enum RulesCommand {
        /// Check rule lists (a Telltale pack, Disconnect's services.json, DuckDuckGo's tds.json or an Adblock Plus list, told by content); errors give file, line and column.
        Check {
            #[arg(required = true)]
            packs: Vec<PathBuf>,
        },
        /// Import a list researchers keep as a Telltale pack.
        Import {
            /// The list's format.
            #[arg(long = "from", value_enum)]
            from: ImportFrom,
            /// The list; for disconnect, services.json then (optionally) entities.json for owners;
            /// for abp, one or more filter lists; for tds, one tds.json.
            #[arg(required = true)]
            files: Vec<PathBuf>,
            /// For abp: the categories a block by these lists means (default: by the list's
            /// title, as rules/README.md tabulates; `tracking` for lists it does not know).
            #[arg(long = "category", value_name = "ID")]
            categories: Vec<String>,
            /// For abp: take only the filters under these sections of the list (the names in
            /// its `! *** easylist:easylist/NAME.txt ***` headers), comma-separated.
            #[arg(long = "sections", value_name = "NAME,...", value_delimiter = ',')]
            sections: Vec<String>,
            /// Where to write the pack.
            #[arg(short, long, value_name = "PACK.json")]
            output: PathBuf,
        },
        /// Counts by category, source, licence and format of rule lists.
        Info {
            #[arg(required = true)]
            packs: Vec<PathBuf>,
        },
        /// Merge packs into one: for a domain several name, the later pack wins (as when loaded in that order).
        Merge {
            #[arg(required = true)]
            packs: Vec<PathBuf>,
            #[arg(short, long, value_name = "PACK.json")]
            output: PathBuf,
        },
        /// Build the default pack from its public sources.
        Build {
            /// third-party-web's dist/entities.json.
            #[arg(long, value_name = "FILE")]
            third_party_web: PathBuf,
            /// third-party-web's version.
            #[arg(long, value_name = "VERSION")]
            third_party_web_version: String,
            /// Blacklight's session-recorder list.
            #[arg(long, value_name = "FILE")]
            session_recorders: PathBuf,
            /// Directory of curated layers (*.json).
            #[arg(long, value_name = "DIR")]
            curated: PathBuf,
            /// The pack's version.
            #[arg(long, value_name = "VERSION")]
            version: String,
            /// Where to write the pack.
            #[arg(short, long, value_name = "FILE")]
            output: PathBuf,
        },
    }

    pub fn main() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            // --help and --version go to standard output, which may fail like any other.
            Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
                return match write_stdout(&e.render().to_string()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(m) => {
                        let _ = writeln!(io::stderr(), "telltale: {m}");
                        ExitCode::FAILURE
                    }
                };
            }
            Err(e) => e.exit(),
        };
        let result = match cli.command {
            Command::Audit(a) => audit(a),
            Command::Report(r) => site_report(r),
            Command::Policy(p) => policy(p),
            Command::Rules { command: RulesCommand::Check { packs } } => check(&packs),
            Command::Rules { command: RulesCommand::Import { from, files, output, categories, sections } } => import(from, &files, &output, &categories, &sections),
            Command::Rules { command: RulesCommand::Info { packs } } => info(&packs),
            Command::Rules { command: RulesCommand::Merge { packs, output } } => merge(&packs, &output),
            Command::Rules { command: RulesCommand::Build { third_party_web, third_party_web_version, session_recorders, curated, version, output } } => {
                build(&third_party_web, &third_party_web_version, &session_recorders, &curated, &version, &output)
            }
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let _ = writeln!(io::stderr(), "telltale: {}", report::printable(&e.0));
                ExitCode::FAILURE
            }
        }
    }

    /// Why a command failed, in words: an [`InputError`] says where its
    /// input is wrong as it says it everywhere. `main` prints it.
    struct Failure(String);

    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl From<InputError> for Failure {
        fn from(e: InputError) -> Failure {
            Failure(e.to_string())
        }
    }

    impl From<String> for Failure {
        fn from(m: String) -> Failure {
            Failure(m)
        }
    }

    impl From<&str> for Failure {
        fn from(m: &str) -> Failure {
            Failure(m.to_owned())
        }
    }

    fn read(path: &Path) -> Result<String, InputError> {
        fs::read_to_string(path).map_err(|e| InputError::whole(&path.display().to_string(), e.to_string()))
    }

    /// A rule list in any format Telltale reads, from a file (`-` for standard
    /// input), size-limited and located like every pack error.
    fn read_list(path: &Path) -> Result<telltale::rules::import::Imported, InputError> {
        let name = path.display().to_string();
        let (name, text) = if name == "-" {
            ("<stdin>".to_owned(), telltale::rules::read_text("<stdin>", io::stdin().lock()))
        } else {
            let f = fs::File::open(path).map_err(|e| InputError::whole(&name, e.to_string()))?;
            (name.clone(), telltale::rules::read_text(&name, f))
        };
        telltale::rules::import::parse_any(&name, &text?)
    }

    fn read_pack(path: &Path) -> Result<RulePack, InputError> {
        read_list(path).map(|i| i.pack)
    }

    fn skipped_note(skipped: &std::collections::BTreeMap<String, usize>) -> String {
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; left out: {}", skipped.iter().map(|(why, n)| format!("{n} {why}")).collect::<Vec<_>>().join(", "))
        }
    }

    fn write_pack(output: &Path, pack: &RulePack) -> Result<(), Failure> {
        let text = to_json_lines(pack);
        // What is written must load: it is checked as any pack is.
        RulePack::parse(&output.display().to_string(), &text)?;
        Ok(fs::write(output, &text).map_err(|e| format!("{}: {e}", output.display()))?)
    }

    fn import(from: ImportFrom, files: &[PathBuf], output: &Path, categories: &[String], sections: &[String]) -> Result<(), Failure> {
        use telltale::rules::import::{abp, check, disconnect, tds};
        if !categories.is_empty() && !matches!(from, ImportFrom::Abp) {
            return Err("--category is for --from abp: other formats name their own categories".into());
        }
        if !sections.is_empty() && !matches!(from, ImportFrom::Abp) {
            return Err("--sections is for --from abp: other formats have no sections".into());
        }
        let json = |p: &Path| -> Result<serde_json::Value, InputError> {
            let name = p.display().to_string();
            let text = telltale::rules::read_text(&name, fs::File::open(p).map_err(|e| InputError::whole(&name, e.to_string()))?)?;
            serde_json::from_str(&text).map_err(|e| InputError::at(&name, e.line(), e.column(), format!("not valid JSON: {e}")))
        };
        let imported = match from {
            ImportFrom::Disconnect => {
                if files.len() > 2 {
                    return Err("--from disconnect takes services.json and, optionally, entities.json".into());
                }
                let services = json(&files[0])?;
                let entities = files.get(1).map(|p| json(p)).transpose()?;
                let (sname, ename) = (files[0].display().to_string(), files.get(1).map(|p| p.display().to_string()));
                let i = disconnect::import((&sname, &services), entities.as_ref().map(|e| (ename.as_deref().unwrap_or(""), e)))?;
                check(&sname, i)?
            }
            ImportFrom::Tds => {
                if files.len() > 1 {
                    return Err("--from tds takes one tds.json".into());
                }
                let name = files[0].display().to_string();
                let i = tds::import(&name, &json(&files[0])?)?;
                check(&name, i)?
            }
            ImportFrom::Abp => {
                let cats = categories
                    .iter()
                    .map(|c| {
                        telltale::rules::Category::from_id(c).ok_or_else(|| {
                            let ids: Vec<&str> = telltale::rules::Category::ALL.iter().map(|c| c.id()).collect();
                            format!("--category {c:?} is not a category: expected one of {}", ids.join(", "))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let mut texts = Vec::new();
                for p in files {
                    let name = p.display().to_string();
                    let f = fs::File::open(p).map_err(|e| InputError::whole(&name, e.to_string()))?;
                    texts.push((name.clone(), telltale::rules::read_text(&name, f)?));
                }
                let lists: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
                let i = abp::import_sections(&lists, (!cats.is_empty()).then_some(&cats[..]), sections)?;
                check(&files[0].display().to_string(), i)?
            }
        };
        write_pack(output, &imported.pack)?;
        let filters: usize = imported.pack.filter_lists.iter().map(|l| l.filters.len()).sum();
        let trackers: usize = imported.pack.tracker_lists.iter().map(|l| l.trackers.len()).sum();
        let rules: usize = imported.pack.tracker_lists.iter().flat_map(|l| l.trackers.iter()).map(|t| t.rules.len()).sum();
        let cnames: usize = imported.pack.tracker_lists.iter().map(|l| l.cnames.len()).sum();
        let lists = if filters > 0 {
            format!(", {filters} network filters")
        } else if trackers > 0 {
            format!(", {trackers} trackers with {rules} URL rules, {cnames} CNAME records")
        } else {
            String::new()
        };
        write_stdout(&format!(
            "{}: {} entities, {} domains{lists}, from {}{}\n",
            output.display(),
            imported.pack.entities.len(),
            imported.pack.entities.iter().map(|e| e.domains.len()).sum::<usize>(),
            files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" and "),
            skipped_note(&imported.skipped)
        ))
    }

    fn info(packs: &[PathBuf]) -> Result<(), Failure> {
        let mut out = String::new();
        for p in packs {
            let imported = read_list(p)?;
            for line in telltale::rules::info(&imported.pack, &p.display().to_string()).lines() {
                out += &format!("{}\n", report::printable(line));
            }
            if !imported.skipped.is_empty() {
                out += &format!("  imported{}\n", skipped_note(&imported.skipped).trim_start_matches(';'));
            }
        }
        write_stdout(&out)
    }

    fn merge(packs: &[PathBuf], output: &Path) -> Result<(), Failure> {
        let list = packs.iter().map(|p| read_pack(p)).collect::<Result<Vec<_>, _>>()?;
        let merged = telltale::rules::merge(&list);
        write_pack(output, &merged)?;
        write_stdout(&format!("{}: {} entities from {} packs\n", output.display(), merged.entities.len(), list.len()))
    }

    fn audit(a: AuditArgs) -> Result<(), Failure> {
        let mut auditor = load_rules(a.no_default_rules, &a.rules)?;
        auditor.set_learn_min_sites(a.learn_sites as usize);
        let mut run = telltale::run::Run::new(auditor, a.temp_dir.clone());
        read_inputs(&mut run, &a.files)?;
        let stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        if a.json { run.write_json(stdout, true) } else { run.write_text(stdout) }.map_err(|e| match e {
            telltale::run::WriteError::Output(e) => format!("standard output: {e}"),
            e => e.to_string(),
        })?;
        let auditor = run.auditor();
        if let (Some(path), Some(format)) = (a.export, a.format) {
            match format {
                ExportFormat::Graph(Format::Csv) => {
                    fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    for (name, body) in export(auditor.graph(), Format::Csv) {
                        let p = path.join(name);
                        fs::write(&p, body).map_err(|e| format!("{}: {e}", p.display()))?;
                    }
                }
                ExportFormat::Graph(f) => {
                    let body = &export(auditor.graph(), f)[0].1;
                    fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
                }
                ExportFormat::Html => {
                    let data = telltale::view::interactive(auditor.graph(), auditor.rules(), auditor.policy(), &telltale::view::Filters::default());
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64);
                    let body = telltale::export::html::interactive_html(&data, None, VIEWER, now);
                    fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
                }
            }
            let _ = writeln!(io::stderr(), "telltale: wrote the {format} export to {}", path.display());
        }
        if let Some(path) = &a.learned_pack {
            let names: Vec<String> = a.files.iter().map(|f| f.display().to_string()).collect();
            let pack = auditor.learned_pack(&format!("the captures {}", names.join(", ")), "1");
            write_pack(path, &pack)?;
            let _ = writeln!(io::stderr(), "telltale: wrote {} learned trackers to {}", pack.entities.len(), path.display());
        }
        Ok(())
    }

    /// Reads HARs (`-`: standard input) and crawls into `run`, saying on standard error what each left out.
    fn read_inputs(run: &mut telltale::run::Run, files: &[PathBuf]) -> Result<(), Failure> {
        for f in files {
            let name = f.display().to_string();
            let left_out = if name == "-" { run.read_har("<stdin>", io::stdin().lock()).map(|_| Vec::new()) } else { run.read_path(f) };
            for line in left_out? {
                let _ = writeln!(io::stderr(), "telltale: {}: left out {}", report::printable(&name), line);
            }
        }
        Ok(())
    }

    fn site_report(a: ReportArgs) -> Result<(), Failure> {
        let site = telltale::Host::parse(&a.site).map(|h| h.site()).map_err(|e| format!("--site {}: not a site: {e}", report::printable(&a.site)))?;
        let auditor = load_rules(a.no_default_rules, &a.rules)?;
        let mut run = telltale::run::Run::new(auditor, a.temp_dir.clone());
        read_inputs(&mut run, &a.files)?;
        let inputs = a.files.iter().map(|f| f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned())).collect();
        let measured = telltale::site_report::Measured { browser: None, inputs };
        let r = telltale::site_report::site_report(run.auditor(), &site, &measured).ok_or_else(|| format!("{site} appears nowhere in the input: no page of it was visited and it was no third party"))?;
        let html = telltale::site_report::to_html(&r);
        if a.output.as_os_str() == "-" {
            write_stdout(&html)
        } else {
            fs::write(&a.output, html).map_err(|e| format!("{}: {e}", a.output.display()))?;
            let _ = writeln!(io::stderr(), "telltale: wrote the report on {site} to {}", a.output.display());
            Ok(())
        }
    }

    fn load_rules(no_default: bool, packs: &[PathBuf]) -> Result<Auditor, InputError> {
        let mut auditor = if no_default { Auditor::new() } else { Auditor::with_default_pack() };
        for p in packs {
            auditor.add_pack(read_pack(p)?);
        }
        Ok(auditor)
    }

    fn policy(a: PolicyArgs) -> Result<(), Failure> {
        use telltale::policy::{Capabilities, Choice, Policy};
        use telltale::{Category, Site};
        let auditor = load_rules(a.no_default_rules, &a.rules)?;
        let site = |s: &str| -> Result<Site, String> { telltale::Host::parse(s).map(|h| h.site()).map_err(|e| format!("{s:?} is not a site: {e}")) };
        let mut p = Policy::new();
        for b in &a.block {
            let choice = match b.split_once(':') {
                Some(("company", name)) if !name.trim().is_empty() => Choice::BlockCompany { company: name.to_owned() },
                Some(("site", s)) => Choice::BlockSite { site: site(s)? },
                Some(("category", id)) => Choice::BlockCategory {
                    category: Category::from_id(id).ok_or_else(|| format!("--block {b}: unknown category {id:?}: expected one of {}", Category::ALL.map(|c| c.id()).join(", ")))?,
                },
                _ => return Err(format!("--block {b}: expected company:NAME, site:SITE or category:ID").into()),
            };
            p.add(choice, 0.0);
        }
        for t in &a.trust {
            p.add(Choice::TrustSite { site: site(t)? }, 0.0);
        }
        if a.opt_out {
            p.add(Choice::OptOutEverywhere, 0.0);
        }
        let mut with = auditor;
        with.set_policy(p);
        let compiled = with.compile_policy(&Capabilities::default());
        let text = if a.full { serde_json::to_string_pretty(&compiled) } else { serde_json::to_string_pretty(&compiled.rules) }.map_err(|e| e.to_string())?;
        write_stdout(&(text + "\n"))?;
        for n in &compiled.not_applied {
            let _ = writeln!(io::stderr(), "telltale: not applied: {}: {}", report::printable(&n.label), report::printable(&n.reason));
        }
        if compiled.not_applied.is_empty() {
            Ok(())
        } else {
            Err(format!("{} of the choices could not be applied in full", compiled.not_applied.len()).into())
        }
    }

    fn write_stdout(text: &str) -> Result<(), Failure> {
        let mut out = io::stdout().lock();
        Ok(out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| format!("standard output: {e}"))?)
    }

    fn check(packs: &[PathBuf]) -> Result<(), Failure> {
        let mut out = String::new();
        for p in packs {
            let name = p.display().to_string();
            let pack = read_pack(p)?;
            let domains: usize = pack.entities.iter().map(|e| e.domains.len()).sum();
            let patterns: usize = pack.entities.iter().map(|e| e.patterns.len()).sum();
            out += &format!(
                "{name}: ok: {} {} with {} entities, {domains} domains, {patterns} patterns, {} sources\n",
                report::printable(&pack.name),
                report::printable(&pack.version),
                pack.entities.len(),
                pack.sources.len()
            );
        }
        write_stdout(&out)
    }

    fn build(tpw: &Path, tpw_version: &str, recorders: &Path, curated: &Path, version: &str, output: &Path) -> Result<(), Failure> {
        let mut layers = Vec::new();
        let dir = fs::read_dir(curated).map_err(|e| format!("{}: {e}", curated.display()))?;
        for entry in dir {
            let p = entry.map_err(|e| e.to_string())?.path();
            if p.extension().is_some_and(|x| x == "json") {
                layers.push((p.display().to_string(), read(&p)?));
            }
        }
        layers.sort();
        let (pack, dropped) =
            build_default_pack_reporting(&Inputs { third_party_web: &read(tpw)?, third_party_web_version: tpw_version, session_recorders: &read(recorders)?, curated: layers, version })?;
        let text = to_json_lines(&pack);
        // The result must load: check it as any pack is checked.
        RulePack::parse(&output.display().to_string(), &text)?;
        fs::write(output, &text).map_err(|e| format!("{}: {e}", output.display()))?;
        write_stdout(&format!(
            "{}: {} entities from {} sources; left out {} public-suffix domains ({})\n",
            output.display(),
            pack.entities.len(),
            pack.sources.len(),
            dropped.len(),
            dropped.join(", ")
        ))
    }
}
