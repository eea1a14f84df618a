//! OCI-P over TCP (port 2208) and TLS (port 2209): a document, `\n`, a document back.

use super::TransportError;
use crate::ocip::client_error::ClientError;
use crate::ocip::explain;
use crate::ocip::xml::find_document_end;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// A reply larger than this is refused rather than buffered without end.
const MAX_REPLY: usize = 64 * 1024 * 1024;

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A plain or TLS stream with a read buffer (documents are framed by their closing tag).
pub struct StreamTransport {
    stream: Box<dyn Stream>,
    buf: Vec<u8>,
}

impl StreamTransport {
    /// Connects (and does the TLS handshake when `tls` is given) within `timeout`.
    pub async fn connect(
        host: &str,
        port: u16,
        tls: Option<Arc<rustls::ClientConfig>>,
        timeout: Duration,
    ) -> Result<StreamTransport, TransportError> {
        let fut = async {
            let tcp = TcpStream::connect((host, port))
                .await
                .map_err(|e| explain::connect_failure(host, port, &e, false))?;
            let _ = tcp.set_nodelay(true);
            let stream: Box<dyn Stream> = match tls {
                None => Box::new(tcp),
                Some(config) => {
                    let name = ServerName::try_from(host.to_string()).map_err(|e| {
                        TransportError::Connect(format!("server name {host:?}: {e}"))
                    })?;
                    let tls = tokio_rustls::TlsConnector::from(config)
                        .connect(name, tcp)
                        .await
                        .map_err(|e| explain::connect_failure(host, port, &e, true))?;
                    Box::new(tls)
                }
            };
            Ok(stream)
        };
        let stream = tokio::time::timeout(timeout, fut).await.map_err(|_| {
            TransportError::Connect(format!("{host}:{port}: timed out after {timeout:?}"))
        })??;
        Ok(StreamTransport {
            stream,
            buf: Vec::with_capacity(16 * 1024),
        })
    }

    /// Writes the document and a newline, then reads until a whole reply document is buffered.
    pub async fn round_trip(&mut self, doc: &[u8]) -> Result<Vec<u8>, TransportError> {
        let lost = |e: std::io::Error| TransportError::Lost(e.to_string());
        self.write_framed(doc).await?;
        let mut chunk = vec![0u8; 16 * 1024];
        // Where the search for the closing tag resumes: a large reply (a 10,000-row list is
        // megabytes) arrives in many reads, and scanning it from the start after each one was
        // quadratic. A closing tag not complete at the end of the bytes searched starts at
        // their last `<` (tags hold no other `<`), so the search resumes there.
        let mut from = 0;
        loop {
            let found = find_document_end(&self.buf[from..]).map(|e| from + e);
            if let Some(end) = found {
                let mut reply: Vec<u8> = self.buf.drain(..end).collect();
                // The separator newline belongs to neither document.
                let skip = reply.iter().take_while(|b| b.is_ascii_whitespace()).count();
                reply.drain(..skip);
                let rest = self
                    .buf
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                self.buf.drain(..rest);
                return Ok(reply);
            }
            if self.buf.len() > MAX_REPLY {
                return Err(TransportError::BadReply(format!(
                    "no end of document after {} bytes",
                    self.buf.len()
                )));
            }
            let n = self.stream.read(&mut chunk).await.map_err(lost)?;
            if n == 0 {
                return Err(TransportError::Lost(
                    "the server closed the connection before replying".into(),
                ));
            }
            from += self.buf[from..]
                .iter()
                .rposition(|b| *b == b'<')
                .unwrap_or(0);
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Writes the document and a newline without waiting for a reply.
    pub async fn send_only(&mut self, doc: &[u8]) -> Result<(), TransportError> {
        self.write_framed(doc).await
    }

    /// The document and its newline in one write, as public clients send them (a server that
    /// reads lines gets the whole request at once).
    async fn write_framed(&mut self, doc: &[u8]) -> Result<(), TransportError> {
        let lost = |e: std::io::Error| TransportError::Lost(e.to_string());
        let mut framed = Vec::with_capacity(doc.len() + 1);
        framed.extend_from_slice(doc);
        framed.push(b'\n');
        self.stream.write_all(&framed).await.map_err(lost)?;
        self.stream.flush().await.map_err(lost)
    }

    /// Shuts the write side down (best effort).
    pub async fn shutdown(&mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.stream.shutdown()).await;
    }
}

/// rustls configuration: system roots plus `ca_pem`, or no verification when `insecure`.
pub fn tls_config(
    ca_pem: Option<&[u8]>,
    insecure: bool,
) -> Result<Arc<rustls::ClientConfig>, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?;
    if insecure {
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
            .with_no_client_auth();
        return Ok(Arc::new(config));
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        // A broken system certificate must not stop the others from being used.
        let _ = roots.add(cert);
    }
    if let Some(pem) = ca_pem {
        let mut n = 0;
        // rustls-pemfile is unmaintained; its parser lives on in rustls' pki-types.
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| ClientError::Tls(format!("CA certificate: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| ClientError::Tls(format!("CA certificate: {e}")))?;
            n += 1;
        }
        if n == 0 {
            return Err(ClientError::Tls(
                "the CA certificate file holds no PEM certificate".into(),
            ));
        }
    }
    if roots.is_empty() {
        return Err(ClientError::Tls(
            "no trusted certificates (no system roots and no CA certificate given)".into(),
        ));
    }
    Ok(Arc::new(
        builder.with_root_certificates(roots).with_no_client_auth(),
    ))
}

/// Accepts any certificate (`--insecure`), but still checks the handshake signatures.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod framing_tests {
    use super::*;

    /// A large reply in small pieces, cut inside the closing tag and its prefix, then a second
    /// reply in the same bytes: each is cut at its own closing tag.
    #[tokio::test]
    async fn replies_split_across_reads_are_framed_at_their_closing_tag() {
        let rows: String = (0..2000)
            .map(|i| format!("<row><col>hg{i}</col></row>"))
            .collect();
        let first = format!("<?xml version=\"1.0\"?><p:BroadsoftDocument xmlns:p=\"C\">{rows}</p:BroadsoftDocument  >");
        let second = "<BroadsoftDocument><command/></BroadsoftDocument>".to_string();
        let (client, mut server) = tokio::io::duplex(64);
        let wire = format!("{first}\n{second}\n");
        let writer = tokio::spawn(async move {
            let mut line = [0u8; 64];
            let _ = server.read(&mut line).await;
            for piece in wire.as_bytes().chunks(7) {
                server.write_all(piece).await.unwrap();
                server.flush().await.unwrap();
            }
            server
        });
        let mut t = StreamTransport {
            stream: Box::new(client),
            buf: Vec::new(),
        };
        let a = t.round_trip(b"<x/>").await.unwrap();
        assert_eq!(String::from_utf8(a).unwrap(), first);
        let b = t.round_trip(b"<y/>").await.unwrap();
        assert_eq!(String::from_utf8(b).unwrap(), second);
        drop(writer.await.unwrap());
    }
}
