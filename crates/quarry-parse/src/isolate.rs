//! Parsing in a child process, so a crash or runaway inside a parser (pdfium
//! is C++; decoders are complex) costs one run, not the server.
//!
//! With [`Isolation::Child`], [`crate::parse`] re-executes a program (the
//! `quarry` binary's hidden `__parse-child` command) that applies hard
//! rlimits to itself — address space and CPU seconds — reads the document on
//! stdin, parses it in-process, and writes `Result<Document, ParseError>` as
//! JSON on stdout. The parent enforces wall time by killing the child, and
//! turns every way the child can die into a typed [`ParseError`] naming the
//! cap it hit.

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{Document, Limits, ParseError};

/// Where parsing runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Isolation {
    /// In the calling process (library use, tests, `quarry parse`).
    #[default]
    InProcess,
    /// In a child process under hard limits.
    Child(ChildLimits),
}

/// How to start the child and what it may use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildLimits {
    /// The program to run, followed by `args` and then the request JSON.
    pub program: PathBuf,
    pub args: Vec<String>,
    /// RLIMIT_AS: address space, in bytes.
    pub memory_bytes: u64,
    /// RLIMIT_CPU: CPU seconds.
    pub cpu_seconds: u64,
    /// Wall time before the child is killed.
    pub wall_seconds: u64,
}

/// What the parent asks of the child (the bytes travel on stdin).
#[derive(Serialize, Deserialize)]
struct Request {
    file_name: String,
    limits: Limits,
    memory_bytes: u64,
    cpu_seconds: u64,
}

/// Parses in a child process described by `child`.
pub(crate) fn parse_in_child(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
    child: &ChildLimits,
) -> Result<Document, ParseError> {
    let request = Request {
        file_name: file_name.to_string(),
        limits: Limits {
            isolation: Isolation::InProcess,
            ..limits.clone()
        },
        memory_bytes: child.memory_bytes,
        cpu_seconds: child.cpu_seconds,
    };
    let request = serde_json::to_string(&request).map_err(|e| crashed(format!("request: {e}")))?;
    let mut proc = Command::new(&child.program)
        .args(&child.args)
        .arg(request)
        // Its own process group, so helpers it starts (tesseract) die with it.
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| crashed(format!("cannot start {}: {e}", child.program.display())))?;
    // Feed and drain on threads so a child blocked on a full pipe cannot
    // deadlock against us.
    let mut stdin = proc.stdin.take();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    let stdout = drain(proc.stdout.take(), usize::MAX);
    let stderr = drain(proc.stderr.take(), 64 * 1024);

    let deadline = Instant::now() + Duration::from_secs(child.wall_seconds.max(1));
    let mut timed_out = false;
    let status = loop {
        match proc.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                kill_group(proc.id());
                let _ = proc.kill();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(crashed(format!("waiting for the parser: {e}"))),
        }
    };
    // Whatever the child left running (an OCR helper of a killed child)
    // goes too; otherwise it would hold the pipes open and keep burning CPU.
    kill_group(proc.id());
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();

    if timed_out {
        return Err(ParseError::LimitExceeded(format!(
            "parsing took longer than the {} s time limit",
            child.wall_seconds
        )));
    }
    if status.success() {
        return serde_json::from_slice::<Result<Document, ParseError>>(&stdout)
            .map_err(|e| crashed(format!("unreadable parser output: {e}")))?;
    }
    Err(death_cause(status, &stderr, child))
}

/// Names the cap (or crash) behind a child's abnormal exit.
fn death_cause(status: std::process::ExitStatus, stderr: &str, child: &ChildLimits) -> ParseError {
    const SIGKILL: i32 = 9;
    const SIGXCPU: i32 = 24;
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return ParseError::LimitExceeded(format!(
            "parsing needed more than the {} MiB memory limit",
            child.memory_bytes >> 20
        ));
    }
    match status.signal() {
        Some(SIGXCPU) | Some(SIGKILL) => ParseError::LimitExceeded(format!(
            "parsing used more than the {} s CPU limit",
            child.cpu_seconds
        )),
        Some(sig) => crashed(format!("the parser was killed by signal {sig}")),
        None => crashed(format!(
            "the parser exited with status {}: {}",
            status.code().unwrap_or(-1),
            stderr.lines().last().unwrap_or("")
        )),
    }
}

/// SIGKILL to the child's process group (its pid); a group that is already
/// gone is fine.
fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ =
            nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
    }
}

fn crashed(message: String) -> ParseError {
    ParseError::Crashed(message)
}

fn drain<R: Read + Send + 'static>(
    pipe: Option<R>,
    cap: usize,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(p) = pipe {
            let _ = p.take(cap as u64).read_to_end(&mut out);
        }
        out
    })
}

/// The child side: applies the rlimits, parses stdin, prints the result as
/// JSON. Returns the process exit code (0 whenever a result was written,
/// including a typed parse error).
pub fn child_main(request: &str) -> i32 {
    let Ok(request) = serde_json::from_str::<Request>(request) else {
        eprintln!("parse child: malformed request");
        return 2;
    };
    if let Err(e) = apply_rlimits(request.memory_bytes, request.cpu_seconds) {
        eprintln!("parse child: cannot set limits: {e}");
        return 2;
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprintln!("parse child: cannot read the document: {e}");
        return 2;
    }
    let result = crate::parse(&bytes, &request.file_name, &request.limits);
    let mut stdout = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut stdout, &result)
        .map_err(std::io::Error::from)
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("parse child: cannot write the result: {e}");
            2
        }
    }
}

fn apply_rlimits(memory_bytes: u64, cpu_seconds: u64) -> std::io::Result<()> {
    use rlimit::Resource;
    if memory_bytes > 0 {
        Resource::AS.set(memory_bytes, memory_bytes)?;
    }
    if cpu_seconds > 0 {
        // Soft limit sends SIGXCPU; the hard one a second later kills.
        Resource::CPU.set(cpu_seconds, cpu_seconds + 1)?;
    }
    Ok(())
}
