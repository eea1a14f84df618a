//! How many GetInstance commands per second the sandbox serves on loopback, in 15-command
//! documents, over several connections. Goal: over 20,000/s.

use huntctl::ocip::xml::find_document_end;
use huntctl::sandbox::{signed_password, start, SandboxConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn doc(cmds: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">bench</sessionId>{cmds}</BroadsoftDocument>\n")
}

struct Conn {
    s: tokio::net::TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn call(&mut self, d: &str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        self.s.write_all(d.as_bytes()).await?;
        let mut chunk = vec![0u8; 256 * 1024];
        loop {
            if let Some(e) = find_document_end(&self.buf) {
                let out = String::from_utf8_lossy(&self.buf[..e]).into_owned();
                self.buf.drain(..e);
                while self.buf.first().is_some_and(|b| b.is_ascii_whitespace()) {
                    self.buf.remove(0);
                }
                return Ok(out);
            }
            let n = self.s.read(&mut chunk).await?;
            if n == 0 {
                return Err("closed".into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let h = start(SandboxConfig::embedded(dir.path().join("state.json"))).await?;
        let addr = h.tcp_addr().ok_or("no tcp")?;
        let get15: String = [
            "sales-hunt@company.com",
            "sales-vip-hunt@company.com",
            "support-hunt@company.com",
        ]
        .iter()
        .cycle()
        .take(15)
        .map(|id| format!("<command xsi:type=\"GroupHuntGroupGetInstanceRequest20\" xmlns=\"\"><serviceUserId>{id}</serviceUserId></command>"))
        .collect();
        let get_doc = doc(&get15);
        for conns in [1usize, 4, 8] {
            let dur = Duration::from_secs(3);
            let mut tasks = Vec::new();
            for _ in 0..conns {
                let get_doc = get_doc.clone();
                tasks.push(tokio::spawn(async move {
                    let s = tokio::net::TcpStream::connect(addr).await?;
                    s.set_nodelay(true)?;
                    let mut c = Conn { s, buf: Vec::new() };
                    let a = c.call(&doc("<command xsi:type=\"AuthenticationRequest\" xmlns=\"\"><userId>admin</userId></command>")).await?;
                    let i = a.find("<nonce>").ok_or("nonce")? + 7;
                    let j = a[i..].find('<').ok_or("nonce")? + i;
                    let sp = signed_password(&a[i..j], "admin");
                    c.call(&doc(&format!("<command xsi:type=\"LoginRequest14sp4\" xmlns=\"\"><userId>admin</userId><signedPassword>{sp}</signedPassword></command>"))).await?;
                    let t = Instant::now();
                    let mut n = 0u64;
                    while t.elapsed() < dur {
                        let r = c.call(&get_doc).await?;
                        if !r.contains("GroupHuntGroupGetInstanceResponse20") {
                            return Err("bad reply".into());
                        }
                        n += 15;
                    }
                    Ok::<u64, Box<dyn std::error::Error + Send + Sync>>(n)
                }));
            }
            let t = Instant::now();
            let mut total = 0;
            for task in tasks {
                total += task.await??;
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "sandbox: {conns} connection(s): {:.0} GetInstance commands/s ({total} in {secs:.1}s, 15 per document)",
                total as f64 / secs
            );
        }
        h.shutdown().await;
        Ok(())
    })
}
