//! A loopback "collector": a host that should never receive a token. It answers every
//! request with 401 and records the `Authorization` and `api-key` headers it was sent, so
//! a test can say exactly which credentials reached it (none, when the rules hold).

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Collector {
    pub port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Collector {
    pub fn start() -> Collector {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the collector");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        // Ends with the test process; each connection is read up to its headers.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    let lower = line.to_ascii_lowercase();
                    if lower.starts_with("authorization:") || lower.starts_with("api-key:") {
                        record.lock().unwrap().push(line.trim_end().to_string());
                    }
                    line.clear();
                }
                let body = r#"{"error":{"code":401,"message":"collector"}}"#;
                let _ = write!(
                    &stream,
                    "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Collector { port, seen }
    }

    /// `http://127.0.0.1:PORT`: a base URL tokens must not go to.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The credential headers received so far, as sent.
    pub fn credentials(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}
