//! OpenWPM's Parquet output: `DIR/<table>/<uuid>-0.parquet`, several files
//! a table, and no folder for a table that has no rows. The columns are
//! OpenWPM's (`openwpm/storage/parquet_schema.py`); Parquet has no row id,
//! so rows keep their file order within a visit and are merged by time.
//!
//! A visit's rows may be spread over many files, and files are not sorted
//! by visit. The rows Telltale needs are copied, batch by batch, into a
//! temporary SQLite database beside the system's temporary files, and read
//! from there in visit order as a crawl's own database is: memory holds a
//! batch while copying and a visit while auditing, and the disk holds the
//! columns read. A value of a type OpenWPM does not write there (a number
//! where a URL belongs) is counted by table and column and read as missing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use rusqlite::types::Value;
use rusqlite::Connection;

use super::{audit_connection, Crawl, Skipped, TABLES};
use crate::error::InputError;
use crate::run::Run;

/// Whether a folder looks like OpenWPM's Parquet output (it has a `site_visits` folder).
pub fn is_parquet_crawl(dir: &Path) -> bool {
    dir.join("site_visits").is_dir()
}

/// The temporary database, removed when dropped.
/// A table's Parquet files, in name order (an absent folder is a table with no rows).
fn files(dir: &Path, table: &str) -> Result<Vec<PathBuf>, std::io::Error> {
    let folder = dir.join(table);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(folder)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "parquet")).collect();
    v.sort();
    Ok(v)
}

/// Columns OpenWPM writes as numbers or booleans; every other column Telltale reads is text.
const NUMERIC: [&str; 4] = ["visit_id", "response_status", "request_id", "is_session"];

/// One cell as SQLite stores it; `None` for a type OpenWPM does not write
/// there (a number in a text column; a list, a struct, bytes anywhere).
fn cell(col: &ArrayRef, i: usize, text: bool) -> Option<Value> {
    if col.is_null(i) {
        return Some(Value::Null);
    }
    let is_text = matches!(col.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    if text && !is_text {
        return None;
    }
    Some(match col.data_type() {
        DataType::Utf8 => Value::Text(col.as_string::<i32>().value(i).to_owned()),
        DataType::LargeUtf8 => Value::Text(col.as_string::<i64>().value(i).to_owned()),
        DataType::Utf8View => Value::Text(col.as_string_view().value(i).to_owned()),
        DataType::Boolean => Value::Integer(i64::from(col.as_boolean().value(i))),
        DataType::Int8 => Value::Integer(col.as_primitive::<Int8Type>().value(i).into()),
        DataType::Int16 => Value::Integer(col.as_primitive::<Int16Type>().value(i).into()),
        DataType::Int32 => Value::Integer(col.as_primitive::<Int32Type>().value(i).into()),
        DataType::Int64 => Value::Integer(col.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => Value::Integer(col.as_primitive::<UInt8Type>().value(i).into()),
        DataType::UInt16 => Value::Integer(col.as_primitive::<UInt16Type>().value(i).into()),
        DataType::UInt32 => Value::Integer(col.as_primitive::<UInt32Type>().value(i).into()),
        DataType::UInt64 => Value::Integer(i64::try_from(col.as_primitive::<UInt64Type>().value(i)).ok()?),
        DataType::Float32 => Value::Real(col.as_primitive::<Float32Type>().value(i).into()),
        DataType::Float64 => Value::Real(col.as_primitive::<Float64Type>().value(i)),
        _ => return None,
    })
}

/// Feeds OpenWPM's Parquet output in `dir` to the run, visit by visit, each
/// a tab of its own. The working copy goes in the run's temporary folder.
pub fn audit_parquet(run: &mut Run, dir: &Path) -> Result<Crawl, InputError> {
    let name = dir.display().to_string();
    let err = |message: String| InputError::whole(&name, message);
    if !is_parquet_crawl(dir) {
        return Err(err(format!(
            "not OpenWPM's Parquet output: no site_visits folder (expected a folder per table: {})",
            TABLES.map(|t| t.0).join(", ")
        )));
    }
    // Removed when dropped; with no journal, SQLite writes no file beside it.
    let scratch = tempfile::Builder::new().prefix("telltale-crawl-").suffix(".sqlite").tempfile_in(run.temp_dir()).map_err(|e| err(format!("a temporary database in {}: {e}", run.temp_dir().display())))?;
    let conn = Connection::open(scratch.path()).map_err(|e| err(format!("a temporary database: {e}")))?;
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;").map_err(|e| err(e.to_string()))?;
    let mut skipped = Skipped::default();
    for (table, columns) in TABLES {
        // Parquet has no `id`: the row's place in the copy stands for it.
        let cols: Vec<&str> = columns.iter().copied().filter(|c| *c != "id").collect();
        conn.execute_batch(&format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY, {});", cols.join(", "))).map_err(|e| err(e.to_string()))?;
        let insert = format!("INSERT INTO {table} ({}) VALUES ({})", cols.join(", "), vec!["?"; cols.len()].join(", "));
        conn.execute_batch("BEGIN").map_err(|e| err(e.to_string()))?;
        let mut stmt = conn.prepare(&insert).map_err(|e| err(e.to_string()))?;
        for path in files(dir, table).map_err(|e| err(format!("{table}: {e}")))? {
            let file_name = path.display().to_string();
            let located = |message: String| InputError::whole(&file_name, message);
            let f = std::fs::File::open(&path).map_err(|e| located(e.to_string()))?;
            let builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| located(format!("not a Parquet file Telltale can read: {e}")))?;
            let have: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
            let missing: Vec<&str> = cols.iter().copied().filter(|c| !have.iter().any(|h| h == c)).collect();
            if !missing.is_empty() {
                return Err(located(format!("not OpenWPM's {table}: no column {} (expected {table}({}))", missing.join(", "), cols.join(", "))));
            }
            let mask = ProjectionMask::columns(builder.parquet_schema(), cols.iter().copied());
            let reader = builder.with_projection(mask).with_batch_size(4096).build().map_err(|e| located(e.to_string()))?;
            for batch in reader {
                let batch = batch.map_err(|e| located(format!("reading {table}: {e}")))?;
                let columns: Vec<(&str, Arc<dyn Array>)> = cols.iter().map(|c| (*c, batch.column_by_name(c).cloned().expect("projected column"))).collect();
                let mut row: Vec<Value> = Vec::with_capacity(cols.len());
                for i in 0..batch.num_rows() {
                    row.clear();
                    for (c, col) in &columns {
                        row.push(cell(col, i, !NUMERIC.contains(c)).unwrap_or_else(|| {
                            skipped.add(table, &format!("{c} of type {}, read as missing", col.data_type()));
                            Value::Null
                        }));
                    }
                    stmt.execute(rusqlite::params_from_iter(row.iter())).map_err(|e| located(format!("copying {table}: {e}")))?;
                }
            }
        }
        drop(stmt);
        conn.execute_batch("COMMIT").map_err(|e| err(e.to_string()))?;
    }
    let crawl = audit_connection(run, &conn, &name, Crawl { skipped, ..Crawl::default() })?;
    drop(conn);
    drop(scratch);
    Ok(crawl)
}
