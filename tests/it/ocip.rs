//! OCI-P client: schema validation of every request kind, the shared samples, and loopback
//! transport tests (TCP, TLS, SOAP) against small scripted fake servers.

use huntctl::model::table::{self, Ty, Value};
use huntctl::model::{Agent, Department, Field, HuntGroup, Policy, Secret};
use huntctl::ocip::decode_response::decode_response_document;
use huntctl::ocip::encode_request::request_document;
use huntctl::ocip::messages::*;
use huntctl::ocip::transport::soap::SoapTransport;
use huntctl::ocip::transport::{Shared, TransportError};
use huntctl::ocip::xml::{decode_document, find_document_end};
use huntctl::ocip::LoginFlow;
use huntctl::ocip::{ClientError, CommandFailure, ConnectionSettings, Execute, Pool};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

// ---------------------------------------------------------------- vendored files

use crate::support::ocip_schema;

const TRICKY: &str = "A&B <x> \"q\" 'a'";

fn add_request() -> Request {
    let mut h = HuntGroup::with_defaults("SP&1", "G<1>", "hg-sales@example.com");
    let p = &mut h.service_instance_profile;
    p.name = "せーるす & \"Sales\"".into();
    p.calling_line_id_last_name = "販売<部>".into();
    p.calling_line_id_first_name = "Hunt 'Q'".into();
    p.hiragana_last_name = Field::Value("はんばい".into());
    p.hiragana_first_name = Field::Value("ぐるーぷ".into());
    p.phone_number = Field::Value("+1-2025550100".into());
    p.extension = Field::Value("0100".into());
    p.password = Some(Secret::new("p&ss<w>rd"));
    p.department = Field::Value(Department::group("Café & Co"));
    p.language = Field::Value("English".into());
    p.time_zone = Field::Value("America/New_York".into());
    p.alias = vec!["sales@example.com".into(), "ventas@example.com".into()];
    p.public_user_identity = Field::Value("hg-sales@example.com".into());
    p.calling_line_id_phone_number = Field::Value("+1-2025550199".into());
    h.policy = Policy::Weighted;
    h.forward_after_timeout = true;
    h.forward_timeout_seconds = 7200;
    h.forward_to_phone_number = Field::Value("+1-2025550111".into());
    h.agents = vec![
        Agent::new("alice@example.com"),
        Agent::new("bob@example.com"),
    ];
    h.use_system_hunt_group_clid_setting = false;
    h.enable_not_reachable_forwarding = true;
    h.not_reachable_forward_to_phone_number = Field::Value("sip:backup@example.com".into());
    h.allow_members_to_control_group_busy = true;
    h.apply_group_busy_when_terminating_to_agent = true;
    h.network_class_of_service = Field::Value(TRICKY.into());
    // isActive is not an element of the R20 add: it must not be written.
    h.is_active = false;
    Request::AddInstance(Box::new(AddInstance {
        hunt_group: h,
        department_key: None,
    }))
}

fn setting(path: &str, change: Change<Value>) -> Setting {
    Setting {
        field: table::by_path(path).unwrap(),
        change,
    }
}

/// A modify of every setting the table carries in the instance commands, each to a value of
/// its type (an enterprise department, so both key types are validated).
fn modify_full() -> Request {
    let text = |s: &str| Change::Set(Value::Text(s.into()));
    let settings = table::settings()
        .map(|f| {
            let c = match f.ty {
                Ty::Text { .. } => match f.path {
                    "serviceInstanceProfile.phoneNumber" => text("2025550100"),
                    "serviceInstanceProfile.extension" => text("0101"),
                    "serviceInstanceProfile.callingLineIdPhoneNumber" => text("+81-312345678"),
                    p if p.ends_with("PhoneNumber") => text("+1-2025550111"),
                    "serviceInstanceProfile.timeZone" => text("Asia/Tokyo"),
                    _ => text("しん & <new>"),
                },
                Ty::Bool => Change::Set(Value::Bool(true)),
                Ty::Int { max, .. } => Change::Set(Value::Int(max)),
                Ty::Policy => Change::Set(Value::Policy(Policy::Circular)),
                Ty::Aliases { .. } => Change::Set(Value::Aliases(vec![
                    "a@example.com".into(),
                    "b@example.com".into(),
                ])),
                Ty::Agents => Change::Set(Value::Agents(vec![Agent::new("carol@example.com")])),
                Ty::Password => Change::Set(Value::Password(Secret::new("n3w&pw"))),
                Ty::Department => {
                    Change::Set(Value::Department(Department::enterprise("Sales \"East\"")))
                }
            };
            Setting {
                field: f,
                change: c,
            }
        })
        .collect();
    Request::ModifyInstance(Box::new(ModifyInstance {
        service_user_id: "hg-sales@example.com".into(),
        service_provider_id: "SP1".into(),
        group_id: "GRP1".into(),
        settings,
        department_key: None,
    }))
}

/// Every clearable setting cleared.
fn modify_clear() -> Request {
    Request::ModifyInstance(Box::new(ModifyInstance {
        service_user_id: "hg-sales@example.com".into(),
        settings: table::settings()
            .filter(|f| f.clearable)
            .map(|f| setting(f.path, Change::Clear))
            .collect(),
        ..Default::default()
    }))
}

fn every_request() -> Vec<Request> {
    vec![
        Request::Authentication {
            user_id: "admin&<\"1\">".into(),
        },
        Request::Login14sp4 {
            user_id: "admin".into(),
            signed_password: Secret::new("77e4a6de3a1e00be05e121cf0ebee860"),
        },
        Request::Login22V5 {
            user_id: "admin".into(),
            password: Secret::new("pa&ss<'\">"),
        },
        Request::Logout {
            user_id: "admin".into(),
            reason: Some(LOGOUT_REASON_CLIENT.into()),
        },
        Request::GetInstanceList {
            service_provider_id: "SP&1".into(),
            group_id: "ぐるーぷ".into(),
        },
        Request::GetInstance {
            service_user_id: "せーるす@example.com".into(),
        },
        add_request(),
        modify_full(),
        modify_clear(),
        Request::ModifyInstance(Box::new(ModifyInstance {
            service_user_id: "only-id@example.com".into(),
            ..Default::default()
        })),
        Request::ModifyWeights {
            service_user_id: "hg-sales@example.com".into(),
            weights: vec![
                ("alice@example.com".into(), 60),
                ("bob@example.com".into(), 40),
            ],
        },
        Request::ModifyWeights {
            service_user_id: "hg-sales@example.com".into(),
            weights: vec![],
        },
        Request::DeleteInstance {
            service_user_id: "hg-old@example.com".into(),
        },
        Request::GroupList {
            service_provider_id: "SP&<1>".into(),
        },
    ]
}

