//! Result records and the JSONL/CSV files they stream into.
//!
//! Every record is flushed as soon as it is written, so the output is the
//! batch's progress log: opening an existing output keeps its `PROCESSED`
//! records (rewritten atomically, dropping failed ones and any torn last
//! line) and tells the caller which files to skip.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PROCESSED: &str = "PROCESSED";
const FIXED_COLUMNS: [&str; 4] = ["file", "status", "failure_reason", "failure_message"];

/// The outcome for one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub file: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(default)]
    pub duration_ms: u64,
}

impl Record {
    /// A failure that happened before or outside any run (unreadable file,
    /// unreachable server).
    pub fn failed(
        file: String,
        reason: &str,
        message: impl Into<String>,
        duration_ms: u64,
    ) -> Self {
        Self {
            file,
            status: "FAILED".into(),
            run_id: None,
            value: None,
            metadata: None,
            failure_reason: Some(reason.into()),
            failure_message: Some(message.into()),
            duration_ms,
        }
    }

    /// A record from a run's wire object (`status`, `output`, `failureReason`…).
    pub fn from_run(file: String, run: &Value, duration_ms: u64) -> Self {
        let text = |k: &str| run.get(k).and_then(Value::as_str).map(str::to_string);
        let output = run.get("output");
        Self {
            file,
            status: text("status").unwrap_or_else(|| "FAILED".into()),
            run_id: text("id"),
            value: output.and_then(|o| o.get("value")).cloned(),
            metadata: output.and_then(|o| o.get("metadata")).cloned(),
            failure_reason: text("failureReason"),
            failure_message: text("failureMessage"),
            duration_ms,
        }
    }

    pub fn is_processed(&self) -> bool {
        self.status == PROCESSED
    }

    /// `REASON: message` for logs and the summary.
    pub fn failure_text(&self) -> String {
        format!(
            "{}: {}",
            self.failure_reason.as_deref().unwrap_or(&self.status),
            self.failure_message.as_deref().unwrap_or("")
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    pub fn for_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Self::Csv,
            _ => Self::Jsonl,
        }
    }
}

/// Where records go.
pub struct ResultSink {
    format: Format,
    columns: Vec<String>,
    out: Box<dyn Write>,
    csv: Option<csv::Writer<Box<dyn Write>>>,
}

impl ResultSink {
    /// Opens `path` (stdout when `None`), keeping the processed records of an
    /// earlier run; returns the sink and the files those records cover.
    pub fn open(
        path: Option<&Path>,
        format: Format,
        columns: &[String],
    ) -> anyhow::Result<(Self, HashSet<String>)> {
        let (out, done): (Box<dyn Write>, _) = match path {
            None => (Box::new(std::io::stdout()), HashSet::new()),
            Some(path) => {
                let done = keep_processed(path, format)?;
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                (Box::new(BufWriter::new(file)), done)
            }
        };
        let mut sink = Self {
            format,
            columns: columns.to_vec(),
            out: Box::new(std::io::sink()),
            csv: None,
        };
        match format {
            Format::Jsonl => sink.out = out,
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out);
                if done.is_empty() {
                    w.write_record(sink.header())?;
                    w.flush()?;
                }
                sink.csv = Some(w);
            }
        }
        Ok((sink, done))
    }

    fn header(&self) -> Vec<String> {
        FIXED_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(self.columns.iter().cloned())
            .collect()
    }

    pub fn write(&mut self, record: &Record) -> anyhow::Result<()> {
        match (&self.format, &mut self.csv) {
            (Format::Csv, Some(w)) => {
                let mut row = vec![
                    record.file.clone(),
                    record.status.clone(),
                    record.failure_reason.clone().unwrap_or_default(),
                    record.failure_message.clone().unwrap_or_default(),
                ];
                for col in &self.columns {
                    row.push(cell(record.value.as_ref().and_then(|v| v.get(col))));
                }
                w.write_record(&row)?;
                w.flush()?;
            }
            _ => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")?;
                self.out.flush()?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> anyhow::Result<()> {
        if let Some(w) = self.csv.as_mut() {
            w.flush()?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// A CSV cell: strings as they are, null as empty, anything else as JSON.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Rewrites an existing output with only its processed records (atomically,
/// via a sibling temp file) and returns their file names.
fn keep_processed(path: &Path, format: Format) -> anyhow::Result<HashSet<String>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let (kept, done) = match format {
        Format::Jsonl => processed_jsonl(file),
        Format::Csv => processed_csv(file)?,
    };
    let tmp = temp_sibling(path);
    std::fs::write(&tmp, kept).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(done)
}

fn processed_jsonl(file: File) -> (Vec<u8>, HashSet<String>) {
    let mut kept = Vec::new();
    let mut done = HashSet::new();
    for line in BufReader::new(file).lines().map_while(Result::ok) {
        // A torn last line (killed mid-write) does not parse and is redone.
        if let Ok(r) = serde_json::from_str::<Record>(&line)
            && r.is_processed()
        {
            kept.extend_from_slice(line.as_bytes());
            kept.push(b'\n');
            done.insert(r.file);
        }
    }
    (kept, done)
}

fn processed_csv(file: File) -> anyhow::Result<(Vec<u8>, HashSet<String>)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = reader.headers()?.clone();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers)?;
    let mut done = HashSet::new();
    for row in reader.records().map_while(Result::ok) {
        if row.get(1) == Some(PROCESSED)
            && let Some(file) = row.get(0)
        {
            done.insert(file.to_string());
            writer.write_record(&row)?;
        }
    }
    if done.is_empty() {
        // Nothing to keep: start over with a fresh header.
        return Ok((Vec::new(), done));
    }
    Ok((writer.into_inner().map_err(|e| e.into_error())?, done))
}

fn temp_sibling(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}
