//! The Python package `telltale` (PyO3, abi3; built by maturin with the
//! `python` feature): the same classifier as the CLI and the extension, over
//! Python values and over Arrow data without a Python loop per row, and the
//! same audit of HAR captures and OpenWPM crawls. The Python side
//! (`python/telltale/`) adds types, docstrings, `to_networkx` and Spark.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use arrow_pyarrow::PyArrowType;
use arrow_schema::{DataType, Field, Schema};
use pyo3::exceptions::{PyKeyError, PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::audit::Auditor;
use crate::classify::{classify, Verdict};
use crate::error::InputError;
use crate::learn::Learner;
use crate::observe::{ResourceType, WebUrl};

/// The one place Python gets an [`InputError`]: raised as
/// `telltale.InputError(message, file, line, column)`, line and column `None`
/// where the error has no position.
fn raise(py: Python<'_>, e: InputError) -> PyErr {
    let located = (e.line > 0).then_some((e.line, e.column));
    match py.import("telltale").and_then(|m| m.getattr("InputError")).and_then(|c| c.call1((e.message, e.file, located.map(|l| l.0), located.map(|l| l.1)))) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// Classifies URLs with the default pack and any rule lists given (packs,
/// Disconnect's services.json, DuckDuckGo's tds.json, Adblock Plus lists).
#[pyclass(module = "telltale._telltale", frozen)]
struct Classifier {
    auditor: Auditor,
    learner: Learner,
}

/// The verdicts of the requests a batch repeats. A verdict depends on the
/// URL, the page's host and the type only, and a crawl makes the same
/// requests on the pages of a site it visits one after another: each is
/// classified once. Rows are taken in windows of [`Memo::WINDOW`]; where the
/// first [`Memo::PROBE`] rows of a window repeat less than one in five, the
/// rest of it is classified row by row, as remembering would only cost.
struct Memo<'a> {
    seen: HashMap<(&'a str, Option<usize>, ResourceType), usize>,
    answers: Vec<Option<Verdict>>,
    /// Rows of this window so far, and how many repeated an earlier one.
    rows: usize,
    hits: usize,
    on: bool,
}

impl<'a> Memo<'a> {
    const WINDOW: usize = 16_384;
    const PROBE: usize = 2_048;

    fn new() -> Memo<'a> {
        Memo { seen: HashMap::new(), answers: Vec::new(), rows: 0, hits: 0, on: true }
    }

    fn next_row(&mut self) {
        if self.rows == Self::WINDOW {
            self.rows = 0;
            self.hits = 0;
        }
        // A new window starts remembering afresh; its probe may stop it.
        if self.rows == 0 || (self.rows == Self::PROBE && self.on && self.hits * 5 < Self::PROBE) {
            self.on = self.rows == 0;
            self.seen.clear();
            self.answers.clear();
        }
        self.rows += 1;
    }

    /// The verdict on a (URL, page host, type), judged the first time it comes.
    fn get(&mut self, key: (&'a str, Option<usize>, ResourceType), judge: impl FnOnce() -> Option<Verdict>) -> Option<&Verdict> {
        let at = match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => {
                self.hits += 1;
                *e.get()
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                self.answers.push(judge());
                *e.insert(self.answers.len() - 1)
            }
        };
        self.answers[at].as_ref()
    }
}

/// The column names the Arrow output adds, in order.
const OUT_COLUMNS: [&str; 7] = ["site", "entity", "company", "categories", "tracker", "third_party", "evidence"];

fn verdict_dict<'py>(py: Python<'py>, v: &Verdict) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("site", v.site.as_str())?;
    d.set_item("entity", v.entity.as_deref())?;
    d.set_item("company", v.company.as_deref())?;
    d.set_item("categories", v.categories.iter().map(|c| c.id()).collect::<Vec<_>>())?;
    d.set_item("tracker", v.tracker)?;
    d.set_item("third_party", v.third_party)?;
    d.set_item("evidence", v.evidence.iter().map(crate::audit::evidence_line).collect::<Vec<_>>())?;
    Ok(d)
}

/// A string column, whichever of Arrow's string layouts it has.
enum Strings<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl Strings<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

