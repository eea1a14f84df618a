//! OCI-P over SOAP/HTTP: `processOCIMessage(in0)` with the document XML-escaped inside, login
//! kept in the `JSESSIONID` cookie and the OCI sessionId together.

use crate::decode::{decode_request_document, parse_tree, Elem};
use crate::dispatch::Outcome;
use crate::session::{is_login, Session, Transport};
use crate::xml::escape;
use crate::Core;
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
        .route(ENDPOINT, axum::routing::post(process).get(get))
        .route(
            "/OCIOverSoap/services/ProvisioningService",
            axum::routing::post(process).get(get),
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

/// The namespace of the service (operation, message and return element).
const SERVICE_NS: &str = "urn:com:broadsoft:webservice";
const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// The WSDL of `ProvisioningService`, as an XSP publishes it (Axis 1, RPC/encoded, one string
/// in and one out), with the service address set to `location`.
///
/// Self-contained on purpose: no `<import>`, so a WSDL-driven client (zeep, SoapUI, .NET) can
/// build its client without fetching anything else.
pub fn wsdl_document(location: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions targetNamespace="{ns}" xmlns:apachesoap="http://xml.apache.org/xml-soap" xmlns:impl="{ns}" xmlns:intf="{ns}" xmlns:soapenc="{enc}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:wsdlsoap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <schema targetNamespace="{ns}" xmlns="http://www.w3.org/2001/XMLSchema">
      <!-- The BroadsoftDocument travels as one XML-escaped string each way. -->
      <simpleType name="OCIMessage">
        <restriction base="xsd:string"/>
      </simpleType>
    </schema>
  </wsdl:types>
  <wsdl:message name="processOCIMessageRequest">
    <wsdl:part name="in0" type="xsd:string"/>
  </wsdl:message>
  <wsdl:message name="processOCIMessageResponse">
    <wsdl:part name="processOCIMessageReturn" type="xsd:string"/>
  </wsdl:message>
  <wsdl:portType name="BWProvisioningService">
    <wsdl:operation name="processOCIMessage" parameterOrder="in0">
      <wsdl:input message="impl:processOCIMessageRequest" name="processOCIMessageRequest"/>
      <wsdl:output message="impl:processOCIMessageResponse" name="processOCIMessageResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="ProvisioningServiceSoapBinding" type="impl:BWProvisioningService">
    <wsdlsoap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="processOCIMessage">
      <wsdlsoap:operation soapAction=""/>
      <wsdl:input name="processOCIMessageRequest">
        <wsdlsoap:body encodingStyle="{enc}" namespace="{ns}" use="encoded"/>
      </wsdl:input>
      <wsdl:output name="processOCIMessageResponse">
        <wsdlsoap:body encodingStyle="{enc}" namespace="{ns}" use="encoded"/>
      </wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="BWProvisioningServiceService">
    <wsdl:port binding="impl:ProvisioningServiceSoapBinding" name="ProvisioningService">
      <wsdlsoap:address location="{loc}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"#,
        ns = SERVICE_NS,
        enc = SOAP_ENC,
        loc = escape(location)
    )
}

/// `GET …/ProvisioningService?wsdl`: the WSDL, addressed at the URL it was fetched from (the
/// Host header, so a client behind a name or a port mapping gets an address it can reach).
async fn get(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let wants_wsdl = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("wsdl")));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let location = format!("http://{host}{}", uri.path());
    if !wants_wsdl {
        // What Axis answers a browser: a pointer to the WSDL, not an error.
        return (
            [(header::CONTENT_TYPE, "text/plain; charset=UTF-8")],
            format!("ProvisioningService: processOCIMessage(in0). WSDL at {location}?wsdl\n"),
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
        wsdl_document(&location),
    )
        .into_response()
}

/// A SOAP 1.1 fault as Axis writes it.
fn fault(code: &str, text: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server.generalException</faultcode><faultstring>{}</faultstring><detail><string>{}</string></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
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

/// The request body as text: its XML declaration decides, else the Content-Type charset,
/// else UTF-8 (clients send both UTF-8 and ISO-8859-1).
fn body_text<'a>(headers: &HeaderMap, body: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, String> {
    if crate::xml::declared_encoding(body).is_some() || body.starts_with(b"\xEF\xBB\xBF") {
        return crate::xml::decode_document(body).map_err(|e| e.to_string());
    }
    let charset = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| {
            ct.split(';').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("charset")
                    .then(|| v.trim().trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| "UTF-8".into());
    let enc = encoding_rs::Encoding::for_label(charset.as_bytes())
        .ok_or_else(|| format!("unsupported charset {charset:?}"))?;
    // encoding_rs maps the ISO-8859-1 label to windows-1252, a superset that agrees on every
    // character a client can mean there.
    let (text, bad) = enc.decode_without_bom_handling(body);
    if bad {
        return Err(format!("the body is not valid {charset}"));
    }
    Ok(text)
}

/// The OCI document argument of `processOCIMessage`: `in0` (any prefix), or `arg0` from
/// JAX-WS-style clients, as escaped text or CDATA.
fn oci_argument(envelope: &Elem) -> Option<String> {
    let call = envelope.find("processOCIMessage")?;
    call.children
        .iter()
        .find(|c| c.name == "in0" || c.name == "arg0")
        .map(|c| c.text.clone())
}

/// The SOAP answer carrying `doc`, in the form captured from XSPs: an unqualified
/// `processOCIMessageResponse` holding `ns1:processOCIMessageReturn`, whose text is the escaped
/// document with a UTF-8 declaration and a newline after it.
pub fn answer_envelope(doc: &str) -> String {
    let inner = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        strip_declaration(doc)
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><processOCIMessageResponse xmlns=\"\"><ns1:processOCIMessageReturn xmlns:ns1=\"{SERVICE_NS}\">{}</ns1:processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>",
        escape(&inner)
    )
}

/// The document without its leading XML declaration (and the whitespace after it).
fn strip_declaration(doc: &str) -> &str {
    let t = doc.trim_start();
    if t.starts_with("<?xml") {
        if let Some(end) = t.find("?>") {
            return t[end + 2..].trim_start();
        }
    }
    t
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
    let text = match body_text(&headers, &body) {
        Ok(t) => t,
        Err(e) => return fault("INVALID_REQUEST", &e),
    };
    let envelope = match parse_tree(&text) {
        Ok(t) => t,
        Err(e) => return fault("INVALID_REQUEST", &e),
    };
    let Some(inner) = oci_argument(&envelope) else {
        return fault(
            "INVALID_REQUEST",
            "processOCIMessage needs the in0 argument",
        );
    };
    // The inner document is text already; it is handed on as UTF-8 with its declaration
    // rewritten so it is decoded as such (it may say ISO-8859-1).
    let utf8 = retarget_declaration(&inner);
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
            if let Ok(doc) = decode_request_document(utf8.as_bytes()) {
                let only_login = doc
                    .commands
                    .iter()
                    .all(|c| matches!(c, Ok(r) if is_login(r)));
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
    let body = answer_envelope(&doc);
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
