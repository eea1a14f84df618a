//! OCI-P inside SOAP (`processOCIMessage`), as served at `/webservice/services/ProvisioningService`.

use super::{Shared, TransportError};
use crate::ocip::xml::{declared_encoding, decode_document, escape};
use quick_xml::events::Event;
use quick_xml::Reader;

/// One SOAP client with its own cookie jar: the login lives in its `JSESSIONID` cookie.
pub struct SoapTransport {
    client: reqwest::Client,
    url: String,
}

impl SoapTransport {
    /// A client for `url`; no request is made yet.
    pub fn new(url: &str, shared: &Shared) -> Result<SoapTransport, TransportError> {
        let mut b = reqwest::Client::builder()
            .cookie_store(true)
            .connect_timeout(shared.connect_timeout)
            .timeout(shared.request_timeout)
            .danger_accept_invalid_certs(shared.insecure);
        if let Some(pem) = &shared.ca_pem {
            for cert in reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| TransportError::Connect(format!("CA certificate: {e}")))?
            {
                b = b.add_root_certificate(cert);
            }
        }
        let client = b
            .build()
            .map_err(|e| TransportError::Connect(e.to_string()))?;
        Ok(SoapTransport {
            client,
            url: url.to_string(),
        })
    }

    /// Posts the document (escaped into `in0`) and returns the document in the answer.
    pub async fn round_trip(&mut self, doc: &[u8]) -> Result<String, TransportError> {
        // The document is ISO-8859-1 by construction: each byte is one character.
        let text: String = doc.iter().map(|&b| b as char).collect();
        let body = envelope(&text);
        let resp = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=UTF-8")
            .header("SOAPAction", "\"\"")
            .body(body)
            .send()
            .await
            .map_err(|e| {
                if e.is_connect() {
                    TransportError::Connect(e.to_string())
                } else if e.is_timeout() {
                    TransportError::Lost(format!("timed out: {e}"))
                } else {
                    TransportError::Lost(e.to_string())
                }
            })?;
        let status = resp.status();
        let charset = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(content_type_charset);
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| TransportError::Lost(e.to_string()))?;
        let answer = decode_answer(&bytes, charset.as_deref())
            .map_err(|e| TransportError::BadReply(format!("HTTP {status}: {e}")))?;
        match parse_answer(&answer) {
            Some(Answer::Document(d)) => Ok(d),
            Some(Answer::Fault(f)) => Err(TransportError::Fault(f)),
            None => Err(TransportError::BadReply(format!(
                "HTTP {status}: no processOCIMessageReturn in the answer"
            ))),
        }
    }
}

/// The `charset` parameter of a Content-Type header value.
fn content_type_charset(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The answer as text: its XML declaration decides (servers answer in ISO-8859-1 and UTF-8,
/// not always saying so in the header), else the header's charset, else UTF-8.
pub fn decode_answer(bytes: &[u8], charset: Option<&str>) -> Result<String, String> {
    if declared_encoding(bytes).is_some() || bytes.starts_with(b"\xEF\xBB\xBF") {
        return decode_document(bytes)
            .map(|c| c.into_owned())
            .map_err(|e| e.to_string());
    }
    let label = charset.unwrap_or("UTF-8");
    let enc = encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or_else(|| format!("unsupported charset {label:?}"))?;
    let (text, bad) = enc.decode_without_bom_handling(bytes);
    if bad {
        return Err(format!("the answer is not valid {label}"));
    }
    Ok(text.into_owned())
}

/// The SOAP request carrying `doc` (RPC style, as Axis expects).
pub fn envelope(doc: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" \
xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<soapenv:Body><ns1:processOCIMessage soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" \
xmlns:ns1=\"urn:com:broadsoft:webservice\"><in0 xsi:type=\"xsd:string\">{}</in0>\
</ns1:processOCIMessage></soapenv:Body></soapenv:Envelope>",
        escape(doc)
    )
}

/// What a SOAP answer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The unescaped BroadsoftDocument.
    Document(String),
    /// A fault: its faultstring (and faultcode).
    Fault(String),
}

/// Finds `processOCIMessageReturn` or a `Fault` in a SOAP answer (any prefixes).
pub fn parse_answer(xml: &str) -> Option<Answer> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut ret: Option<String> = None;
    let (mut fault, mut code, mut string) = (false, String::new(), String::new());
    loop {
        let ev = reader.read_event().ok()?;
        let current = path.last().map(Vec::as_slice);
        let target: Option<&mut String> = match current {
            Some(b"processOCIMessageReturn") => Some(ret.get_or_insert_with(String::new)),
            Some(b"faultstring") => Some(&mut string),
            Some(b"faultcode") => Some(&mut code),
            _ => None,
        };
        match ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_vec();
                if name == b"Fault" {
                    fault = true;
                }
                if name == b"processOCIMessageReturn" {
                    ret.get_or_insert_with(String::new);
                }
                path.push(name);
            }
            Event::Empty(e) if e.local_name().as_ref() == b"processOCIMessageReturn" => {
                ret.get_or_insert_with(String::new);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                if let Some(s) = target {
                    s.push_str(&t.xml_content().ok()?);
                }
            }
            Event::CData(t) => {
                if let Some(s) = target {
                    s.push_str(&t.decode().ok()?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(s) = target {
                    match r.resolve_char_ref().ok()? {
                        Some(c) => s.push(c),
                        None => s.push_str(quick_xml::escape::resolve_predefined_entity(
                            &r.decode().ok()?,
                        )?),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if fault {
        let msg = match (code.trim(), string.trim()) {
            ("", s) => s.to_string(),
            (c, s) => format!("{s} ({c})"),
        };
        return Some(Answer::Fault(msg));
    }
    ret.map(Answer::Document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_escapes_and_answers_unescape() {
        let e = envelope("<a x=\"1\">&amp;</a>");
        assert!(e.contains(
            "<in0 xsi:type=\"xsd:string\">&lt;a x=&quot;1&quot;&gt;&amp;amp;&lt;/a&gt;</in0>"
        ));
        let answer = "<soapenv:Envelope xmlns:soapenv=\"s\"><soapenv:Body><ns1:processOCIMessageResponse xmlns:ns1=\"u\">\
<processOCIMessageReturn>&lt;BroadsoftDocument&gt;&amp;amp;&#12475;&lt;/BroadsoftDocument&gt;</processOCIMessageReturn>\
</ns1:processOCIMessageResponse></soapenv:Body></soapenv:Envelope>";
        assert_eq!(
            parse_answer(answer),
            Some(Answer::Document(
                "<BroadsoftDocument>&amp;\u{30bb}</BroadsoftDocument>".into()
            ))
        );
        let fault = "<s:Envelope xmlns:s=\"s\"><s:Body><s:Fault><faultcode>s:Server</faultcode>\
<faultstring>INVALID_REQUEST</faultstring></s:Fault></s:Body></s:Envelope>";
        assert_eq!(
            parse_answer(fault),
            Some(Answer::Fault("INVALID_REQUEST (s:Server)".into()))
        );
        assert_eq!(parse_answer("<x/>"), None);
    }
}