#[test]
fn every_request_kind_validates_against_the_r25_schema() {
    let reqs = every_request();
    // One document per command, plus one batch of the whole lot (≤ 15).
    let mut docs: Vec<Vec<u8>> = reqs
        .iter()
        .map(|r| request_document("huntctl-test", std::slice::from_ref(r)))
        .collect();
    docs.push(request_document("batch&<1>", &reqs));
    if let Some(r) = ocip_schema::validate_documents(&docs) {
        assert!(r.is_valid(), "{r}");
        assert_eq!(r.documents, docs.len(), "{r}");
    }

    // The hiragana survive as character references in an ISO-8859-1 document.
    let doc = &docs[6];
    let text = decode_document(doc).unwrap();
    let name = between(&text, "<name>", "</name>").unwrap();
    assert_eq!(unescape(name), "せーるす & \"Sales\"");
    assert!(String::from_utf8_lossy(doc).contains("&#12379;"));
}

#[test]
fn group_list_request_and_reply_validate_and_round_trip() {
    use huntctl::sandbox::decode::decode_request_document;
    use huntctl::sandbox::encode::response_document;
    let req = Request::GroupList {
        service_provider_id: "SP&<1>".into(),
    };
    let rows = vec![
        GroupListEntry {
            group_id: "Alpha".into(),
            group_name: "A&B <Sales> ぐるーぷ".into(),
            user_limit: Some(100),
        },
        GroupListEntry {
            group_id: "Beta".into(),
            group_name: String::new(),
            user_limit: None,
        },
    ];
    let req_doc = request_document("s1", std::slice::from_ref(&req));
    let reply = response_document("s1", &[Response::GroupList(rows.clone())]);
    let empty = response_document("s2", &[Response::GroupList(Vec::new())]);
    if let Some(r) =
        ocip_schema::validate_documents(&[req_doc.clone(), reply.clone(), empty.clone()])
    {
        assert!(r.is_valid(), "{r}");
        assert_eq!(r.documents, 3, "{r}");
    }

    // The sandbox's decoder reads the request back; the client's decoder reads the replies.
    let decoded = decode_request_document(&req_doc).unwrap();
    assert_eq!(decoded.commands, vec![Ok(req)]);
    let text = String::from_utf8_lossy(&reply).into_owned();
    assert!(
        text.contains("<colHeading>User Limit</colHeading>"),
        "{text}"
    );
    assert_eq!(
        decode_response_document(&reply).unwrap().responses,
        vec![Response::GroupList(rows)]
    );
    assert_eq!(
        decode_response_document(&empty).unwrap().responses,
        vec![Response::GroupList(Vec::new())]
    );

    // A real server's table: columns read by heading, in any order, extra columns ignored.
    let real = br#"<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId><command echo="" xsi:type="GroupGetListInServiceProviderResponse" xmlns=""><groupTable><colHeading>User Limit</colHeading><colHeading>Group Name</colHeading><colHeading>Group External Id</colHeading><colHeading>Group Id</colHeading><row><col>25</col><col>Support</col><col/><col>SupportGroup</col></row></groupTable></command></BroadsoftDocument>"#;
    ocip_schema::assert_valid_documents("hand-written reply", &[real.to_vec()]);
    assert_eq!(
        decode_response_document(real).unwrap().responses,
        vec![Response::GroupList(vec![GroupListEntry {
            group_id: "SupportGroup".into(),
            group_name: "Support".into(),
            user_limit: Some(25),
        }])]
    );
}

#[test]
fn the_validator_catches_wrong_element_order() {
    // Proves the validation test can fail: swap two elements of the sequence.
    let doc = request_document("s", &[add_request()]);
    let text = String::from_utf8_lossy(&doc).replace(
        "<policy>Weighted</policy><huntAfterNoAnswer>true</huntAfterNoAnswer>",
        "<huntAfterNoAnswer>true</huntAfterNoAnswer><policy>Weighted</policy>",
    );
    assert_ne!(text.as_bytes(), &doc[..], "replacement did not apply");
    if let Some(r) = ocip_schema::validate_documents(&[text.into_bytes()]) {
        assert!(
            !r.is_valid(),
            "validator accepted a misordered document: {r}"
        );
        assert_eq!(r.invalid.len(), 1, "{r}");
        assert!(r.invalid[0].1.contains("policy"), "{r}");
    }
}