fn strings<'a>(batch: &'a RecordBatch, name: &str, role: &str) -> PyResult<Strings<'a>> {
    let (i, field) = batch.schema_ref().column_with_name(name).ok_or_else(|| {
        let have: Vec<&str> = batch.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        PyKeyError::new_err(format!("no column {name:?} (the {role}); the data has {}", have.join(", ")))
    })?;
    let col = batch.column(i);
    let any = col.as_any();
    Ok(match field.data_type() {
        DataType::Utf8 => Strings::Utf8(any.downcast_ref().expect("Utf8 is a StringArray")),
        DataType::LargeUtf8 => Strings::Large(any.downcast_ref().expect("LargeUtf8 is a LargeStringArray")),
        DataType::Utf8View => Strings::View(any.downcast_ref().expect("Utf8View is a StringViewArray")),
        other => return Err(PyTypeError::new_err(format!("column {name:?} (the {role}) holds {other}, not strings"))),
    })
}

/// A rule list in any format Telltale reads, from a file.
fn read_list(path: &std::path::Path) -> Result<crate::rules::import::Imported, InputError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| InputError::whole(&name, e.to_string()))?;
    crate::rules::import::parse_any(&name, &crate::rules::read_text(&name, file)?)
}

#[pymethods]
impl Classifier {
    #[new]
    #[pyo3(signature = (rules = None, default_rules = true))]
    fn new(py: Python<'_>, rules: Option<Vec<PathBuf>>, default_rules: bool) -> PyResult<Self> {
        let mut auditor = if default_rules { Auditor::with_default_pack() } else { Auditor::new() };
        for path in rules.unwrap_or_default() {
            let imported = read_list(&path).map_err(|e| raise(py, e))?;
            auditor.add_pack(imported.pack);
        }
        Ok(Classifier { auditor, learner: Learner::default() })
    }

