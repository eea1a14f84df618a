//! OCI-P over SOAP/HTTP: `processOCIMessage(in0)` with the document XML-escaped inside, login
//! kept in the `JSESSIONID` cookie and the OCI sessionId together.

use super::{Core, Outcome, Session, Transport};
use crate::ocip::decode_request::{decode_request_document, parse_tree};
use crate::ocip::xml::escape;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// The endpoint path (also served under `/OCIOverSoap/services/ProvisioningService`).
pub const ENDPOINT: &str = "/webservice/services/ProvisioningService";

struct SoapState {
    core: Arc<Core>,
    sessions: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Session>>>>,
}

/// Serves SOAP until shutdown.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    core: Arc<Core>,
    mut shutdown: watch::Receiver<bool>,
) {
    let state = Arc::new(SoapState {
        core,
        sessions: Mutex::new(HashMap::new()),
    });
    let app = axum::Router::new()
        .route(ENDPOINT, axum::routing::post(process).get(wsdl))
        .route(
            "/OCIOverSoap/services/ProvisioningService",
            axum::routing::post(process).get(wsdl),
        )
        .with_state(state);
    let _ = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            while shutdown.changed().await.is_ok() {
                if *shutdown.borrow() {
                    break;
                }
            }
        })
        .await;
}

async fn wsdl() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\" targetNamespace=\"urn:com:broadsoft:webservice\"><!-- processOCIMessage(in0: string) returns processOCIMessageReturn: string --></wsdl:definitions>",
    )
}

fn fault(code: &str, text: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server.userException</faultcode><faultstring>{}</faultstring><detail><string>{}</string></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
        escape(code),
        escape(text)
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
        body,
    )
        .into_response()
}

fn cookie_session(headers: &HeaderMap) -> Option<String> {
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some(id) = part.trim().strip_prefix("JSESSIONID=") {
                return Some(id.to_string());
            }
        }
    }
    None
}

async fn process(
    State(st): State<Arc<SoapState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let text = match crate::ocip::xml::decode_document(&body) {
        Ok(t) => t,
        Err(e) => return fault("INVALID_REQUEST", &e.to_string()),
    };
    let envelope = match parse_tree(&text) {
        Ok(t) => t,
        Err(e) => return fault("INVALID_REQUEST", &e),
    };
    let Some(in0) = envelope.find("in0") else {
        return fault(
            "INVALID_REQUEST",
            "processOCIMessage needs the in0 argument",
        );
    };
    let inner = in0.text.clone();
    let cookie = cookie_session(&headers);
    let known = cookie.as_ref().and_then(|c| {
        st.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(c)
            .cloned()
    });
    let (session, new_cookie) = match known {
        Some(s) => (s, None),
        None => {
            // Without the cookie nobody is logged in: only login commands may pass.
            if let Ok(doc) = decode_request_document(inner.as_bytes()) {
                let only_login = doc
                    .commands
                    .iter()
                    .all(|c| matches!(c, Ok(r) if super::is_login(r)));
                if !only_login {
                    return fault(
                        "INVALID_REQUEST",
                        "Cannot process any request before user is logged in.",
                    );
                }
            }
            let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
            let s = Arc::new(tokio::sync::Mutex::new(Session::new(Transport::Soap)));
            st.sessions
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.clone(), s.clone());
            (s, Some(id))
        }
    };
    let outcome = {
        let mut s = session.lock().await;
        // The inner document is text already; hand it over as UTF-8 with its declaration
        // rewritten so it is decoded as such.
        let utf8 = retarget_declaration(&inner);
        st.core.handle_document(&mut s, utf8.as_bytes()).await
    };
    let reply = match outcome {
        Outcome::Reply(b) => b,
        Outcome::Close => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "connection closed by fault rule",
            )
                .into_response()
        }
        Outcome::Stall => std::future::pending().await,
    };
    // The reply is ISO-8859-1 bytes (non-Latin-1 already as references): each byte is a char.
    let doc: String = reply.iter().map(|&b| b as char).collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><ns1:processOCIMessageResponse soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:ns1=\"urn:com:broadsoft:webservice\"><processOCIMessageReturn xsi:type=\"xsd:string\">{}</processOCIMessageReturn></ns1:processOCIMessageResponse></soapenv:Body></soapenv:Envelope>",
        escape(&doc)
    );
    let mut resp = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
        body,
    )
        .into_response();
    if let Some(id) = new_cookie {
        if let Ok(v) = HeaderValue::from_str(&format!("JSESSIONID={id}; Path=/; HttpOnly")) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Rewrites a leading XML declaration's encoding to UTF-8 (the text is no longer bytes).
fn retarget_declaration(doc: &str) -> String {
    let t = doc.trim_start();
    if t.starts_with("<?xml") {
        if let Some(end) = t.find("?>") {
            return format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}",
                &t[end + 2..]
            );
        }
    }
    t.to_string()
}
