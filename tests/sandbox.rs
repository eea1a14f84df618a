//! The sandbox over the real wire: TCP, TLS and SOAP, business rules, schema checks, faults,
//! and a kill -9 durability test against the binary.

use huntctl::ocip::xml::{decode_document, find_document_end};
use huntctl::sandbox::{start, FaultRule, SandboxConfig, SandboxHandle};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

// ------------------------------------------------------------------------------------------
// helpers

#[path = "support/ocip_schema.rs"]
mod ocip_schema;

fn validate_bytes(docs: &[Vec<u8>]) {
    ocip_schema::assert_valid_documents("sandbox replies", docs);
}

fn validate_file(f: &Path) {
    ocip_schema::assert_valid_file(f);
}

async fn sandbox_with(dir: &Path, f: impl FnOnce(&mut SandboxConfig)) -> SandboxHandle {
    let mut c = SandboxConfig::embedded(dir.join("state.json"));
    f(&mut c);
    start(c).await.unwrap()
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Conn {
    s: Box<dyn Io>,
    buf: Vec<u8>,
    raw_replies: Vec<Vec<u8>>,
}

impl Conn {
    async fn tcp(h: &SandboxHandle) -> Conn {
        let s = tokio::net::TcpStream::connect(h.tcp_addr().unwrap())
            .await
            .unwrap();
        Conn::new(Box::new(s))
    }
    fn new(s: Box<dyn Io>) -> Conn {
        Conn {
            s,
            buf: Vec::new(),
            raw_replies: Vec::new(),
        }
    }
    async fn send_raw(&mut self, b: &[u8]) {
        self.s.write_all(b).await.unwrap();
        self.s.flush().await.unwrap();
    }
    /// The next reply document, or None when the connection closed.
    async fn read_doc(&mut self, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        loop {
            let n = self
                .buf
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            self.buf.drain(..n);
            if let Some(end) = find_document_end(&self.buf) {
                let d: Vec<u8> = self.buf.drain(..end).collect();
                let text = decode_document(&d).unwrap().into_owned();
                self.raw_replies.push(d);
                return Some(text);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let mut chunk = [0u8; 65536];
            match tokio::time::timeout(left, self.s.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return None,
                Ok(Ok(n)) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => panic!("no reply within {wait:?}"),
            }
        }
    }
    async fn call(&mut self, doc: &str) -> String {
        self.send_raw(doc.as_bytes()).await;
        self.send_raw(b"\n").await;
        self.read_doc(Duration::from_secs(10))
            .await
            .expect("connection closed")
    }
    async fn cmds(&mut self, cmds: &[String]) -> Vec<String> {
        let r = self.call(&doc("s1", cmds)).await;
        split(&r)
    }
    async fn login(&mut self) {
        let r = self
            .call(&doc(
                "s1",
                &[cmd("AuthenticationRequest", "<userId>admin</userId>")],
            ))
            .await;
        let nonce = between(&r, "<nonce>", "</nonce>");
        let sp = huntctl::sandbox::signed_password(&nonce, "admin");
        let r = self
            .call(&doc(
                "s1",
                &[cmd(
                    "LoginRequest14sp4",
                    &format!("<userId>admin</userId><signedPassword>{sp}</signedPassword>"),
                )],
            ))
            .await;
        assert!(r.contains("LoginResponse14sp4"), "{r}");
    }
}

fn between(s: &str, a: &str, b: &str) -> String {
    let i = s.find(a).unwrap_or_else(|| panic!("{a} not in {s}")) + a.len();
    let j = s[i..].find(b).unwrap() + i;
    s[i..j].to_string()
}

fn doc(sid: &str, cmds: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">{sid}</sessionId>{}</BroadsoftDocument>",
        cmds.concat()
    )
}

fn cmd(ty: &str, body: &str) -> String {
    format!("<command xsi:type=\"{ty}\" xmlns=\"\">{body}</command>")
}

/// The response commands of a reply document.
fn split(reply: &str) -> Vec<String> {
    reply
        .split("<command ")
        .skip(1)
        .map(|s| format!("<command {s}"))
        .collect()
}

fn well_formed(s: &str) -> bool {
    let mut r = quick_xml::Reader::from_str(s);
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

fn code(seg: &str) -> Option<u32> {
    let i = seg.find("[Error ")? + 7;
    seg[i..i + 4].parse().ok()
}

fn ok(seg: &str) -> bool {
    seg.contains("c:SuccessResponse")
}

struct Add<'a> {
    group: &'a str,
    id: &'a str,
    phone: Option<&'a str>,
    ext: Option<&'a str>,
    aliases: &'a [&'a str],
    agents: &'a [&'a str],
    rings: u32,
}

