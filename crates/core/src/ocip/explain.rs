//! Connection failures put in words that name their likely cause and fix: a `tcp://` URL at a
//! TLS port, a `tls://` URL at a plain port, a certificate not signed by a trusted CA, nothing
//! listening. rustls and the OS say what broke ("InvalidContentType", "UnknownIssuer",
//! "Connection refused"); an operator needs to know which URL or setting to change.

use super::transport::TransportError;

/// Why the TLS handshake failed, when it is one of the failures with a known fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    /// The server answered the handshake with something that is not TLS (a plain OCI-P port).
    NotTls,
    /// The certificate is not signed by a CA this client trusts (or is expired, revoked, …).
    Untrusted,
    /// The certificate is for another host name.
    WrongName,
}

/// A failed TCP connect or TLS handshake with `host:port`, classified.
pub fn connect_failure(host: &str, port: u16, e: &std::io::Error, tls: bool) -> TransportError {
    if !tls || e.kind() == std::io::ErrorKind::ConnectionRefused {
        return match e.kind() {
            std::io::ErrorKind::ConnectionRefused => TransportError::Connect(format!(
                "nothing accepts connections at {host}:{port} (connection refused): check the \
                 host and the port"
            )),
            _ => TransportError::Connect(format!("{host}:{port}: {e}")),
        };
    }
    let rustls_error = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    let cause = match rustls_error {
        Some(rustls::Error::InvalidMessage(_)) => Some(TlsFailure::NotTls),
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForName
            | rustls::CertificateError::NotValidForNameContext { .. },
        )) => Some(TlsFailure::WrongName),
        Some(rustls::Error::InvalidCertificate(_)) => Some(TlsFailure::Untrusted),
        // The server hung up on the ClientHello: what a plain OCI-P port may do.
        None if e.kind() == std::io::ErrorKind::UnexpectedEof => Some(TlsFailure::NotTls),
        _ => None,
    };
    let detail = rustls_error.map_or_else(|| e.to_string(), ToString::to_string);
    match cause {
        Some(cause) => TransportError::Tls {
            cause,
            message: message(cause, host, port, &detail),
        },
        None => TransportError::Connect(format!("TLS with {host}:{port}: {detail}")),
    }
}

/// One sentence: the likely cause, then the fix.
fn message(cause: TlsFailure, host: &str, port: u16, detail: &str) -> String {
    match cause {
        TlsFailure::NotTls => format!(
            "{host}:{port} does not speak TLS ({detail}): it is likely a plain OCI-P port, so \
             use tcp://{host}:{port}, or the server's TLS port (2209 by default) with tls://"
        ),
        TlsFailure::Untrusted => format!(
            "the server's certificate is not trusted ({detail}): it is not signed by a CA this \
             system trusts, so give huntctl that CA's certificate (PEM) as ca-cert"
        ),
        TlsFailure::WrongName => format!(
            "the server's certificate is not valid for {host} ({detail}): connect by the name \
             it was issued for"
        ),
    }
}

/// What to say when a plain `tcp://` connection is closed at the first request, before any
/// reply (a TLS port drops a client that does not start with a handshake).
pub fn closed_at_first_request(host: &str, port: u16) -> String {
    format!(
        "{host}:{port} closed the connection at the first request without replying: it is \
         likely a TLS port, so use tls://{host}:{port}, or the server's plain OCI-P port (2208 \
         by default) with tcp://"
    )
}
