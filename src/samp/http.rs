//! The little HTTP that XML-RPC needs: a POST to the hub, and a server for the hub's
//! calls back to us. One request per connection (HTTP/1.0 style, `Connection: close`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The longest body read: SAMP messages are small (tables travel as URLs).
const MAX_BODY: usize = 16 << 20;

/// POSTs `body` as text/xml to `url` (`http://host:port/path`) and returns the reply's
/// body; `timeout` bounds the connection and each read.
pub fn post(url: &str, body: &str, timeout: Duration) -> Result<String, String> {
    let (host, path) = split_url(url)?;
    let mut stream = connect(url, host, timeout)?;
    let request = format!(
        "POST {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: clusterviz\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{url}: {e}"))?;
    let mut reader = BufReader::new(stream);
    let (status, length) = read_head(&mut reader).map_err(|e| format!("{url}: {e}"))?;
    let reply = read_body(&mut reader, length).map_err(|e| format!("{url}: {e}"))?;
    if !status.contains(" 200") {
        return Err(format!("{url} answered '{}'", status.trim()));
    }
    Ok(reply)
}

/// GETs `url` (`http://host:port/path`, as TOPCAT serves the tables it sends) into the
/// file `out`, streamed: tables may be large.
pub fn get_to_file(url: &str, out: &std::path::Path, timeout: Duration) -> Result<(), String> {
    let (host, path) = split_url(url)?;
    let mut stream = connect(url, host, timeout)?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: clusterviz\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{url}: {e}"))?;
    let mut reader = BufReader::new(stream);
    let (status, length) =
        read_head_any(&mut reader, u64::MAX).map_err(|e| format!("{url}: {e}"))?;
    if !status.contains(" 200") {
        return Err(format!("{url} answered '{}'", status.trim()));
    }
    let mut file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let copied = std::io::copy(&mut reader.take(length.unwrap_or(u64::MAX)), &mut file)
        .map_err(|e| format!("{url}: {e}"))?;
    if length.is_some_and(|n| n != copied) {
        return Err(format!("{url}: the reply ended after {copied} bytes"));
    }
    Ok(())
}

fn split_url(url: &str) -> Result<(&str, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
    Ok(rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}"))))
}

fn connect(url: &str, host: &str, timeout: Duration) -> Result<TcpStream, String> {
    let addr = std::net::ToSocketAddrs::to_socket_addrs(host)
        .map_err(|e| format!("{url}: {e}"))?
        .next()
        .ok_or_else(|| format!("{url}: no address"))?;
    let stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).ok();
    stream.set_write_timeout(Some(timeout)).ok();
    Ok(stream)
}

/// The first line and the Content-Length (if given) of a request or response head.
fn read_head(reader: &mut impl BufRead) -> Result<(String, Option<usize>), String> {
    read_head_any(reader, MAX_BODY as u64).map(|(s, n)| (s, n.map(|n| n as usize)))
}

/// [`read_head`] for bodies up to `max` bytes.
fn read_head_any(reader: &mut impl BufRead, max: u64) -> Result<(String, Option<u64>), String> {
    let mut first = String::new();
    reader.read_line(&mut first).map_err(|e| e.to_string())?;
    if first.is_empty() {
        return Err("the connection closed without a reply".into());
    }
    let mut length: Option<u64> = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-length")
        {
            let n: u64 = v
                .trim()
                .parse()
                .map_err(|_| format!("bad Content-Length '{}'", v.trim()))?;
            if n > max {
                return Err(format!(
                    "a body of {n} bytes is more than SAMP messages need"
                ));
            }
            length = Some(n);
        }
    }
    Ok((first, length))
}

fn read_body(reader: &mut impl Read, length: Option<usize>) -> Result<String, String> {
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).map_err(|e| e.to_string())?;
        }
        None => {
            reader
                .take(MAX_BODY as u64)
                .read_to_end(&mut body)
                .map_err(|e| e.to_string())?;
        }
    }
    String::from_utf8(body).map_err(|_| "the body is not UTF-8".to_string())
}

/// Serves POSTs on `listener` on a thread of its own: each body goes to `handle`, whose
/// answer is the reply's body. Runs until the process ends.
pub fn serve(listener: TcpListener, handle: impl Fn(&str) -> String + Send + 'static) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
            let mut reader = BufReader::new(stream);
            let answer = match read_head(&mut reader).and_then(|(_, n)| read_body(&mut reader, n)) {
                Ok(body) => handle(&body),
                Err(_) => continue,
            };
            let mut stream = reader.into_inner();
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                )
                .as_bytes(),
            );
        }
    });
}