impl Default for Add<'_> {
    fn default() -> Self {
        Add {
            group: "SalesGroup",
            id: "new-hunt@company.com",
            phone: None,
            ext: None,
            aliases: &[],
            agents: &["john.doe@company.com"],
            rings: 4,
        }
    }
}

fn add(a: &Add<'_>) -> String {
    let mut p = String::from("<name>New Hunt</name><callingLineIdLastName>New</callingLineIdLastName><callingLineIdFirstName>Hunt</callingLineIdFirstName>");
    if let Some(n) = a.phone {
        p += &format!("<phoneNumber>{n}</phoneNumber>");
    }
    if let Some(e) = a.ext {
        p += &format!("<extension>{e}</extension>");
    }
    p += "<password>s3cret-hg</password>";
    for al in a.aliases {
        p += &format!("<alias>{al}</alias>");
    }
    let agents: String = a
        .agents
        .iter()
        .map(|u| format!("<agentUserId>{u}</agentUserId>"))
        .collect();
    cmd(
        "GroupHuntGroupAddInstanceRequest20",
        &format!(
            "<serviceProviderId>MyServiceProvider</serviceProviderId><groupId>{}</groupId><serviceUserId>{}</serviceUserId><serviceInstanceProfile>{p}</serviceInstanceProfile><policy>Weighted</policy><huntAfterNoAnswer>true</huntAfterNoAnswer><noAnswerNumberOfRings>{}</noAnswerNumberOfRings><forwardAfterTimeout>false</forwardAfterTimeout><forwardTimeoutSeconds>10</forwardTimeoutSeconds>{agents}<allowCallWaitingForAgents>true</allowCallWaitingForAgents><useSystemHuntGroupCLIDSetting>true</useSystemHuntGroupCLIDSetting><includeHuntGroupNameInCLID>true</includeHuntGroupNameInCLID><enableNotReachableForwarding>false</enableNotReachableForwarding><makeBusyWhenNotReachable>false</makeBusyWhenNotReachable><allowMembersToControlGroupBusy>false</allowMembersToControlGroupBusy><enableGroupBusy>false</enableGroupBusy><applyGroupBusyWhenTerminatingToAgent>false</applyGroupBusyWhenTerminatingToAgent>",
            a.group, a.id, a.rings
        ),
    )
}

fn get(id: &str) -> String {
    cmd(
        "GroupHuntGroupGetInstanceRequest20",
        &format!("<serviceUserId>{id}</serviceUserId>"),
    )
}

fn list(sp: &str, g: &str) -> String {
    cmd(
        "GroupHuntGroupGetInstanceListRequest",
        &format!("<serviceProviderId>{sp}</serviceProviderId><groupId>{g}</groupId>"),
    )
}

fn group_list(sp: &str, extra: &str) -> String {
    cmd(
        "GroupGetListInServiceProviderRequest",
        &format!("<serviceProviderId>{sp}</serviceProviderId>{extra}"),
    )
}

fn modify(id: &str, body: &str) -> String {
    cmd(
        "GroupHuntGroupModifyInstanceRequest",
        &format!("<serviceUserId>{id}</serviceUserId>{body}"),
    )
}

fn delete(id: &str) -> String {
    cmd(
        "GroupHuntGroupDeleteInstanceRequest",
        &format!("<serviceUserId>{id}</serviceUserId>"),
    )
}

fn weights(id: &str, w: &[(&str, u8)]) -> String {
    let body: String = w
        .iter()
        .map(|(u, n)| {
            format!("<agentWeight><agentUserId>{u}</agentUserId><weight>{n}</weight></agentWeight>")
        })
        .collect();
    cmd(
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
        &format!("<serviceUserId>{id}</serviceUserId>{body}"),
    )
}