#[test]
fn every_reply_sample_parses() {
    let dir = ocip_schema::samples_dir();
    let mut parsed = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        // Request samples (for the sandbox) are not replies.
        if !text.contains("Response") {
            continue;
        }
        let doc =
            decode_response_document(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!doc.responses.is_empty(), "{}", path.display());
        parsed.insert(
            path.file_name().unwrap().to_string_lossy().into_owned(),
            doc,
        );
    }
    assert!(parsed.len() >= 8, "only {} reply samples", parsed.len());
    for f in [
        "captured-cisco-success.xml",
        "captured-mit-auth-response.xml",
        "captured-mit-error-4008.xml",
        "captured-mit-error-6004.xml",
    ] {
        assert!(parsed.contains_key(f), "{f} not parsed");
    }
    assert_eq!(
        parsed["captured-cisco-success.xml"].responses,
        vec![Response::Success]
    );
    let Response::Error(e) = &parsed["captured-mit-error-4008.xml"].responses[0] else {
        panic!()
    };
    assert_eq!(e.code, Some(4008));
    assert!(e.summary.contains("User not found"));
    let Response::Error(e) = &parsed["captured-mit-error-6004.xml"].responses[0] else {
        panic!()
    };
    assert_eq!(e.code, Some(6004));
    assert!(e
        .detail
        .as_deref()
        .unwrap()
        .contains("Invalid xsi:type qname: 'LoginRequest'"));
    let Response::Authentication { nonce, .. } =
        &parsed["captured-mit-auth-response.xml"].responses[0]
    else {
        panic!()
    };
    assert_eq!(nonce, "1493647455426");
    let Response::Instance(i) = &parsed["hg-get-response.xml"].responses[0] else {
        panic!()
    };
    assert_eq!(i.hunt_group.policy, Policy::Weighted);
    assert_eq!(i.country_code.as_deref(), Some("1"));
    assert_eq!(i.agents[0].user_id, "alice@example.com");
    assert_eq!(i.agents[0].weight, 60);
    assert_eq!(i.agents[0].department, "");
    let Response::InstanceList(l) = &parsed["hg-get-list-response.xml"].responses[0] else {
        panic!()
    };
    assert_eq!(l[0].service_user_id, "hg-sales@example.com");
    assert!(l[0].is_active);
    let login = &parsed["login-responses.xml"].responses;
    assert!(
        matches!(&login[1], Response::Login14sp4(i) if i.password_expires_days == Some(-2147483648))
    );
    assert!(matches!(&login[2], Response::Login22V5(i) if i.user_domain == "example.com"));
    assert_eq!(parsed["responses-misc.xml"].responses.len(), 2);
}

#[test]
fn replies_in_other_encodings_decode_per_declaration() {
    let body = |name: &[u8]| {
        let mut d = b"<BroadsoftDocument xmlns:xsi=\"x\"><sessionId>s</sessionId><command xsi:type=\"c:ErrorResponse\"><summary>[Error 4008] ".to_vec();
        d.extend_from_slice(name);
        d.extend_from_slice(
            b"</summary><summaryEnglish>e</summaryEnglish></command></BroadsoftDocument>",
        );
        d
    };
    let mut l2 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>".to_vec();
    l2.extend(body(b"\xb1"));
    let mut l1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>".to_vec();
    l1.extend(body(b"\xe9"));
    let mut u8 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>".to_vec();
    u8.extend(body("せ".as_bytes()));
    for (doc, want) in [(l2, "ą"), (l1, "é"), (u8, "せ")] {
        let d = decode_response_document(&doc).unwrap();
        let Response::Error(e) = &d.responses[0] else {
            panic!()
        };
        assert!(e.summary.ends_with(want), "{}", e.summary);
    }
}

// ---------------------------------------------------------------- fake servers

const PASSWORD: &str = "password";
const NONCE: &str = "1234567890123";

#[derive(Default)]
struct Seen {
    /// Command types of every document received, in order.
    docs: Vec<Vec<String>>,
    /// How often each serviceUserId was received.
    ids: HashMap<String, usize>,
    /// Ids that already made the server close once.
    closed: HashSet<String>,
    logouts: usize,
}

type State = Arc<Mutex<Seen>>;

enum Action {
    Reply(String),
    Close,
    Hang,
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn unescape(s: &str) -> String {
    quick_xml::escape::unescape(s).unwrap().into_owned()
}

fn instance_reply(id: &str) -> String {
    let user = id.split('@').next().unwrap_or(id);
    format!(
        "<command echo=\"\" xsi:type=\"GroupHuntGroupGetInstanceResponse20\" xmlns=\"\">\
<serviceInstanceProfile><name>ぐるーぷ {}</name><callingLineIdLastName>L</callingLineIdLastName>\
<callingLineIdFirstName>F</callingLineIdFirstName><countryCode>1</countryCode></serviceInstanceProfile>\
<policy>Weighted</policy><huntAfterNoAnswer>true</huntAfterNoAnswer><noAnswerNumberOfRings>5</noAnswerNumberOfRings>\
<forwardAfterTimeout>false</forwardAfterTimeout><forwardTimeoutSeconds>10</forwardTimeoutSeconds>\
<agentUserTable><colHeading>Weight</colHeading><colHeading>User Id</colHeading>\
<row><col>70</col><col>a@x.com</col></row><row><col/><col>b@x.com</col></row></agentUserTable>\
<allowCallWaitingForAgents>true</allowCallWaitingForAgents><useSystemHuntGroupCLIDSetting>true</useSystemHuntGroupCLIDSetting>\
<includeHuntGroupNameInCLID>true</includeHuntGroupNameInCLID><enableNotReachableForwarding>false</enableNotReachableForwarding>\
<makeBusyWhenNotReachable>false</makeBusyWhenNotReachable><allowMembersToControlGroupBusy>false</allowMembersToControlGroupBusy>\
<enableGroupBusy>false</enableGroupBusy><applyGroupBusyWhenTerminatingToAgent>false</applyGroupBusyWhenTerminatingToAgent></command>",
        quick_xml::escape::escape(user)
    )
}

fn error_reply(code: u32, text: &str) -> String {
    format!(
        "<command type=\"Error\" echo=\"\" xsi:type=\"c:ErrorResponse\" xmlns:c=\"C\" xmlns=\"\">\
<summary>[Error {code}] {text}</summary><summaryEnglish>[Error {code}] {text}</summaryEnglish></command>"
    )
}

const SUCCESS: &str =
    "<command echo=\"\" xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\" xmlns=\"\"/>";

/// The scripted behaviour: serviceUserIds starting with `missing` get error 4008, `close`
/// makes the server drop the connection the first time it sees that id, `hang` is never
/// answered; login accepts admin / "password".
fn handle(doc: &str, state: &State) -> Action {
    let session = between(doc, "<sessionId xmlns=\"\">", "</sessionId>").unwrap_or("");
    let mut out = String::new();
    let mut types = Vec::new();
    let mut st = state.lock().unwrap();
    let mut action = None;
    for cmd in doc.split("<command ").skip(1) {
        let ty = between(cmd, "xsi:type=\"", "\"").unwrap_or("").to_string();
        types.push(ty.clone());
        let text = |name: &str| {
            between(cmd, &format!("<{name}>"), &format!("</{name}>"))
                .map(unescape)
                .unwrap_or_default()
        };
        let reply = match ty.as_str() {
            "AuthenticationRequest" => format!(
                "<command echo=\"\" xsi:type=\"AuthenticationResponse\" xmlns=\"\"><userId>{}</userId><nonce>{NONCE}</nonce><passwordAlgorithm>MD5</passwordAlgorithm></command>",
                text("userId")
            ),
            "LoginRequest14sp4" | "LoginRequest22V5" => {
                let ok = text("userId") == "admin"
                    && if ty == "LoginRequest14sp4" {
                        text("signedPassword") == "77e4a6de3a1e00be05e121cf0ebee860"
                    } else {
                        text("password") == PASSWORD
                    };
                if ok {
                    let t = ty.replace("Request", "Response");
                    format!("<command echo=\"\" xsi:type=\"{t}\" xmlns=\"\"><loginType>System</loginType><locale>en_US</locale><encoding>ISO-8859-1</encoding><isEnterprise>false</isEnterprise><userDomain>x.com</userDomain></command>")
                } else {
                    error_reply(4962, "Invalid password")
                }
            }
            "LogoutRequest" => {
                st.logouts += 1;
                SUCCESS.to_string()
            }
            _ => {
                let id = text("serviceUserId");
                *st.ids.entry(id.clone()).or_default() += 1;
                if id.starts_with("close") && st.closed.insert(id.clone()) {
                    action = Some(Action::Close);
                } else if id.starts_with("hang") {
                    action = Some(Action::Hang);
                }
                if id.starts_with("missing") {
                    error_reply(4008, &format!("User not found: {id}"))
                } else if ty == "GroupHuntGroupGetInstanceRequest20" {
                    instance_reply(&id)
                } else {
                    SUCCESS.to_string()
                }
            }
        };
        out.push_str(&reply);
    }
    st.docs.push(types);
    if let Some(a) = action {
        return a;
    }
    Action::Reply(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">{session}</sessionId>{out}</BroadsoftDocument>"
    ))
}

