//! A 500 MB HAR is read as a stream: peak memory stays far below the file's size.
//! (Its own test binary, so no other test shares the process's peak-RSS counter.)

use std::io::Read;

use telltale::{har, Auditor};

/// Generates a HAR of `entries` entries, each carrying `pad` bytes of response
/// body, without ever holding more than one entry in memory.
struct GeneratedHar {
    entries: usize,
    pad: usize,
    next: usize,
    buf: Vec<u8>,
    pos: usize,
    done: bool,
}

impl GeneratedHar {
    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        if self.next == 0 {
            self.buf.extend_from_slice(b"{\"log\": {\"version\": \"1.2\", \"pages\": [{\"id\": \"p\", \"title\": \"t\"}], \"entries\": [\n");
        }
        if self.next < self.entries {
            let host = format!("t{}.tracker{}.example", self.next % 97, self.next % 13);
            let sep = if self.next + 1 < self.entries { "," } else { "" };
            let body = "x".repeat(self.pad);
            self.buf.extend_from_slice(
                format!(
                    "{{\"pageref\": \"p\", \"startedDateTime\": \"2026-01-01T00:00:00.000Z\", \"request\": {{\"method\": \"GET\", \"url\": \"https://{host}/p?i={}\", \"headers\": [{{\"name\": \"Cookie\", \"value\": \"id=abc\"}}]}}, \"response\": {{\"status\": 200, \"redirectURL\": \"\", \"headers\": [{{\"name\": \"Set-Cookie\", \"value\": \"uid={}; Max-Age=100\"}}], \"content\": {{\"mimeType\": \"image/gif\", \"text\": \"{body}\"}}}}}}{sep}\n",
                    self.next, self.next
                )
                .as_bytes(),
            );
            self.next += 1;
        } else if !self.done {
            self.buf.extend_from_slice(b"]}}\n");
            self.done = true;
        }
    }
}

impl Read for GeneratedHar {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.refill();
            if self.buf.is_empty() {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_500_mb_har_streams_in_bounded_memory() {
    let entries = 50_000;
    let pad = 10_000;
    let mut a = Auditor::with_default_pack();
    let before = status_kb("VmRSS:");
    let mut src = GeneratedHar { entries, pad, next: 0, buf: Vec::new(), pos: 0, done: false };
    let tabs = har::audit_har(&mut a, "generated.har", &mut src, 1).unwrap();
    let peak = status_kb("VmHWM:");
    let total_mb = entries * (pad + 300) / 1_000_000;
    assert!(total_mb >= 500, "{total_mb} MB");
    assert_eq!(tabs.len(), 1);
    assert_eq!(a.stats().requests, entries as u64);
    // 13 sites: the first entry's is the page, the other 12 are third parties on it.
    assert_eq!(a.graph().nodes().filter(|n| n.third_party).count(), 12);
    let grown_mb = peak.saturating_sub(before) / 1024;
    assert!(grown_mb < 64, "peak memory grew by {grown_mb} MB while reading {total_mb} MB");
}
