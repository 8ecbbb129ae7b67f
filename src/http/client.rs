//! A minimal blocking HTTP/1.1 client over one keep-alive `TcpStream`, for the load bench
//! (`passread bench-http`) and the integration tests. Not a general client: no TLS, no
//! redirects; it speaks exactly what this server answers (Content-Length or chunked bodies).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One answer.
#[derive(Clone, Debug)]
pub struct ClientResponse {
    pub status: u16,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ClientResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// `error_code` of an error body, if it is one.
    pub fn error_code(&self) -> Option<String> {
        self.json()?.get("error_code")?.as_str().map(str::to_owned)
    }
}

/// A connection.
pub struct Client {
    reader: BufReader<TcpStream>,
    closed: bool,
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Longest response head or body this client accepts.
const MAX_RESPONSE: usize = 16 << 20;

impl Client {
    pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<Client> {
        let stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        Ok(Client { reader: BufReader::new(stream), closed: false })
    }

    /// Whether the server said it closes the connection.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// Writes raw bytes (a request built by hand).
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let s = self.reader.get_mut();
        s.write_all(bytes)?;
        s.flush()
    }

    /// Sends one request and reads its answer. `body` sets Content-Length.
    pub fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> io::Result<ClientResponse> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        if let Some(b) = body {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        head.push_str("\r\n");
        let s = self.reader.get_mut();
        s.write_all(head.as_bytes())?;
        if let Some(b) = body {
            s.write_all(b)?;
        }
        s.flush()?;
        self.read_response()
    }

    /// Reads the status line and headers.
    pub fn read_head(&mut self) -> io::Result<(u16, Vec<(String, String)>)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed before an answer"));
        }
        let status: u16 = line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|r| r.get(..3))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        let mut size = 0;
        loop {
            line.clear();
            size += self.reader.read_line(&mut line)?;
            if size > MAX_RESPONSE {
                return Err(bad("response head too long"));
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                break;
            }
            let (n, v) = l.split_once(':').ok_or_else(|| bad(format!("bad header {l:?}")))?;
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
        Ok((status, headers))
    }

    /// Reads one whole answer.
    pub fn read_response(&mut self) -> io::Result<ClientResponse> {
        let (status, headers) = self.read_head()?;
        let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        if get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
            self.closed = true;
        }
        let body = if let Some(len) = get("content-length") {
            let len: usize = len.parse().map_err(|_| bad("bad content-length"))?;
            if len > MAX_RESPONSE {
                return Err(bad("response body too long"));
            }
            let mut body = vec![0; len];
            self.reader.read_exact(&mut body)?;
            body
        } else if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            let mut body = Vec::new();
            while let Some(chunk) = self.read_chunk()? {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_RESPONSE {
                    return Err(bad("response body too long"));
                }
            }
            body
        } else {
            self.closed = true;
            let mut body = Vec::new();
            self.reader.by_ref().take(MAX_RESPONSE as u64).read_to_end(&mut body)?;
            body
        };
        Ok(ClientResponse { status, headers, body })
    }

    /// One chunk of a chunked body; `None` after the last (and its trailer).
    pub fn read_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad(format!("bad chunk size {line:?}")))?;
        if size > MAX_RESPONSE {
            return Err(bad("chunk too long"));
        }
        if size == 0 {
            // Trailer lines up to the empty one.
            loop {
                line.clear();
                if self.reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(None);
                }
            }
        }
        let mut chunk = vec![0; size];
        self.reader.read_exact(&mut chunk)?;
        let mut crlf = [0; 2];
        self.reader.read_exact(&mut crlf)?;
        Ok(Some(chunk))
    }
}