async fn serve_stream<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, state: State) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        while let Some(end) = find_document_end(&buf) {
            let doc: Vec<u8> = buf.drain(..end).collect();
            let text = decode_document(&doc).unwrap().into_owned();
            match handle(&text, &state) {
                Action::Reply(r) => {
                    if s.write_all(r.as_bytes()).await.is_err() || s.write_all(b"\n").await.is_err()
                    {
                        return;
                    }
                    let _ = s.flush().await;
                }
                Action::Close => return,
                Action::Hang => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
            }
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A TCP (or TLS, with an acceptor) fake server on a loopback port.
async fn stream_server(tls: Option<tokio_rustls::TlsAcceptor>) -> (u16, State) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = State::default();
    let st = state.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let st = st.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(a) => {
                        if let Ok(s) = a.accept(sock).await {
                            serve_stream(s, st).await
                        }
                    }
                    None => serve_stream(sock, st).await,
                }
            });
        }
    });
    (port, state)
}

/// A self-signed certificate for `localhost`: (TLS acceptor, certificate PEM).
fn self_signed() -> (tokio_rustls::TlsAcceptor, String) {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .unwrap();
    (
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        ck.cert.pem(),
    )
}

#[derive(Clone, Default)]
struct SoapState {
    seen: State,
    /// JSESSIONID → logged in.
    sessions: Arc<Mutex<HashMap<String, bool>>>,
}

fn soap_envelope(inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
<soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>"
    )
}

async fn soap_handler(
    axum::extract::State(st): axum::extract::State<SoapState>,
    headers: axum::http::HeaderMap,
    body: String,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let cookie = headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| {
            c.split(';')
                .find_map(|p| p.trim().strip_prefix("JSESSIONID="))
                .map(String::from)
        })
        .filter(|c| st.sessions.lock().unwrap().contains_key(c));
    let in0 = body
        .find("<in0")
        .and_then(|i| body[i..].find('>').map(|j| i + j + 1))
        .and_then(|s| body[s..].find("</in0>").map(|e| &body[s..s + e]))
        .unwrap_or("");
    let doc = unescape(in0);
    let logging_in = doc.contains("AuthenticationRequest") || doc.contains("LoginRequest");
    let logged_in = cookie
        .as_ref()
        .map(|c| st.sessions.lock().unwrap()[c])
        .unwrap_or(false);
    if !logging_in && !logged_in {
        let fault = soap_envelope(
            "<soapenv:Fault><faultcode>soapenv:Server.userException</faultcode>\
<faultstring>INVALID_REQUEST: Cannot process any request before user is logged in.</faultstring></soapenv:Fault>",
        );
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, fault).into_response();
    }
    let (jsession, set) = match cookie {
        Some(c) => (c, false),
        None => {
            let c = uuid::Uuid::new_v4().to_string();
            st.sessions.lock().unwrap().insert(c.clone(), false);
            (c, true)
        }
    };
    match handle(&doc, &st.seen) {
        Action::Reply(r) => {
            if r.contains("LoginResponse") {
                st.sessions.lock().unwrap().insert(jsession.clone(), true);
            }
            let env = soap_envelope(&format!(
                "<ns1:processOCIMessageResponse xmlns:ns1=\"urn:com:broadsoft:webservice\">\
<processOCIMessageReturn>{}</processOCIMessageReturn></ns1:processOCIMessageResponse>",
                quick_xml::escape::escape(&r)
            ));
            let mut resp = env.into_response();
            if set {
                resp.headers_mut().insert(
                    axum::http::header::SET_COOKIE,
                    format!("JSESSIONID={jsession}; Path=/").parse().unwrap(),
                );
            }
            resp
        }
        // A handler that panics makes the server drop the connection without an answer.
        Action::Close => panic!("fake SOAP server: simulated crash"),
        Action::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            axum::http::StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}

async fn soap_server() -> (String, State) {
    let st = SoapState::default();
    let seen = st.seen.clone();
    let app = axum::Router::new()
        .route(
            "/webservice/services/ProvisioningService",
            axum::routing::post(soap_handler),
        )
        .with_state(st);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        format!("http://127.0.0.1:{port}/webservice/services/ProvisioningService"),
        seen,
    )
}

// ---------------------------------------------------------------- the scenario