    /// The verdict on one request as a dict, or `None` for a URL that is not a web address.
    #[pyo3(signature = (url, page_url = None, resource_type = "other"))]
    fn classify<'py>(&self, py: Python<'py>, url: &str, page_url: Option<&str>, resource_type: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Ok(u) = WebUrl::parse(url) else { return Ok(None) };
        let page = page_url.and_then(|p| WebUrl::parse(p).ok());
        let v = classify(self.auditor.rules(), &self.learner, &u, page.as_ref(), ResourceType::from_browser_name(resource_type));
        verdict_dict(py, &v).map(Some)
    }

    /// The batch with the verdict's columns appended (`site`, `entity`,
    /// `company`, `categories`, `tracker`, `third_party`, `evidence`); a row
    /// whose URL is null or no web address gets nulls.
    #[pyo3(signature = (batch, url = "url", page = "top_level_url", resource_type = "resource_type"))]
    fn classify_batch(&self, py: Python<'_>, batch: PyArrowType<RecordBatch>, url: &str, page: &str, resource_type: &str) -> PyResult<PyArrowType<RecordBatch>> {
        let batch = batch.0;
        for name in OUT_COLUMNS {
            if batch.schema_ref().column_with_name(name).is_some() {
                return Err(PyKeyError::new_err(format!("the data already has a column {name:?}, which the verdict adds")));
            }
        }
        let urls = strings(&batch, url, "request URL")?;
        let pages = strings(&batch, page, "page URL")?;
        let types = strings(&batch, resource_type, "resource type")?;
        let rows = batch.num_rows();
        let out = py.detach(|| {
            let mut site = StringBuilder::with_capacity(rows, rows * 16);
            let mut entity = StringBuilder::new();
            let mut company = StringBuilder::new();
            let mut categories = ListBuilder::new(StringBuilder::new());
            let mut tracker = BooleanBuilder::with_capacity(rows);
            let mut third = BooleanBuilder::with_capacity(rows);
            let mut evidence = ListBuilder::new(StringBuilder::new());
            // Pages repeat row after row: parse each once, and number its host.
            let mut last_page: Option<(String, Option<WebUrl>, Option<usize>)> = None;
            let mut hosts: HashMap<String, usize> = HashMap::new();
            let mut memo = Memo::new();
            for i in 0..rows {
                memo.next_row();
                let own;
                let verdict = match urls.get(i) {
                    None => None,
                    Some(u) => {
                        let p = pages.get(i).unwrap_or("");
                        if last_page.as_ref().is_none_or(|(text, _, _)| text != p) {
                            let page = WebUrl::parse(p).ok();
                            let host = page.as_ref().map(|w| match hosts.get(w.host.as_str()) {
                                Some(&id) => id,
                                None => {
                                    hosts.insert(w.host.as_str().to_owned(), hosts.len());
                                    hosts.len() - 1
                                }
                            });
                            last_page = Some((p.to_owned(), page, host));
                        }
                        let (page, host) = last_page.as_ref().map_or((None, None), |(_, w, h)| (w.as_ref(), *h));
                        let t = types.get(i).map_or(ResourceType::Other, ResourceType::from_browser_name);
                        let judge = || WebUrl::parse(u).ok().map(|u| classify(self.auditor.rules(), &self.learner, &u, page, t));
                        if memo.on {
                            memo.get((u, host, t), judge)
                        } else {
                            own = judge();
                            own.as_ref()
                        }
                    }
                };
                match verdict {
                    Some(v) => {
                        site.append_value(v.site.as_str());
                        entity.append_option(v.entity.as_deref());
                        company.append_option(v.company.as_deref());
                        for c in &v.categories {
                            categories.values().append_value(c.id());
                        }
                        categories.append(true);
                        tracker.append_value(v.tracker);
                        third.append_value(v.third_party);
                        for e in &v.evidence {
                            evidence.values().append_value(crate::audit::evidence_line(e));
                        }
                        evidence.append(true);
                    }
                    None => {
                        site.append_null();
                        entity.append_null();
                        company.append_null();
                        categories.append(false);
                        tracker.append_null();
                        third.append_null();
                        evidence.append(false);
                    }
                }
            }
            let added: [ArrayRef; 7] = [
                Arc::new(site.finish()),
                Arc::new(entity.finish()),
                Arc::new(company.finish()),
                Arc::new(categories.finish()),
                Arc::new(tracker.finish()),
                Arc::new(third.finish()),
                Arc::new(evidence.finish()),
            ];
            let mut fields: Vec<Arc<Field>> = batch.schema_ref().fields().iter().cloned().collect();
            let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
            for (name, col) in OUT_COLUMNS.iter().zip(added) {
                fields.push(Arc::new(Field::new(*name, col.data_type().clone(), true)));
                columns.push(col);
            }
            RecordBatch::try_new(Arc::new(Schema::new_with_metadata(fields, batch.schema_ref().metadata().clone())), columns)
        });
        out.map(PyArrowType).map_err(|e| PyTypeError::new_err(e.to_string()))
    }
}

/// Audits HAR captures and OpenWPM crawls (SQLite, or a Parquet folder): returns the report as
/// JSON text (as `telltale audit --json`) and the graph as Telltale's JSON
/// export, and the rows each crawl left out.
#[pyfunction]
#[pyo3(signature = (paths, rules = None, default_rules = true, temp_dir = None))]
fn audit(py: Python<'_>, paths: Vec<PathBuf>, rules: Option<Vec<PathBuf>>, default_rules: bool, temp_dir: Option<PathBuf>) -> PyResult<(String, String, Vec<String>)> {
    let auditor = Classifier::new(py, rules, default_rules)?.auditor;
    // The audit runs without the GIL: other Python threads go on meanwhile.
    let done = py.detach(move || {
        let mut run = crate::run::Run::new(auditor, temp_dir);
        let mut left_out = Vec::new();
        for path in paths {
            let name = path.display().to_string();
            let lines = run.read_path(&path).map_err(Failed::Input)?;
            left_out.extend(lines.into_iter().map(|l| format!("{name}: {l}")));
        }
        let mut report = Vec::new();
        run.write_json(&mut report, false).map_err(|e| Failed::Output(e.to_string()))?;
        let report = String::from_utf8(report).map_err(|e| Failed::Output(e.to_string()))?;
        Ok((report, crate::export::json::write(run.auditor().graph()), left_out))
    });
    done.map_err(|e| match e {
        Failed::Input(e) => raise(py, e),
        Failed::Output(m) => PyOSError::new_err(m),
    })
}

/// Why an audit stopped, carried out of the part that runs without the GIL.
enum Failed {
    Input(InputError),
    Output(String),
}

#[pymodule]
fn _telltale(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Classifier>()?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
