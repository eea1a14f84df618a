//! Transports that carry one request document and bring back its reply.

pub mod soap;
pub mod tcp;

use super::client_error::ClientError;
use super::settings::{ConnectionSettings, Endpoint};
use std::sync::Arc;
use std::time::Duration;

/// A failed round trip. `maybe_sent` tells whether the server may have seen the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection could be made: nothing was sent.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The TLS handshake failed for a reason with a known fix; `message` names both.
    #[error("{message}")]
    Tls {
        /// The cause.
        cause: super::explain::TlsFailure,
        /// One sentence: the cause and the fix.
        message: String,
    },
    /// The connection broke while sending or waiting for the reply.
    #[error("connection lost: {0}")]
    Lost(String),
    /// No reply within the request timeout.
    #[error("no reply within {0:?}")]
    Timeout(Duration),
    /// The SOAP layer answered with a fault instead of a document.
    #[error("SOAP fault: {0}")]
    Fault(String),
    /// A reply that is not a document (HTTP error, unreadable envelope, oversized).
    #[error("bad reply: {0}")]
    BadReply(String),
}

impl TransportError {
    /// False only when the document certainly never left this process.
    pub fn maybe_sent(&self) -> bool {
        !matches!(
            self,
            TransportError::Connect(_) | TransportError::Tls { .. }
        )
    }
}

/// A reply document: raw bytes (decode per declaration) or text (already decoded by SOAP).
#[derive(Debug, Clone)]
pub enum Reply {
    /// Bytes from the TCP stream.
    Bytes(Vec<u8>),
    /// Text from a SOAP envelope.
    Text(String),
}

/// What transports share across sessions (TLS configuration built once).
#[derive(Clone)]
pub struct Shared {
    /// The parsed endpoint.
    pub endpoint: Endpoint,
    /// rustls client configuration for tls:// (None for other schemes).
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// PEM of the extra CA for https:// (reqwest wants its own copy).
    pub ca_pem: Option<Vec<u8>>,
    /// Skip certificate checks.
    pub insecure: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Per-reply timeout.
    pub request_timeout: Duration,
}

impl Shared {
    /// Prepares the endpoint and TLS material for `settings`.
    pub fn new(settings: &ConnectionSettings) -> Result<Shared, ClientError> {
        let endpoint = settings.endpoint()?;
        let ca_pem = match &settings.ca_cert {
            Some(p) => Some(std::fs::read(p).map_err(|e| {
                ClientError::Tls(format!("cannot read CA certificate {}: {e}", p.display()))
            })?),
            None => None,
        };
        let tls = match endpoint {
            Endpoint::Tls { .. } => Some(tcp::tls_config(ca_pem.as_deref(), settings.insecure)?),
            _ => None,
        };
        Ok(Shared {
            endpoint,
            tls,
            ca_pem,
            insecure: settings.insecure,
            connect_timeout: settings.connect_timeout,
            request_timeout: settings.request_timeout,
        })
    }
}

/// One connection to the server.
pub enum Transport {
    /// TCP or TLS stream.
    Stream(tcp::StreamTransport),
    /// SOAP over HTTP(S), with its own cookie jar.
    Soap(soap::SoapTransport),
}

impl Transport {
    /// Opens a connection (bounded by the connect timeout).
    pub async fn connect(shared: &Shared) -> Result<Transport, TransportError> {
        match &shared.endpoint {
            Endpoint::Tcp { host, port } => Ok(Transport::Stream(
                tcp::StreamTransport::connect(host, *port, None, shared.connect_timeout).await?,
            )),
            Endpoint::Tls { host, port } => Ok(Transport::Stream(
                tcp::StreamTransport::connect(
                    host,
                    *port,
                    shared.tls.clone(),
                    shared.connect_timeout,
                )
                .await?,
            )),
            Endpoint::Soap { url, .. } => {
                Ok(Transport::Soap(soap::SoapTransport::new(url, shared)?))
            }
        }
    }

    /// Sends one document and waits (bounded by the request timeout) for its reply.
    pub async fn round_trip(
        &mut self,
        doc: &[u8],
        timeout: Duration,
    ) -> Result<Reply, TransportError> {
        let fut = async {
            match self {
                Transport::Stream(t) => t.round_trip(doc).await.map(Reply::Bytes),
                Transport::Soap(t) => t.round_trip(doc).await.map(Reply::Text),
            }
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(TransportError::Timeout(timeout)),
        }
    }

    /// Sends the last document of a connection without waiting for its reply where the
    /// transport allows it: over TCP/TLS the document is written and (with [`Self::shutdown`])
    /// followed by the end of the stream, so the server reads it whole; SOAP must wait for the
    /// HTTP response. Bounded by `timeout`.
    pub async fn send_last(&mut self, doc: &[u8], timeout: Duration) -> Result<(), TransportError> {
        let fut = async {
            match self {
                Transport::Stream(t) => t.send_only(doc).await,
                Transport::Soap(t) => t.round_trip(doc).await.map(|_| ()),
            }
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(TransportError::Timeout(timeout)),
        }
    }

    /// Closes the connection politely (best effort).
    pub async fn shutdown(&mut self) {
        if let Transport::Stream(t) = self {
            t.shutdown().await;
        }
    }
}
