//! Reading any input the CLI and Python take into a [`Run`]: an OpenWPM
//! crawl (an SQLite file, or a folder of its Parquet output) or a HAR
//! capture. A front door over both readers, so that neither needs the other.

use std::fs::File;
use std::path::Path;

use crate::error::InputError;
use crate::run::Run;


impl Run {
    /// Reads one input: an OpenWPM crawl (an SQLite file, or a folder of
    /// its Parquet output) or a HAR capture. Returns the crawl's rows left
    /// out, one line a table and reason (none for a HAR).
    pub fn read_path(&mut self, path: &Path) -> Result<Vec<String>, InputError> {
        let name = path.display().to_string();
        if crate::openwpm::is_sqlite(path) || path.is_dir() {
            let crawl = if path.is_dir() { crate::openwpm::parquet::audit_parquet(self, path)? } else { crate::openwpm::audit_sqlite(self, path)? };
            return Ok(crawl.skipped.lines());
        }
        let file = File::open(path).map_err(|e| InputError::whole(&name, e.to_string()))?;
        self.read_har(&name, file)?;
        Ok(Vec::new())
    }
}