fn settings(url: &str) -> ConnectionSettings {
    let mut s = ConnectionSettings::new(url, "admin", Secret::new(PASSWORD));
    s.parallelism = 2;
    s.connect_timeout = Duration::from_secs(5);
    s.request_timeout = Duration::from_secs(10);
    s
}

fn get(id: &str) -> Request {
    Request::GetInstance {
        service_user_id: id.into(),
    }
}

/// Login (bad and good), a 15-command batch with an error in the middle, a server that closes
/// the connection (a read is retried, a write is not), a server that never answers.
async fn exercise(base: ConnectionSettings, state: State, expect_login: &str) {
    // A wrong password: an error naming the user, never the password.
    let mut bad = base.clone();
    bad.password = Secret::new("wrong-secret");
    let err = Pool::connect(bad).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            ClientError::Login {
                code: Some(4962),
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.contains("\"admin\"") && !msg.contains("wrong-secret"),
        "{msg}"
    );

    let pool = Pool::connect(base.clone()).await.unwrap();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let d = done.clone();
    pool.set_progress(Some(Arc::new(move |n| {
        d.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
    })));
    assert!(state
        .lock()
        .unwrap()
        .docs
        .iter()
        .any(|d| d.iter().any(|t| t == expect_login)));

    // 15 commands, one document; the 8th fails.
    let reqs: Vec<Request> = (0..15)
        .map(|i| {
            if i == 7 {
                get("missing-7@x.com")
            } else {
                get(&format!("hg{i}@x.com"))
            }
        })
        .collect();
    let before = state.lock().unwrap().docs.len();
    let rs = pool.execute(reqs).await;
    assert_eq!(rs.len(), 15);
    for (i, r) in rs.iter().enumerate() {
        match r {
            Ok(Response::Error(e)) => {
                assert_eq!(i, 7);
                assert_eq!(e.code, Some(4008));
            }
            Ok(Response::Instance(d)) => {
                assert_eq!(
                    d.hunt_group.service_instance_profile.name,
                    format!("ぐるーぷ hg{i}")
                );
                assert_eq!(d.agents[0].weight, 70);
                assert_eq!(d.agents[1].user_id, "b@x.com");
                assert_eq!(d.agents[1].weight, 0);
            }
            other => panic!("command {i}: {other:?}"),
        }
    }
    {
        let st = state.lock().unwrap();
        // The other sessions log in in the background meanwhile: count only hunt group documents.
        let new: Vec<usize> = st.docs[before..]
            .iter()
            .filter(|d| {
                !d.iter()
                    .any(|t| t.contains("Login") || t.contains("Authentication"))
            })
            .map(Vec::len)
            .collect();
        assert_eq!(new, vec![15], "one document of 15 commands");
    }
    assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 15);

    // 31 commands: three documents (15+15+1) over two sessions, results in order.
    let reqs: Vec<Request> = (0..31).map(|i| get(&format!("n{i}@x.com"))).collect();
    let rs = pool.execute(reqs).await;
    for (i, r) in rs.iter().enumerate() {
        let Ok(Response::Instance(d)) = r else {
            panic!("{i}: {r:?}")
        };
        assert_eq!(
            d.hunt_group.service_instance_profile.name,
            format!("ぐるーぷ n{i}")
        );
    }

    // The server drops the connection: a read-only document is resent on a fresh session…
    let rs = pool
        .execute(vec![get("close-read@x.com"), get("ok@x.com")])
        .await;
    assert!(matches!(&rs[0], Ok(Response::Instance(_))), "{rs:?}");
    assert!(matches!(&rs[1], Ok(Response::Instance(_))), "{rs:?}");
    assert_eq!(state.lock().unwrap().ids["close-read@x.com"], 2);
    // …a document with a write is not: its outcome is unknown.
    let rs = pool
        .execute(vec![
            get("w1@x.com"),
            Request::DeleteInstance {
                service_user_id: "close-write@x.com".into(),
            },
        ])
        .await;
    assert!(
        rs.iter()
            .all(|r| matches!(r, Err(CommandFailure::Unknown(_)))),
        "{rs:?}"
    );
    assert_eq!(state.lock().unwrap().ids["close-write@x.com"], 1);
    // The pool still works afterwards.
    let rs = pool.execute(vec![get("after@x.com")]).await;
    assert!(matches!(&rs[0], Ok(Response::Instance(_))), "{rs:?}");

    pool.close().await;
    // Over TCP the logout reply is not awaited: give the server a moment to read the request.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while state.lock().unwrap().logouts == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(state.lock().unwrap().logouts >= 1);

    // A server that never answers: the request timeout fires.
    let mut quick = base;
    quick.request_timeout = Duration::from_millis(400);
    quick.read_retries = 1;
    quick.parallelism = 1;
    let pool = Pool::connect(quick).await.unwrap();
    let t0 = Instant::now();
    let rs = pool.execute(vec![get("hang@x.com")]).await;
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    assert!(matches!(&rs[0], Err(CommandFailure::Unknown(_))), "{rs:?}");
    // Retried once (a read), then given up.
    assert_eq!(state.lock().unwrap().ids["hang@x.com"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_transport() {
    let (port, state) = stream_server(None).await;
    exercise(
        settings(&format!("tcp://127.0.0.1:{port}")),
        state.clone(),
        "LoginRequest14sp4",
    )
    .await;
    // Forcing the plain flow works over TCP too.
    let mut s = settings(&format!("tcp://127.0.0.1:{port}"));
    s.login = Some(LoginFlow::Plain);
    let pool = Pool::connect(s).await.unwrap();
    assert_eq!(
        state.lock().unwrap().docs.last().unwrap(),
        &vec!["LoginRequest22V5".to_string()]
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_transport() {
    let (acceptor, pem) = self_signed();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pem).unwrap();
    let (port, state) = stream_server(Some(acceptor)).await;
    let url = format!("tls://localhost:{port}");

    // Not trusted without --ca-cert: an error of its own, whose fix is the CA.
    let err = Pool::connect(settings(&url)).await.unwrap_err();
    assert!(matches!(err, ClientError::Certificate { .. }), "{err}");
    // Accepted with --insecure.
    let mut s = settings(&url);
    s.insecure = true;
    Pool::connect(s).await.unwrap().close().await;

    let mut s = settings(&url);
    s.ca_cert = Some(ca);
    exercise(s, state, "LoginRequest22V5").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_transport() {
    let (url, state) = soap_server().await;
    // Without the JSESSIONID cookie of a login, the endpoint answers with a fault.
    let s = settings(&url);
    let shared = Shared::new(&s).unwrap();
    let mut t = SoapTransport::new(&url, &shared).unwrap();
    let err = t
        .round_trip(&request_document("x", &[get("a@x.com")]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TransportError::Fault(f) if f.contains("before user is logged in")),
        "{err}"
    );
    exercise(s, state, "LoginRequest14sp4").await;
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = Pool::connect(settings(&format!("tcp://127.0.0.1:{port}")))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Connect { .. }), "{err}");
}

// ---------------------------------------------------------------- awkward servers
//
// Every reply shape of PROTOCOL.md "Wire shapes seen in the wild", served on purpose by a
// deliberately awkward server (the scripted `handle` above, its bytes reshaped on the way
// out): huntctl's client must read them all.

#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Each reply in 7-byte writes a millisecond apart.
    Pieces,
    /// No newline after the document.
    NoNewline,
    /// The newline as its own late write (what the sandbox used to do): it arrives before the
    /// next reply, which then starts with it.
    LateNewline,
    /// A newline (CRLF) before the declaration of every reply.
    LeadingNewline,
    /// No newline between the declaration and the root element.
    NoNewlineAfterDeclaration,
    /// ISO-8859-1 bytes (é as one byte, the rest as character references).
    Latin1,
}

/// The reply `handle` gives for `doc`, reshaped into the writes a server of this shape makes.
fn awkward_writes(shape: Shape, reply: &str) -> Vec<(Vec<u8>, Duration)> {
    let now = Duration::ZERO;
    match shape {
        Shape::Pieces => format!("{reply}\n")
            .into_bytes()
            .chunks(7)
            .map(|c| (c.to_vec(), Duration::from_millis(1)))
            .collect(),
        Shape::NoNewline => vec![(reply.as_bytes().to_vec(), now)],
        Shape::LateNewline => vec![
            (reply.as_bytes().to_vec(), now),
            (b"\n".to_vec(), Duration::from_millis(5)),
        ],
        Shape::LeadingNewline => vec![(format!("\r\n{reply}\r\n").into_bytes(), now)],
        Shape::NoNewlineAfterDeclaration => vec![(
            format!("{}\n", reply.replacen("?>\n", "?>", 1)).into_bytes(),
            now,
        )],
        Shape::Latin1 => {
            let text = reply.replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1);
            let mut bytes = huntctl::ocip::xml::to_latin1_with_refs(&text);
            bytes.push(b'\n');
            vec![(bytes, now)]
        }
    }
}

