//! One audit over input files (the CLI's `telltale audit`, Python's
//! `telltale.audit`): HAR captures and OpenWPM crawls read in the order
//! given into one [`Auditor`], the pages kept in that order, and the audit
//! written out as a stream.
//!
//! A HAR's pages stay open tabs until the end (a capture's entries of
//! different pages interleave). A crawl's visit is a tab closed as the
//! visit ends: its report waits in a temporary file (removed by the
//! system when the run ends, even on a crash) and is brought up to date
//! with what was learned after it ([`Auditor::settle`]) as the output is
//! written. So memory holds one visit, the graph and what was learned, not
//! every page's report, and the output is the same as if every tab had
//! stayed open.

use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::PathBuf;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::audit::{Auditor, ClosedReport};
use crate::observe::TabId;
use crate::report::{self, PageOuts, Summary};

pub use crate::error::InputError;

/// Writing the audit out failed.
#[derive(Debug)]
pub enum WriteError {
    /// Where the audit was going.
    Output(std::io::Error),
    /// The pages waiting in a temporary file could not be read back.
    Pages(String),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Output(e) => write!(f, "{e}"),
            WriteError::Pages(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// A stretch of the pages, in the order read.
enum Part {
    /// An open tab.
    Open(TabId),
    /// The next `n` closed reports in the temporary file.
    Closed(u64),
}

/// Pages of closed tabs, one JSON line each, in an unnamed temporary file.
struct Closed {
    file: BufWriter<File>,
}

/// One audit: the auditor, and the pages in the order they were read.
pub struct Run {
    auditor: Auditor,
    parts: Vec<Part>,
    closed: Option<Closed>,
    next_tab: TabId,
    temp_dir: Option<PathBuf>,
}

impl Run {
    /// A run with `auditor` (its packs loaded); temporary files go in
    /// `temp_dir`, else the system's temporary folder (`$TMPDIR`).
    pub fn new(auditor: Auditor, temp_dir: Option<PathBuf>) -> Run {
        Run { auditor, parts: Vec::new(), closed: None, next_tab: 1, temp_dir }
    }

    pub fn auditor(&self) -> &Auditor {
        &self.auditor
    }

    /// Where temporary files go.
    pub fn temp_dir(&self) -> PathBuf {
        self.temp_dir.clone().unwrap_or_else(std::env::temp_dir)
    }

    /// Reads a HAR capture; its pages stay open until the output is written.
    pub fn read_har<R: Read>(&mut self, name: &str, reader: R) -> Result<(), InputError> {
        let tabs = crate::har::audit_har(&mut self.auditor, name, reader, self.next_tab)?;
        for tab in tabs {
            self.next_tab = self.next_tab.max(tab + 1);
            self.parts.push(Part::Open(tab));
        }
        Ok(())
    }

    /// A new tab, for the caller to feed one page to and then [`Run::close`].
    pub(crate) fn open_tab(&mut self) -> (&mut Auditor, TabId) {
        let tab = self.next_tab;
        self.next_tab += 1;
        (&mut self.auditor, tab)
    }

    /// Closes a tab whose page has been read: its report waits on disk.
    pub(crate) fn close(&mut self, tab: TabId) -> std::io::Result<()> {
        let Some(report) = self.auditor.close_tab(tab) else {
            return Ok(());
        };
        if self.closed.is_none() {
            let file = tempfile::tempfile_in(self.temp_dir())?;
            self.closed = Some(Closed { file: BufWriter::new(file) });
        }
        let closed = self.closed.as_mut().expect("made above");
        serde_json::to_writer(&mut closed.file, &report)?;
        closed.file.write_all(b"\n")?;
        match self.parts.last_mut() {
            Some(Part::Closed(n)) => *n += 1,
            _ => self.parts.push(Part::Closed(1)),
        }
        Ok(())
    }

    /// Every page as it stands at the end ([`report::page`]), in the order read, to `each`.
    fn pages(&mut self, mut each: impl FnMut(&report::PageOut) -> Result<(), WriteError>) -> Result<(), WriteError> {
        let temp = |e: &dyn fmt::Display| WriteError::Pages(format!("reading back the pages in a temporary file: {e}"));
        let mut reader = match self.closed.take() {
            None => None,
            Some(c) => {
                let mut file = c.file.into_inner().map_err(|e| temp(e.error()))?;
                file.rewind().map_err(|e| temp(&e))?;
                Some(BufReader::new(file))
            }
        };
        let mut line = String::new();
        let mut outs = PageOuts::new(&self.auditor);
        for part in &self.parts {
            match *part {
                Part::Open(tab) => {
                    if let Some(r) = self.auditor.tab_report(tab) {
                        each(&outs.page(r))?;
                    }
                }
                Part::Closed(n) => {
                    let reader = reader.as_mut().ok_or_else(|| temp(&"read once only"))?;
                    for _ in 0..n {
                        line.clear();
                        reader.read_line(&mut line).map_err(|e| temp(&e))?;
                        let closed: ClosedReport = serde_json::from_str(&line).map_err(|e| temp(&e))?;
                        each(&outs.page(&self.auditor.settle(closed)))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes the audit as JSON ([`report::AuditOut`]'s shape), page by page.
    pub fn write_json<W: Write>(&mut self, mut out: W, pretty: bool) -> Result<(), WriteError> {
        let summary = report::summary(&self.auditor);
        let stream = Streamed { pages: PageStream { run: RefCell::new(Some(self)), failed: RefCell::new(None) }, summary };
        let written = if pretty { serde_json::to_writer_pretty(&mut out, &stream) } else { serde_json::to_writer(&mut out, &stream) };
        if let Some(e) = stream.pages.failed.into_inner() {
            return Err(e);
        }
        written.map_err(|e| WriteError::Output(e.into()))?;
        if pretty {
            out.write_all(b"\n").map_err(WriteError::Output)?;
        }
        out.flush().map_err(WriteError::Output)
    }

    /// Writes the audit as text for a terminal ([`report::to_text`]), page by page.
    pub fn write_text<W: Write>(&mut self, mut out: W) -> Result<(), WriteError> {
        let summary = report::summary(&self.auditor);
        self.pages(|p| out.write_all(report::page_text(p).as_bytes()).map_err(WriteError::Output))?;
        out.write_all(report::summary_text(&summary).as_bytes()).map_err(WriteError::Output)?;
        out.flush().map_err(WriteError::Output)
    }
}

/// The audit's JSON: the pages as a stream, then the summary's fields.
#[derive(Serialize)]
struct Streamed<'r> {
    pages: PageStream<'r>,
    #[serde(flatten)]
    summary: Summary,
}

struct PageStream<'r> {
    run: RefCell<Option<&'r mut Run>>,
    /// Reading the pages back failed (not the writer).
    failed: RefCell<Option<WriteError>>,
}

impl Serialize for PageStream<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let run = self.run.borrow_mut().take().ok_or_else(|| S::Error::custom("the pages are written once"))?;
        let mut seq = s.serialize_seq(None)?;
        let mut written = None;
        let read = run.pages(|p| {
            seq.serialize_element(p).map_err(|e| {
                let text = e.to_string();
                written = Some(e);
                WriteError::Pages(text)
            })
        });
        if let Some(e) = written {
            return Err(e);
        }
        if let Err(e) = read {
            let text = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom(text));
        }
        seq.end()
    }
}
