//! OCI-P over plain TCP and TLS: documents framed by their closing root tag, answered in order.

use crate::decode::validation_error;
use crate::dispatch::Outcome;
use crate::encode::response_document;
use crate::messages::Response;
use crate::session::{Session, Transport};
use crate::xml::find_document_end;
use crate::{Core, SandboxError};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;

/// A document that stops arriving for this long is answered as malformed (never a hang).
pub const PARTIAL_DOCUMENT_TIMEOUT: Duration = Duration::from_secs(2);
/// Documents larger than this are refused and the connection closed.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// A TLS acceptor with a fresh self-signed certificate for localhost/127.0.0.1, and its PEM.
pub fn tls_acceptor() -> Result<(tokio_rustls::TlsAcceptor, String), SandboxError> {
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let ck =
        rcgen::generate_simple_self_signed(names).map_err(|e| SandboxError::Tls(e.to_string()))?;
    let pem = ck.cert.pem();
    let cert = ck.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SandboxError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|e| SandboxError::Tls(e.to_string()))?;
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(cfg)), pem))
}

/// Accepts connections until shutdown; connections end with it.
pub(crate) async fn accept_loop(
    listener: tokio::net::TcpListener,
    core: Arc<Core>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((sock, _)) => {
                    let _ = sock.set_nodelay(true);
                    let core = core.clone();
                    match &tls {
                        None => { conns.spawn(serve_connection(sock, core, Transport::Tcp)); }
                        Some(acc) => {
                            let acc = acc.clone();
                            conns.spawn(async move {
                                if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_secs(10), acc.accept(sock)).await {
                                    serve_connection(s, core, Transport::Tls).await;
                                }
                            });
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!("sandbox: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            r = shutdown.changed() => {
                if r.is_err() || *shutdown.borrow() { break; }
            }
        }
    }
    conns.shutdown().await;
}

fn skip_ws(buf: &mut Vec<u8>) {
    let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if n > 0 {
        buf.drain(..n);
    }
}

/// Writes a reply as declaration + document + `\n` in ONE write, like a real server.
///
/// Public clients read until `</BroadsoftDocument>` and parse what they have; a newline sent
/// as its own write (its own TCP segment under TCP_NODELAY, its own TLS record) arrives after
/// they stopped reading and sits at the start of their next reply, which then fails to parse
/// ("XML or text declaration not at start of entity").
async fn send<S: AsyncWrite + Unpin>(s: &mut S, mut doc: Vec<u8>) -> std::io::Result<()> {
    doc.push(b'\n');
    s.write_all(&doc).await?;
    s.flush().await
}

/// Serves one connection: reads documents back to back and answers each in order.
pub(crate) async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    core: Arc<Core>,
    transport: Transport,
) {
    let mut session = Session::new(transport);
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        skip_ws(&mut buf);
        while let Some(end) = find_document_end(&buf) {
            let doc: Vec<u8> = buf.drain(..end).collect();
            match core.handle_document(&mut session, &doc).await {
                Outcome::Reply(bytes) => {
                    if send(&mut stream, bytes).await.is_err() {
                        return;
                    }
                }
                Outcome::Close => {
                    let _ = stream.shutdown().await;
                    return;
                }
                Outcome::Stall => {
                    // Hold the connection open, answering nothing, until the client gives up.
                    while let Ok(n) = stream.read(&mut chunk).await {
                        if n == 0 {
                            return;
                        }
                    }
                    return;
                }
            }
            skip_ws(&mut buf);
        }
        if buf.len() > MAX_DOCUMENT_BYTES {
            let e = validation_error(format!("document larger than {MAX_DOCUMENT_BYTES} bytes"));
            let _ = send(&mut stream, response_document("", &[Response::Error(e)])).await;
            return;
        }
        let read = if buf.is_empty() {
            Ok(stream.read(&mut chunk).await)
        } else {
            tokio::time::timeout(PARTIAL_DOCUMENT_TIMEOUT, stream.read(&mut chunk)).await
        };
        match read {
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => {
                // An incomplete document went quiet: answer it as malformed and start over.
                core.record(&buf);
                let e = validation_error(
                    "XML is not well-formed: incomplete document (no closing BroadsoftDocument tag)".into(),
                );
                buf.clear();
                if send(&mut stream, response_document("", &[Response::Error(e)]))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}