async fn awkward_stream_server(shape: Shape) -> (u16, State) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = State::default();
    let st = state.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let _ = s.set_nodelay(true);
            let st = st.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    while let Some(end) = find_document_end(&buf) {
                        let doc: Vec<u8> = buf.drain(..end).collect();
                        let text = decode_document(&doc).unwrap().into_owned();
                        let Action::Reply(r) = handle(&text, &st) else {
                            return;
                        };
                        for (bytes, pause) in awkward_writes(shape, &r) {
                            tokio::time::sleep(pause).await;
                            if s.write_all(&bytes).await.is_err() {
                                return;
                            }
                            let _ = s.flush().await;
                        }
                    }
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    (port, state)
}

/// Documents the server has handled, once it has `want` or after 2 s (the logout is sent
/// without waiting for its answer, so it may still be on its way).
async fn documents_seen(state: &State, want: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let n = state.lock().unwrap().docs.len();
        if n >= want || Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Ten lock-step round trips of two commands each (a hunt group whose name holds é and
/// katakana, and an unknown one) on one session, all read right.
async fn read_every_reply(url: &str, what: &str) {
    let s = settings(url);
    let shared = Shared::new(&s).unwrap();
    let mut session = huntctl::ocip::session::Session::open(&s, &shared)
        .await
        .unwrap_or_else(|e| panic!("{what}: login: {e}"));
    for n in 0..10 {
        let rs = session
            .send(&[get("caf\u{e9}@x.com"), get("missing@x.com")])
            .await
            .unwrap_or_else(|e| panic!("{what}: round trip {n}: {e}"));
        match &rs[0] {
            Response::Instance(i) => {
                assert_eq!(
                    i.hunt_group.service_instance_profile.name, "ぐるーぷ caf\u{e9}",
                    "{what}"
                )
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(
            matches!(&rs[1], Response::Error(e) if e.code == Some(4008)),
            "{what}: {:?}",
            rs[1]
        );
    }
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reads_every_tcp_reply_shape() {
    for shape in [
        Shape::Pieces,
        Shape::NoNewline,
        Shape::LateNewline,
        Shape::LeadingNewline,
        Shape::NoNewlineAfterDeclaration,
        Shape::Latin1,
    ] {
        let (port, state) = awkward_stream_server(shape).await;
        read_every_reply(&format!("tcp://127.0.0.1:{port}"), &format!("{shape:?}")).await;
        // login (2 documents), 10 round trips, logout
        assert_eq!(documents_seen(&state, 13).await, 13, "{shape:?}");
    }
}

#[derive(Debug, Clone, Copy)]
enum SoapStyle {
    /// Captured from XSPs: unqualified response element, `ns1:processOCIMessageReturn`, and a
    /// newline after the inner declaration (which says UTF-8).
    Xsp,
    /// RPC/encoded: `ns1:processOCIMessageResponse` with encodingStyle, typed return.
    RpcEncoded,
    /// A Python SOAP stack: `ns0:Envelope`, everything prefixed.
    Ns0,
    /// The XSP style in ISO-8859-1 bytes, said by the declaration only (no charset header).
    Latin1,
}

fn soap_answer(style: SoapStyle, doc: &str) -> (Vec<u8>, &'static str) {
    let esc = quick_xml::escape::escape(doc);
    let soapenv = "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
    let xsp = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope {soapenv}><soapenv:Body><processOCIMessageResponse xmlns=\"\"><ns1:processOCIMessageReturn xmlns:ns1=\"urn:com:broadsoft:webservice\">{esc}</ns1:processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>");
    match style {
        SoapStyle::Xsp => (xsp.into_bytes(), "text/xml; charset=utf-8"),
        SoapStyle::RpcEncoded => (
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope {soapenv}>\n <soapenv:Body>\n  <ns1:processOCIMessageResponse soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:ns1=\"urn:com:broadsoft:webservice\">\n   <processOCIMessageReturn xsi:type=\"xsd:string\">{esc}</processOCIMessageReturn>\n  </ns1:processOCIMessageResponse>\n </soapenv:Body>\n</soapenv:Envelope>").into_bytes(),
            "text/xml;charset=UTF-8",
        ),
        SoapStyle::Ns0 => (
            format!("<?xml version='1.0' encoding='utf-8'?>\n<ns0:Envelope xmlns:ns0=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ns1=\"urn:com:broadsoft:webservice\"><ns0:Body><ns1:processOCIMessageResponse><ns1:processOCIMessageReturn>{esc}</ns1:processOCIMessageReturn></ns1:processOCIMessageResponse></ns0:Body></ns0:Envelope>").into_bytes(),
            "text/xml; charset=utf-8",
        ),
        SoapStyle::Latin1 => (
            huntctl::ocip::xml::to_latin1_with_refs(
                &xsp.replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1),
            ),
            "text/xml",
        ),
    }
}

async fn awkward_soap_server(style: SoapStyle) -> (String, State) {
    let state = State::default();
    let st = state.clone();
    let app = axum::Router::new().route(
        "/webservice/services/ProvisioningService",
        axum::routing::post(move |body: String| {
            let st = st.clone();
            async move {
                let in0 = between(&body, "<in0 xsi:type=\"xsd:string\">", "</in0>").unwrap_or("");
                let Action::Reply(r) = handle(&unescape(in0), &st) else {
                    panic!("no scripted close or hang here")
                };
                let (bytes, ct) = soap_answer(style, &r);
                ([(axum::http::header::CONTENT_TYPE, ct)], bytes)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        format!("http://127.0.0.1:{port}/webservice/services/ProvisioningService"),
        state,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_reads_every_soap_reply_style() {
    for style in [
        SoapStyle::Xsp,
        SoapStyle::RpcEncoded,
        SoapStyle::Ns0,
        SoapStyle::Latin1,
    ] {
        let (url, state) = awkward_soap_server(style).await;
        read_every_reply(&url, &format!("{style:?}")).await;
        assert_eq!(documents_seen(&state, 13).await, 13, "{style:?}");
    }
}

#[test]
fn every_vendored_sample_validates_against_the_r25_schema() {
    let mut n = 0;
    for entry in std::fs::read_dir(ocip_schema::samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xml") {
            ocip_schema::assert_valid_file(&path);
            n += 1;
        }
    }
    assert!(n >= 14, "only {n} samples");
}

#[test]
fn the_schema_check_splits_streams_and_reads_prefixed_roots() {
    let dir = ocip_schema::samples_dir();
    let plain = std::fs::read(dir.join("hg-add.xml")).unwrap();
    let prefixed = std::fs::read(dir.join("hg-add.prefixed.xml")).unwrap();
    // A recorded stream: CRLF, a prefixed root, no newline between two documents.
    let mut stream = plain.clone();
    stream.extend_from_slice(b"\r\n");
    stream.extend_from_slice(&prefixed);
    stream.extend_from_slice(&plain);
    let docs = ocip_schema::split_documents(&stream);
    assert_eq!(docs.len(), 3);
    assert!(docs.iter().all(|d| d.starts_with(b"<?xml")));
    if let Some(r) = ocip_schema::validate_stream(&stream) {
        assert!(r.is_valid(), "{r}");
        assert_eq!(r.documents, 3);
    }
    // A broken second document is reported as document 2, with libxml2's reason.
    let broken = String::from_utf8_lossy(&plain).replace("<groupId>", "<groupID>");
    let mut stream = plain.clone();
    stream.extend_from_slice(broken.as_bytes());
    if let Some(r) = ocip_schema::validate_stream(&stream) {
        assert_eq!(r.documents, 2, "{r}");
        assert_eq!(r.invalid.len(), 1, "{r}");
        assert_eq!(r.invalid[0].0, 2, "{r}");
        assert!(r.invalid[0].1.contains("groupID"), "{r}");
    }
}

#[test]
fn preflight_reads_validate_and_round_trip() {
    use huntctl::sandbox::decode::decode_request_document;
    use huntctl::sandbox::encode::response_document;
    let reqs = vec![
        Request::AvailableUsers {
            service_provider_id: "SP&<1>".into(),
            group_id: "ぐるーぷ".into(),
        },
        Request::AvailableDns {
            service_provider_id: "SP1".into(),
            group_id: "G1".into(),
        },
        Request::UsersInGroup {
            service_provider_id: "SP1".into(),
            group_id: "G1".into(),
        },
    ];
    let req_doc = request_document("s1", &reqs);
    // R25 spells the group element of UserGetListInGroupRequest `GroupId`.
    let text = String::from_utf8_lossy(&req_doc).into_owned();
    assert!(text.contains("<GroupId>G1</GroupId>"), "{text}");
    let user = UserRow {
        user_id: "alice@example.com".into(),
        last_name: "Smith & Co".into(),
        first_name: "アリス".into(),
        phone_number: "2025550100".into(),
        extension: "0100".into(),
        email_address: "alice@example.com".into(),
        ..UserRow::default()
    };
    let listed = UserRow {
        phone_number_activated: "true".into(),
        in_trunk_group: "false".into(),
        country_code: "1".into(),
        ..user.clone()
    };
    let replies = [
        Response::AvailableUsers(vec![user.clone()]),
        Response::AvailableDns(vec!["2025550101".into(), "2025550102".into()]),
        Response::UsersInGroup(vec![listed.clone()]),
    ];
    let reply = response_document("s1", &replies);
    let empty = response_document(
        "s2",
        &[
            Response::AvailableUsers(vec![]),
            Response::AvailableDns(vec![]),
            Response::UsersInGroup(vec![]),
        ],
    );
    if let Some(r) =
        ocip_schema::validate_documents(&[req_doc.clone(), reply.clone(), empty.clone()])
    {
        assert!(r.is_valid(), "{r}");
        assert_eq!(r.documents, 3, "{r}");
    }

    let decoded = decode_request_document(&req_doc).unwrap();
    assert_eq!(
        decoded.commands,
        reqs.into_iter().map(Ok).collect::<Vec<_>>()
    );
    assert_eq!(
        decode_response_document(&reply).unwrap().responses,
        replies.to_vec()
    );
    let text = String::from_utf8_lossy(&reply).into_owned();
    for h in [
        "Email Address",
        "Phone Number Activated",
        "In Trunk Group",
        "National Prefix",
    ] {
        assert!(
            text.contains(&format!("<colHeading>{h}</colHeading>")),
            "{h}: {text}"
        );
    }

    // A lower-case `groupId` in UserGetListInGroupRequest is not R25: the sandbox refuses it.
    let wrong = text_doc(
        r#"<command xsi:type="UserGetListInGroupRequest" xmlns=""><serviceProviderId>SP1</serviceProviderId><groupId>G1</groupId></command>"#,
    );
    if let Some(r) = ocip_schema::validate_documents(std::slice::from_ref(&wrong)) {
        assert!(!r.is_valid(), "the schema should refuse groupId: {r}");
    }
    assert!(decode_request_document(&wrong).unwrap().commands[0].is_err());

    // A real server's table read by heading: other order, extra columns ignored.
    let real = br#"<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId><command echo="" xsi:type="UserGetListInGroupResponse" xmlns=""><userTable><colHeading>Extension</colHeading><colHeading>User Id</colHeading><colHeading>Something New</colHeading><row><col>1001</col><col>bob@example.com</col><col>x</col></row></userTable></command></BroadsoftDocument>"#;
    assert_eq!(
        decode_response_document(real).unwrap().responses,
        vec![Response::UsersInGroup(vec![UserRow {
            user_id: "bob@example.com".into(),
            extension: "1001".into(),
            ..UserRow::default()
        }])]
    );
}

/// A request document around one hand-written command.
fn text_doc(command: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId>{command}</BroadsoftDocument>"#
    )
    .into_bytes()
}

#[test]
fn active_list_and_department_list_validate_and_round_trip() {
    use huntctl::sandbox::decode::decode_request_document;
    use huntctl::sandbox::encode::response_document;
    let reqs = vec![
        Request::ModifyActiveList {
            activations: vec![
                ("sales&<1>@example.com".into(), false),
                ("せーるす@example.com".into(), true),
            ],
        },
        Request::ModifyActiveList {
            activations: vec![],
        },
        Request::DepartmentList {
            service_provider_id: "SP&<1>".into(),
            group_id: "ぐるーぷ".into(),
            include_enterprise: true,
        },
        Request::DepartmentList {
            service_provider_id: "SP1".into(),
            group_id: "G1".into(),
            include_enterprise: false,
        },
    ];
    assert!(reqs[0].is_write() && !reqs[2].is_write());
    let req_doc = request_document("s1", &reqs);
    let text = String::from_utf8_lossy(&req_doc).into_owned();
    assert!(
        text.contains("<serviceActivation><serviceUserId>sales&amp;&lt;1&gt;@example.com</serviceUserId><isActive>false</isActive></serviceActivation>"),
        "{text}"
    );
    let rows = vec![
        DepartmentRow {
            is_enterprise: false,
            name: "Sales & <Co>".into(),
            full_path_name: "Sales & <Co>".into(),
            calling_line_id_name: "セールス".into(),
            calling_line_id_phone_number: "2025550100".into(),
        },
        DepartmentRow {
            is_enterprise: true,
            name: "Corporate".into(),
            full_path_name: "Corporate".into(),
            ..DepartmentRow::default()
        },
    ];
    let replies = [Response::Success, Response::DepartmentList(rows.clone())];
    let reply = response_document("s1", &replies);
    let empty = response_document("s2", &[Response::DepartmentList(vec![])]);
    if let Some(r) =
        ocip_schema::validate_documents(&[req_doc.clone(), reply.clone(), empty.clone()])
    {
        assert!(r.is_valid(), "{r}");
        assert_eq!(r.documents, 3, "{r}");
    }
    // The sandbox reads the requests back; the client reads the replies.
    assert_eq!(
        decode_request_document(&req_doc).unwrap().commands,
        reqs.into_iter().map(Ok).collect::<Vec<_>>()
    );
    assert_eq!(
        decode_response_document(&reply).unwrap().responses,
        replies.to_vec()
    );
    assert_eq!(
        decode_response_document(&empty).unwrap().responses,
        vec![Response::DepartmentList(vec![])]
    );

    // A real server's table read by heading: other order, extra columns ignored, a server
    // without the enterprise column lists group departments.
    let real = br#"<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId><command echo="" xsi:type="GroupDepartmentGetListResponse18" xmlns=""><departmentTable><colHeading>Full Path Name</colHeading><colHeading>Department Name</colHeading><colHeading>Something New</colHeading><colHeading>Is Enterprise Department</colHeading><row><col>Corp\Ops</col><col>Ops</col><col>x</col><col>true</col></row></departmentTable></command><command echo="" xsi:type="GroupDepartmentGetListResponse18" xmlns=""><departmentTable><colHeading>Department Name</colHeading><row><col>Sales</col></row></departmentTable></command></BroadsoftDocument>"#;
    ocip_schema::assert_valid_documents("hand-written reply", &[real.to_vec()]);
    assert_eq!(
        decode_response_document(real).unwrap().responses,
        vec![
            Response::DepartmentList(vec![DepartmentRow {
                is_enterprise: true,
                name: "Ops".into(),
                full_path_name: "Corp\\Ops".into(),
                ..DepartmentRow::default()
            }]),
            Response::DepartmentList(vec![DepartmentRow {
                name: "Sales".into(),
                ..DepartmentRow::default()
            }])
        ]
    );
    // A table without the name column is not a department list.
    let broken = String::from_utf8_lossy(real).replace("Department Name", "Dept");
    assert!(decode_response_document(broken.as_bytes()).is_err());
}