/// (user id, weight) rows of an agentUserTable.
fn agent_rows(seg: &str) -> Vec<(String, String)> {
    let table = between(seg, "<agentUserTable>", "</agentUserTable>");
    let heads: Vec<String> = table
        .split("<colHeading>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    let wi = heads
        .iter()
        .position(|h| h == "Weight")
        .expect("Weight column");
    let ui = heads.iter().position(|h| h == "User Id").unwrap();
    table
        .split("<row>")
        .skip(1)
        .map(|r| {
            let cols: Vec<String> = r
                .split("<col")
                .skip(1)
                .map(|c| {
                    if c.starts_with("/>") {
                        String::new()
                    } else {
                        c[1..c.find("</col>").unwrap()].to_string()
                    }
                })
                .collect();
            (cols[ui].clone(), cols[wi].clone())
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// login

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_login_rules() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let mut c = Conn::tcp(&h).await;
    let r = c.cmds(&[list("MyServiceProvider", "SalesGroup")]).await;
    assert_eq!(code(&r[0]), Some(5404), "command before login: {}", r[0]);

    // wrong password
    let a = c
        .call(&doc(
            "s1",
            &[cmd("AuthenticationRequest", "<userId>admin</userId>")],
        ))
        .await;
    let nonce = between(&a, "<nonce>", "</nonce>");
    let bad = huntctl::sandbox::signed_password(&nonce, "wrong");
    let r = c
        .cmds(&[cmd(
            "LoginRequest14sp4",
            &format!("<userId>admin</userId><signedPassword>{bad}</signedPassword>"),
        )])
        .await;
    assert_eq!(code(&r[0]), Some(4962));
    // plain-password login refused on plain TCP, even with the right password
    let r = c
        .cmds(&[cmd(
            "LoginRequest22V5",
            "<userId>admin</userId><password>admin</password>",
        )])
        .await;
    assert!(
        code(&r[0]).is_some() && !r[0].contains("LoginResponse22V5"),
        "{}",
        r[0]
    );

    c.login().await;
    let r = c.cmds(&[list("MyServiceProvider", "SalesGroup")]).await;
    assert!(
        r[0].contains("<col>sales-hunt@company.com</col>"),
        "{}",
        r[0]
    );
    // another sessionId on the same connection is not logged in
    let r = split(
        &c.call(&doc("other", &[list("MyServiceProvider", "SalesGroup")]))
            .await,
    );
    assert_eq!(code(&r[0]), Some(5404));
    let r = c
        .cmds(&[
            cmd(
                "LogoutRequest",
                "<userId>admin</userId><reason>Client Logout</reason>",
            ),
            list("MyServiceProvider", "SalesGroup"),
        ])
        .await;
    assert!(ok(&r[0]));
    assert_eq!(code(&r[1]), Some(5404));
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// every command's success, over TCP, replies validated against the schema

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_succeed_and_replies_are_schema_valid() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    let r = c
        .cmds(&[
            add(&Add {
                phone: Some("+1-2025550105"),
                ext: Some("0105"),
                aliases: &["new-alias@company.com"],
                agents: &[
                    "john.doe@company.com",
                    "jane.smith@company.com",
                    "bob.wilson@company.com",
                ],
                ..Default::default()
            }),
            get("new-hunt@company.com"),
            list("MyServiceProvider", "SalesGroup"),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    let g = &r[1];
    assert!(g.contains("<phoneNumber>2025550105</phoneNumber>"), "{g}");
    assert!(g.contains("<countryCode>1</countryCode>"), "{g}");
    assert!(!g.contains("s3cret-hg") && !g.contains("<password>"), "{g}");
    assert!(g.contains("<alias>new-alias@company.com</alias>"));
    assert!(g.contains("<noAnswerNumberOfRings>4</noAnswerNumberOfRings>"));
    assert_eq!(
        agent_rows(g),
        vec![
            ("john.doe@company.com".into(), "0".into()),
            ("jane.smith@company.com".into(), "0".into()),
            ("bob.wilson@company.com".into(), "0".into())
        ]
    );
    assert!(r[2].contains("<col>new-hunt@company.com</col>"));

    // weights: listed agents set, others zeroed
    let r = c
        .cmds(&[
            weights(
                "new-hunt@company.com",
                &[("john.doe@company.com", 60), ("jane.smith@company.com", 40)],
            ),
            weights("new-hunt@company.com", &[("bob.wilson@company.com", 70)]),
            get("new-hunt@company.com"),
        ])
        .await;
    assert!(ok(&r[0]) && ok(&r[1]));
    assert_eq!(
        agent_rows(&r[2]),
        vec![
            ("john.doe@company.com".into(), "0".into()),
            ("jane.smith@company.com".into(), "0".into()),
            ("bob.wilson@company.com".into(), "70".into())
        ]
    );

    // modify: absent = unchanged, nil = cleared, list replaced (weights of staying agents kept)
    let r = c
        .cmds(&[
            modify(
                "new-hunt@company.com",
                "<serviceInstanceProfile><name>Renamed</name><extension xsi:nil=\"true\"/><sipAliasList><sipAlias>a1@company.com</sipAlias><sipAlias>a2@company.com</sipAlias></sipAliasList></serviceInstanceProfile><policy>Circular</policy><forwardToPhoneNumber>+1-2025550299</forwardToPhoneNumber><agentUserIdList><userId>bob.wilson@company.com</userId><userId>alice.jones@company.com</userId></agentUserIdList>",
            ),
            get("new-hunt@company.com"),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    let g = &r[1];
    assert!(g.contains("<name>Renamed</name>"));
    assert!(!g.contains("<extension>"), "{g}");
    assert!(
        g.contains("<phoneNumber>2025550105</phoneNumber>"),
        "kept: {g}"
    );
    assert!(g.contains("<alias>a1@company.com</alias><alias>a2@company.com</alias>"));
    assert!(g.contains("<policy>Circular</policy>"));
    assert!(g.contains("<callingLineIdLastName>New</callingLineIdLastName>"));
    assert_eq!(
        agent_rows(g),
        vec![
            ("bob.wilson@company.com".into(), "70".into()),
            ("alice.jones@company.com".into(), "0".into())
        ]
    );
    let r = c
        .cmds(&[
            modify(
                "new-hunt@company.com",
                "<serviceInstanceProfile><phoneNumber xsi:nil=\"true\"/><sipAliasList xsi:nil=\"true\"/></serviceInstanceProfile><forwardToPhoneNumber xsi:nil=\"true\"/><agentUserIdList xsi:nil=\"true\"/>",
            ),
            get("new-hunt@company.com"),
            delete("new-hunt@company.com"),
            get("new-hunt@company.com"),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    assert!(
        !r[1].contains("<phoneNumber>")
            && !r[1].contains("<alias>")
            && !r[1].contains("<forwardToPhoneNumber>")
    );
    assert!(agent_rows(&r[1]).is_empty());
    assert!(ok(&r[2]));
    assert_eq!(code(&r[3]), Some(4008));

    // the seed: sales-vip-hunt exactly as sales.yaml with documented defaults
    let r = c.cmds(&[get("sales-vip-hunt@company.com")]).await;
    let g = &r[0];
    for want in [
        "<name>Sales VIP Line</name>",
        "<extension>0101</extension>",
        "<policy>Simultaneous</policy>",
        "<huntAfterNoAnswer>true</huntAfterNoAnswer>",
        "<noAnswerNumberOfRings>5</noAnswerNumberOfRings>",
        "<forwardTimeoutSeconds>10</forwardTimeoutSeconds>",
        "<allowCallWaitingForAgents>true</allowCallWaitingForAgents>",
        "<enableGroupBusy>false</enableGroupBusy>",
    ] {
        assert!(g.contains(want), "{want} in {g}");
    }
    assert!(!g.contains("<phoneNumber>") && !g.contains("<alias>"));
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// business rules

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn business_rule_errors() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    let bad_sp = add(&Add::default()).replace("MyServiceProvider", "NoSuchSP");
    let r = c
        .cmds(&[
            bad_sp,
            add(&Add {
                group: "NoSuchGroup",
                ..Default::default()
            }),
            add(&Add {
                id: "john.doe@company.com",
                ..Default::default()
            }),
            add(&Add {
                id: "sales-hunt@company.com",
                ..Default::default()
            }),
            add(&Add {
                agents: &["support1@company.com"],
                ..Default::default()
            }),
            add(&Add {
                phone: Some("+12025550200"),
                ..Default::default()
            }),
            add(&Add {
                phone: Some("2025550100"),
                ..Default::default()
            }),
            add(&Add {
                ext: Some("0101"),
                ..Default::default()
            }),
            add(&Add {
                aliases: &["support-team@company.com"],
                ..Default::default()
            }),
            modify("nobody@company.com", "<policy>Regular</policy>"),
            delete("nobody@company.com"),
            get("nobody@company.com"),
            weights("sales-hunt@company.com", &[("bob.wilson@company.com", 10)]),
            list("MyServiceProvider", "NoSuchGroup"),
            add(&Add {
                id: "nodomain",
                ..Default::default()
            }),
        ])
        .await;
    let codes: Vec<Option<u32>> = r.iter().map(|s| code(s)).collect();
    assert_eq!(
        codes,
        vec![
            Some(4009),
            Some(4010),
            Some(4200),
            Some(4200),
            Some(4008),
            Some(4413),
            Some(4414),
            Some(4415),
            Some(4416),
            Some(4008),
            Some(4008),
            Some(4008),
            Some(4008),
            Some(4010),
            Some(4201)
        ],
        "{r:#?}"
    );
    assert!(r[4].contains("User not found: support1@company.com"));
    // more than 3 aliases is a schema violation naming the element
    let r = c
        .cmds(&[add(&Add {
            aliases: &["a@x.com", "b@x.com", "c@x.com", "d@x.com"],
            ..Default::default()
        })])
        .await;
    assert_eq!(code(&r[0]), Some(6004));
    assert!(r[0].contains("alias"), "{}", r[0]);
    // a failed modify changes nothing
    let r = c
        .cmds(&[
            modify("sales-hunt@company.com", "<serviceInstanceProfile><name>Changed</name><extension>0101</extension></serviceInstanceProfile>"),
            get("sales-hunt@company.com"),
        ])
        .await;
    assert_eq!(code(&r[0]), Some(4415));
    assert!(r[1].contains("<name>Sales Hunt</name>"));
    // the add with a free number works, and a number in +1- form counts as the same number
    let r = c
        .cmds(&[
            add(&Add {
                phone: Some("+1-2025550119"),
                ext: Some("0119"),
                ..Default::default()
            }),
            add(&Add {
                id: "other@company.com",
                phone: Some("2025550119"),
                ..Default::default()
            }),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    assert_eq!(code(&r[1]), Some(4414));
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// schema checks and tolerant reading

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_list_in_service_provider() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    let search = "<responseSizeLimit>10</responseSizeLimit><searchCriteriaGroupId><mode>Starts With</mode><value>Sa</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaGroupId><searchCriteriaGroupName><mode>Contains</mode><value>x</value><isCaseInsensitive>false</isCaseInsensitive></searchCriteriaGroupName>";
    let r = c
        .cmds(&[
            group_list("MyServiceProvider", ""),
            group_list("NoSuchSP", ""),
            group_list("MyServiceProvider", search),
            group_list("MyServiceProvider", "<responseSizeLimit>0</responseSizeLimit>"),
            group_list(
                "MyServiceProvider",
                "<searchCriteriaGroupId><mode>Like</mode><value>S</value><isCaseInsensitive>true</isCaseInsensitive></searchCriteriaGroupId>",
            ),
            group_list("MyServiceProvider", "<groupId>SalesGroup</groupId>"),
        ])
        .await;
    assert_eq!(r.len(), 6, "{r:?}");
    assert!(
        r[0].contains("GroupGetListInServiceProviderResponse"),
        "{}",
        r[0]
    );
    let groups: Vec<String> = r[0]
        .split("<row>")
        .skip(1)
        .map(|row| between(row, "<col>", "</col>"))
        .collect();
    assert_eq!(groups, ["SalesGroup", "SupportGroup"]);
    for h in ["Group Id", "Group Name", "User Limit"] {
        assert!(
            r[0].contains(&format!("<colHeading>{h}</colHeading>")),
            "{h}"
        );
    }
    assert_eq!(code(&r[1]), Some(4009), "{}", r[1]);
    assert!(r[1].contains("NoSuchSP"), "{}", r[1]);
    // The search elements are checked against the schema but not applied.
    assert_eq!(r[2], r[0]);
    for (i, e) in [
        (3, "responseSizeLimit"),
        (4, "searchCriteriaGroupId/mode"),
        (5, "groupId"),
    ] {
        assert_eq!(code(&r[i]), Some(6004), "{i}: {}", r[i]);
        let detail = between(&r[i], "<detail>", "</detail>");
        assert!(detail.contains(e), "{i}: {e} in {detail}");
    }
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_violations_name_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    let out_of_order = cmd(
        "GroupHuntGroupGetInstanceListRequest",
        "<groupId>SalesGroup</groupId><serviceProviderId>MyServiceProvider</serviceProviderId>",
    );
    let long_name = add(&Add::default()).replace(
        "<name>New Hunt</name>",
        &format!("<name>{}</name>", "x".repeat(31)),
    );
    let missing = add(&Add::default()).replace("<policy>Weighted</policy>", "");
    let bad_enum =
        add(&Add::default()).replace("<policy>Weighted</policy>", "<policy>Random</policy>");
    let bad_bool = add(&Add::default()).replace(
        "<enableGroupBusy>false</enableGroupBusy>",
        "<enableGroupBusy>yes</enableGroupBusy>",
    );
    let r = c
        .cmds(&[
            add(&Add {
                rings: 21,
                ..Default::default()
            }),
            out_of_order,
            long_name,
            missing,
            bad_enum,
            modify("sales-hunt@company.com", "<policy xsi:nil=\"true\"/>"),
            cmd(
                "GroupHuntGroupFrobnicateRequest",
                "<serviceUserId>x@y</serviceUserId>",
            ),
            weights("sales-hunt@company.com", &[("john.doe@company.com", 101)]),
            bad_bool,
            get("sales-hunt@company.com"),
        ])
        .await;
    let expect = [
        "noAnswerNumberOfRings",
        "serviceProviderId",
        "name",
        "policy",
        "policy",
        "policy",
        "GroupHuntGroupFrobnicateRequest",
        "weight",
        "enableGroupBusy",
    ];
    for (i, e) in expect.iter().enumerate() {
        assert_eq!(code(&r[i]), Some(6004), "{i}: {}", r[i]);
        assert!(r[i].contains("OCI XML Request validation error"));
        let detail = between(&r[i], "<detail>", "</detail>");
        assert!(detail.contains(e), "{i}: {e} in {detail}");
    }
    assert!(
        r[9].contains("GroupHuntGroupGetInstanceResponse20"),
        "others still run"
    );

    // 16 commands: the whole document is refused
    let many: Vec<String> = (0..16).map(|_| get("sales-hunt@company.com")).collect();
    let r = c.cmds(&many).await;
    assert_eq!(r.len(), 1);
    assert_eq!(code(&r[0]), Some(6004));

    // malformed XML gets an ErrorResponse, and the connection keeps working
    let r = c
        .call("<BroadsoftDocument protocol=\"OCI\"><sessionId>s1</sessionId><command xsi:type=\"x\"><a></b></command></BroadsoftDocument>")
        .await;
    assert_eq!(code(&r), Some(6004), "{r}");
    // an incomplete document is answered after a pause instead of hanging
    c.send_raw(b"<BroadsoftDocument protocol=\"OCI\"><sessionId>s1</sessionId><command>\n")
        .await;
    let r = c.read_doc(Duration::from_secs(10)).await.unwrap();
    assert_eq!(code(&r), Some(6004), "{r}");
    let r = c.cmds(&[get("sales-hunt@company.com")]).await;
    assert!(r[0].contains("GroupHuntGroupGetInstanceResponse20"));
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tolerant_reading_and_back_to_back_documents() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    // prefixed namespace, pretty-printed, ISO-8859-1 with a Latin-1 byte, no trailing newline
    let prefixed = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<c:BroadsoftDocument xmlns:c=\"C\" protocol=\"OCI\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <sessionId>s1</sessionId>\n  <command xsi:type=\"GroupHuntGroupModifyInstanceRequest\">\n    <serviceUserId>sales-hunt@company.com</serviceUserId>\n    <serviceInstanceProfile>\n      <name>Caf\u{e9} &#12475;</name>\n    </serviceInstanceProfile>\n  </command>\n</c:BroadsoftDocument>";
    let latin1: Vec<u8> = prefixed.chars().map(|ch| ch as u32 as u8).collect();
    c.send_raw(&latin1).await;
    let r = c.read_doc(Duration::from_secs(10)).await.unwrap();
    assert!(ok(&r), "{r}");
    // UTF-8 without declaration
    let utf8 = doc("s1", &[get("sales-hunt@company.com")])
        .replace("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n", "");
    c.send_raw(utf8.as_bytes()).await;
    let r = c.read_doc(Duration::from_secs(10)).await.unwrap();
    // é is a Latin-1 byte, the katakana a character reference
    assert!(r.contains("<name>Caf\u{e9} &#12475;</name>"), "{r}");
    assert!(String::from_utf8_lossy(c.raw_replies.last().unwrap()).contains("&#12475;"));
    // three documents in one write: three replies, in order
    let mut burst = String::new();
    for id in [
        "sales-hunt@company.com",
        "nobody@company.com",
        "sales-vip-hunt@company.com",
    ] {
        burst += &doc("s1", &[get(id)]);
        burst += "\n";
    }
    c.send_raw(burst.as_bytes()).await;
    let a = c.read_doc(Duration::from_secs(10)).await.unwrap();
    let b = c.read_doc(Duration::from_secs(10)).await.unwrap();
    let d = c.read_doc(Duration::from_secs(10)).await.unwrap();
    assert!(a.contains("Caf\u{e9}"));
    assert_eq!(code(&b), Some(4008));
    assert!(d.contains("Sales VIP Line"));
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// TLS and SOAP

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_transport() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |c| {
        c.tls_listen = Some("127.0.0.1:0".parse().unwrap())
    })
    .await;
    let pem = h.cert_pem().unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let cfg = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let conn = tokio_rustls::TlsConnector::from(std::sync::Arc::new(cfg));
    let tcp = tokio::net::TcpStream::connect(h.tls_addr().unwrap())
        .await
        .unwrap();
    let s = conn
        .connect(
            rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            tcp,
        )
        .await
        .unwrap();
    let mut c = Conn::new(Box::new(s));
    let r = c
        .cmds(&[cmd(
            "LoginRequest22V5",
            "<userId>admin</userId><password>wrong</password>",
        )])
        .await;
    assert_eq!(code(&r[0]), Some(4962));
    let r = c
        .cmds(&[
            cmd(
                "LoginRequest22V5",
                "<userId>admin</userId><password>admin</password>",
            ),
            get("support-hunt@company.com"),
            add(&Add {
                group: "SupportGroup",
                agents: &["support3@company.com"],
                ..Default::default()
            }),
        ])
        .await;
    assert!(r[0].contains("LoginResponse22V5"), "{}", r[0]);
    assert!(r[1].contains("<policy>Circular</policy>"));
    assert!(ok(&r[2]), "{}", r[2]);
    validate_bytes(&c.raw_replies);
    h.shutdown().await;
}

fn soap_body(inner: &str) -> String {
    let esc = inner
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><processOCIMessage xmlns=\"urn:com:broadsoft:webservice\"><in0>{esc}</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>")
}

async fn soap_call(client: &reqwest::Client, url: &str, inner: &str) -> (u16, String) {
    let r = client
        .post(url)
        .header("Content-Type", "text/xml; charset=UTF-8")
        .header("SOAPAction", "\"\"")
        .body(soap_body(inner))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let inner = if status == 200 {
        between(
            &text,
            "<processOCIMessageReturn xsi:type=\"xsd:string\">",
            "</processOCIMessageReturn>",
        )
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
    } else {
        text
    };
    (status, inner)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_transport_with_cookie_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |c| {
        c.soap_listen = Some("127.0.0.1:0".parse().unwrap())
    })
    .await;
    let url = h.soap_url().unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let (st, body) = soap_call(
        &client,
        &url,
        &doc("soap1", &[get("sales-hunt@company.com")]),
    )
    .await;
    assert_eq!(st, 500);
    assert!(
        body.contains("Cannot process any request before user is logged in."),
        "{body}"
    );
    let (st, r) = soap_call(
        &client,
        &url,
        &doc(
            "soap1",
            &[cmd(
                "LoginRequest22V5",
                "<userId>admin</userId><password>admin</password>",
            )],
        ),
    )
    .await;
    assert_eq!(st, 200);
    assert!(r.contains("LoginResponse22V5"), "{r}");
    let (_, r) = soap_call(
        &client,
        &url,
        &doc(
            "soap1",
            &[
                get("sales-hunt@company.com"),
                add(&Add::default()),
                delete("new-hunt@company.com"),
            ],
        ),
    )
    .await;
    let parts = split(&r);
    assert!(parts[0].contains("<name>Sales Hunt</name>"), "{r}");
    assert!(ok(&parts[1]) && ok(&parts[2]), "{r}");
    validate_bytes(&[r.clone().into_bytes()]);
    // the same sessionId without the cookie is refused
    let other = reqwest::Client::new();
    let (st, body) = soap_call(
        &other,
        &url,
        &doc("soap1", &[get("sales-hunt@company.com")]),
    )
    .await;
    assert_eq!(st, 500);
    assert!(body.contains("INVALID_REQUEST"));
    h.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// instruments: latency, record, faults

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_of_a_full_scenario_is_schema_valid_and_latency_applies() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("record.xml");
    let h = sandbox_with(dir.path(), |c| {
        c.record = Some(rec.clone());
        c.latency = Duration::from_millis(150);
    })
    .await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    let t = Instant::now();
    let r = c
        .cmds(&[
            list("MyServiceProvider", "SalesGroup"),
            add(&Add {
                phone: Some("+1-2025550110"),
                aliases: &["x1@company.com"],
                ..Default::default()
            }),
            modify(
                "new-hunt@company.com",
                "<agentUserIdList><userId>carol.white@company.com</userId></agentUserIdList>",
            ),
            weights("new-hunt@company.com", &[("carol.white@company.com", 100)]),
            get("new-hunt@company.com"),
            delete("new-hunt@company.com"),
            cmd("LogoutRequest", "<userId>admin</userId>"),
        ])
        .await;
    assert!(t.elapsed() >= Duration::from_millis(150), "latency");
    assert!(r.iter().all(|s| code(s).is_none()), "{r:#?}");
    h.shutdown().await;
    let recorded = std::fs::read_to_string(&rec).unwrap();
    assert!(
        !recorded.contains("s3cret-hg"),
        "hunt group password recorded"
    );
    assert!(recorded.contains("<password>********</password>"));
    assert!(recorded.contains("<signedPassword>********</signedPassword>"));
    assert_eq!(recorded.matches("</BroadsoftDocument>").count(), 3);
    validate_file(&rec);
    validate_bytes(&c.raw_replies);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_rules() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |c| {
        c.faults = [
            "error=*-vip-*:4321",
            "close-after=2",
            "drop-before=3",
            "wrong-count-after=4",
            "malformed-after=6",
            "stall-after=8",
        ]
        .iter()
        .map(|s| FaultRule::parse(s).unwrap())
        .collect();
    })
    .await;
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    // command 1: injected error
    let r = c.cmds(&[get("sales-vip-hunt@company.com")]).await;
    assert_eq!(code(&r[0]), Some(4321));
    // command 2: carried out, reply lost
    c.send_raw(
        doc(
            "s1",
            &[add(&Add {
                id: "lost-reply@company.com",
                ..Default::default()
            })],
        )
        .as_bytes(),
    )
    .await;
    assert!(c.read_doc(Duration::from_secs(5)).await.is_none());
    // command 3: dropped before running
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    c.send_raw(
        doc(
            "s1",
            &[add(&Add {
                id: "dropped@company.com",
                ..Default::default()
            })],
        )
        .as_bytes(),
    )
    .await;
    assert!(c.read_doc(Duration::from_secs(5)).await.is_none());
    let mut c = Conn::tcp(&h).await;
    c.login().await;
    // commands 4+: one response too few
    let r = c
        .cmds(&[get("lost-reply@company.com"), get("dropped@company.com")])
        .await;
    assert_eq!(r.len(), 1);
    assert!(
        r[0].contains("GroupHuntGroupGetInstanceResponse20"),
        "the lost-reply write happened"
    );
    // command 6: carried out, the reply is not well-formed
    let raw = c.call(&doc("s1", &[get("dropped@company.com")])).await;
    assert!(!well_formed(&raw), "malformed: {raw}");
    assert!(well_formed(&doc("s1", &[get("x@y")])));
    // command 7: the dropped create never ran
    let r = c.cmds(&[get("dropped@company.com")]).await;
    assert_eq!(code(&r[0]), Some(4008));
    // command 8: stall, no reply
    c.send_raw(doc("s1", &[get("sales-hunt@company.com")]).as_bytes())
        .await;
    let mut buf = [0u8; 16];
    let stalled = tokio::time::timeout(Duration::from_millis(800), c.s.read(&mut buf)).await;
    assert!(stalled.is_err(), "stall-after answers nothing");
    h.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// durability: group commit speed and kill -9

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_creates_are_durable_and_fast() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_with(dir.path(), |_| {}).await;
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..4 {
        let addr = h.tcp_addr().unwrap();
        tasks.push(tokio::spawn(async move {
            let s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let mut c = Conn::new(Box::new(s));
            c.login().await;
            let ids: Vec<String> = (0..250)
                .map(|i| format!("bulk-{w}-{i}@company.com"))
                .collect();
            for chunk in ids.chunks(15) {
                let cmds: Vec<String> = chunk
                    .iter()
                    .map(|id| {
                        add(&Add {
                            id,
                            ..Default::default()
                        })
                    })
                    .collect();
                let r = c.cmds(&cmds).await;
                assert!(r.iter().all(|s| ok(s)), "{r:?}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let took = t.elapsed();
    assert!(
        took < Duration::from_secs(30),
        "1,000 creates took {took:?}"
    );
    let st = huntctl::sandbox::state::load(&dir.path().join("state.json")).unwrap();
    let n: usize = st.service_providers[0].groups[0].hunt_groups.len();
    assert_eq!(n, 1002, "every acknowledged create is on disk");
    h.shutdown().await;
}

#[test]
fn kill_9_keeps_every_acknowledged_write() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut next = 0u32;
    for round in 0..5 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_huntctl"))
            .args([
                "sandbox",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--state",
            ])
            .arg(&state)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        // Kept open until the kill: a closed pipe would make the child's next println fail.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        assert!(line.contains("listening"), "{line}");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let start_id = next;
        let writer = std::thread::spawn(move || {
            let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
                return;
            };
            let mut call = |d: &str| -> Option<String> {
                s.write_all(d.as_bytes()).ok()?;
                s.write_all(b"\n").ok()?;
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    if let Some(e) = find_document_end(&buf) {
                        return Some(String::from_utf8_lossy(&buf[..e]).into_owned());
                    }
                    let n = s.read(&mut chunk).ok()?;
                    if n == 0 {
                        return None;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
            };
            let Some(a) = call(&doc(
                "k",
                &[cmd("AuthenticationRequest", "<userId>admin</userId>")],
            )) else {
                return;
            };
            let nonce = between(&a, "<nonce>", "</nonce>");
            let sp = huntctl::sandbox::signed_password(&nonce, "admin");
            if call(&doc(
                "k",
                &[cmd(
                    "LoginRequest14sp4",
                    &format!("<userId>admin</userId><signedPassword>{sp}</signedPassword>"),
                )],
            ))
            .is_none()
            {
                return;
            }
            for i in start_id.. {
                let id = format!("k9-{i}@company.com");
                match call(&doc(
                    "k",
                    &[add(&Add {
                        id: &id,
                        ..Default::default()
                    })],
                )) {
                    Some(r) if r.contains("SuccessResponse") => {
                        if tx.send(id).is_err() {
                            return;
                        }
                    }
                    _ => return,
                }
            }
        });
        let wait = 50 + rand::random::<u64>() % 400;
        std::thread::sleep(Duration::from_millis(wait));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        drop(out);
        writer.join().unwrap();
        let got: Vec<String> = rx.try_iter().collect();
        next += got.len() as u32 + 100_000;
        acknowledged.extend(got);
        let st =
            huntctl::sandbox::state::load(&state).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let ids: std::collections::HashSet<&str> = st
            .service_providers
            .iter()
            .flat_map(|s| &s.groups)
            .flat_map(|g| &g.hunt_groups)
            .map(|h| h.service_user_id.as_str())
            .collect();
        for a in &acknowledged {
            assert!(
                ids.contains(a.as_str()),
                "round {round}: acknowledged {a} lost"
            );
        }
    }
    assert!(
        acknowledged.len() > 10,
        "the test wrote too little: {}",
        acknowledged.len()
    );
}
