//! The sandbox over the real wire: TCP, TLS and SOAP, business rules, schema checks, faults,
//! a kill -9 durability test against the binary, and the peer SDKs (tests/interop) against it.

use huntctl::ocip::xml::{decode_document, find_document_end};
use huntctl::sandbox::SandboxHandle;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

// ------------------------------------------------------------------------------------------
// helpers

use crate::support::run::bin_for_interop_suite;
use crate::support::{ocip_schema, Sandbox, SandboxOpts, Via};

pub(crate) fn validate_bytes(docs: &[Vec<u8>]) {
    ocip_schema::assert_valid_documents("sandbox replies", docs);
}

fn validate_file(f: &Path) {
    ocip_schema::assert_valid_file(f);
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub(crate) struct Conn {
    s: Box<dyn Io>,
    buf: Vec<u8>,
    pub(crate) raw_replies: Vec<Vec<u8>>,
}

impl Conn {
    pub(crate) async fn tcp(h: &SandboxHandle) -> Conn {
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
    pub(crate) async fn call(&mut self, doc: &str) -> String {
        self.send_raw(doc.as_bytes()).await;
        self.send_raw(b"\n").await;
        self.read_doc(Duration::from_secs(10))
            .await
            .expect("connection closed")
    }
    pub(crate) async fn cmds(&mut self, cmds: &[String]) -> Vec<String> {
        let r = self.call(&doc("s1", cmds)).await;
        split(&r)
    }
    pub(crate) async fn login(&mut self) {
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

pub(crate) fn between(s: &str, a: &str, b: &str) -> String {
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

pub(crate) fn cmd(ty: &str, body: &str) -> String {
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

pub(crate) fn code(seg: &str) -> Option<u32> {
    let i = seg.find("[Error ")? + 7;
    seg[i..i + 4].parse().ok()
}

pub(crate) fn ok(seg: &str) -> bool {
    seg.contains("c:SuccessResponse")
}

pub(crate) struct Add<'a> {
    pub(crate) group: &'a str,
    pub(crate) id: &'a str,
    pub(crate) phone: Option<&'a str>,
    pub(crate) ext: Option<&'a str>,
    pub(crate) aliases: &'a [&'a str],
    pub(crate) agents: &'a [&'a str],
    pub(crate) rings: u32,
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

pub(crate) fn add(a: &Add<'_>) -> String {
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

pub(crate) fn modify(id: &str, body: &str) -> String {
    cmd(
        "GroupHuntGroupModifyInstanceRequest",
        &format!("<serviceUserId>{id}</serviceUserId>{body}"),
    )
}

pub(crate) fn delete(id: &str) -> String {
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

/// The (`a`, `b`) columns, found by heading, of every row of an OCI table in `table`.
pub(crate) fn column_pairs(table: &str, a: &str, b: &str) -> Vec<(String, String)> {
    let heads: Vec<String> = table
        .split("<colHeading>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    let col = |name: &str| {
        heads
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column in {heads:?}"))
    };
    let (ai, bi) = (col(a), col(b));
    table
        .split("<row>")
        .skip(1)
        .map(|r| {
            let cols: Vec<String> = r
                .split("<col")
                .skip(1)
                .map(|c| match c.strip_prefix("/>") {
                    Some(_) => String::new(),
                    None => c[1..c.find("</col>").unwrap()].to_string(),
                })
                .collect();
            (cols[ai].clone(), cols[bi].clone())
        })
        .collect()
}

/// (user id, weight) rows of an agentUserTable.
fn agent_rows(seg: &str) -> Vec<(String, String)> {
    column_pairs(
        &between(seg, "<agentUserTable>", "</agentUserTable>"),
        "User Id",
        "Weight",
    )
}

// ------------------------------------------------------------------------------------------
// login

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_login_rules() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

// ------------------------------------------------------------------------------------------
// every command's success, over TCP, replies validated against the schema

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_succeed_and_replies_are_schema_valid() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

// ------------------------------------------------------------------------------------------
// business rules

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn business_rule_errors() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

/// A `DepartmentKey` element of either type.
fn department(group: Option<&str>, name: &str) -> String {
    match group {
        Some(g) => format!("<department xsi:type=\"GroupDepartmentKey\"><serviceProviderId>MyServiceProvider</serviceProviderId><groupId>{g}</groupId><name>{name}</name></department>"),
        None => format!("<department xsi:type=\"EnterpriseDepartmentKey\"><serviceProviderId>MyServiceProvider</serviceProviderId><name>{name}</name></department>"),
    }
}

/// An add of the default test hunt group `id` with a department after the password.
fn add_in_department(id: &str, dept: &str) -> String {
    add(&Add {
        id,
        ..Default::default()
    })
    .replace("</password>", &format!("</password>{dept}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn departments_are_checked_kept_and_returned() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
    c.login().await;
    let r = c
        .cmds(&[
            add_in_department("d1@company.com", &department(Some("SalesGroup"), "Sales")),
            // Unknown in the group, a department of another group, an unknown enterprise one.
            add_in_department("d2@company.com", &department(Some("SalesGroup"), "Nope")),
            add_in_department(
                "d3@company.com",
                &department(Some("SupportGroup"), "Support"),
            ),
            add_in_department("d4@company.com", &department(None, "Nope")),
            get("d1@company.com"),
            list("MyServiceProvider", "SalesGroup"),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    for (i, what) in [
        (1, "unknown"),
        (2, "another group's"),
        (3, "unknown enterprise"),
    ] {
        assert_eq!(code(&r[i]), Some(4417), "{what} department: {}", r[i]);
        assert!(r[i].contains("Department not found"), "{}", r[i]);
    }
    assert!(
        r[4].contains(&department(Some("SalesGroup"), "Sales")),
        "the read returns the key: {}",
        r[4]
    );
    let row = between(&r[5], "<col>d1@company.com</col>", "</row>");
    assert!(row.contains("<col>Sales</col>"), "Department column: {row}");
    // A refused add created nothing; a nil department clears it.
    let r = c
        .cmds(&[
            get("d2@company.com"),
            modify(
                "d1@company.com",
                "<serviceInstanceProfile><department xsi:type=\"GroupDepartmentKey\" xsi:nil=\"true\"/></serviceInstanceProfile>",
            ),
            get("d1@company.com"),
            modify(
                "d1@company.com",
                &format!(
                    "<serviceInstanceProfile>{}</serviceInstanceProfile>",
                    department(Some("SalesGroup"), "Nope")
                ),
            ),
        ])
        .await;
    assert_eq!(code(&r[0]), Some(4008), "{}", r[0]);
    assert!(ok(&r[1]), "{}", r[1]);
    assert!(!r[2].contains("<department"), "{}", r[2]);
    assert_eq!(code(&r[3]), Some(4417), "{}", r[3]);
    validate_bytes(&c.raw_replies);
    sb.stop();
}

// ------------------------------------------------------------------------------------------
// schema checks and tolerant reading

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_list_in_service_provider() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_violations_name_the_element() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tolerant_reading_and_back_to_back_documents() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

// ------------------------------------------------------------------------------------------
// TLS and SOAP

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_transport() {
    let sb = SandboxOpts::new().tls().start();
    let h = sb.handle();
    let pem = h.cert_pem().unwrap();
    let conn = tokio_rustls::TlsConnector::from(tls_config(&pem));
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
    sb.stop();
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
        match huntctl::ocip::transport::soap::parse_answer(&text) {
            Some(huntctl::ocip::transport::soap::Answer::Document(d)) => d,
            other => panic!("no document in {text}: {other:?}"),
        }
    } else {
        text
    };
    (status, inner)
}

/// A sandbox with its SOAP endpoint, its URL, and an HTTP client that keeps the session cookie.
fn soap_sandbox() -> (Sandbox, String, reqwest::Client) {
    let sb = SandboxOpts::new().via(Via::Soap).start();
    let url = sb.url().to_string();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    (sb, url, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_transport_with_cookie_sessions() {
    let (sb, url, client) = soap_sandbox();
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
    sb.stop();
}

// ------------------------------------------------------------------------------------------
// instruments: latency, record, faults

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_of_a_full_scenario_is_schema_valid_and_latency_applies() {
    let dir = tempfile::tempdir().unwrap();
    let sb = SandboxOpts::new()
        .in_dir(dir.path())
        .record()
        .latency(Duration::from_millis(150))
        .start();
    let h = sb.handle();
    let rec = sb.record_path().to_path_buf();
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
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
    let sb = SandboxOpts::new()
        .faults(&[
            "error=*-vip-*:4321",
            "close-after=2",
            "drop-before=3",
            "wrong-count-after=4",
            "malformed-after=6",
            "stall-after=8",
        ])
        .start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
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
    let mut c = Conn::tcp(h).await;
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
    let mut c = Conn::tcp(h).await;
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
    sb.stop();
}

// ------------------------------------------------------------------------------------------
// durability: group commit speed and kill -9

/// Compaction while writes go on: the state file takes the journal's writes (journalSeq moves
/// on), the journal is cut to the records after it, a reader sees every acknowledged write at
/// any moment, and a clean stop leaves a complete state file and no journal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_folds_the_journal_into_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let sb = SandboxOpts::new()
        .in_dir(dir.path())
        .compact_every(4096)
        .start();
    let h = sb.handle();
    let path = sb.state_path().to_path_buf();
    let journal = huntctl::sandbox::journal::path(&path);
    let mut c = Conn::tcp(h).await;
    c.login().await;
    let mut written = 0u64;
    let mut max_journal = 0;
    for i in 0..120 {
        let id = format!("compact-{i}@company.com");
        let r = c
            .cmds(&[add(&Add {
                id: &id,
                ..Default::default()
            })])
            .await;
        assert!(ok(&r[0]), "{r:?}");
        written += 1;
        max_journal = max_journal.max(std::fs::metadata(&journal).map_or(0, |m| m.len()));
        if i % 10 == 9 {
            let st = huntctl::sandbox::state::load_full(&path).unwrap();
            let ids: std::collections::HashSet<String> = st.state.service_providers[0].groups[0]
                .hunt_groups
                .iter()
                .map(|h| h.service_user_id.clone())
                .collect();
            for k in 0..=i {
                assert!(
                    ids.contains(&format!("compact-{k}@company.com")),
                    "after {i}: {k} missing"
                );
            }
        }
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let seq = text
        .split_once("\"journalSeq\": ")
        .and_then(|(_, r)| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|d| d.parse::<u64>().ok())
        .unwrap();
    assert!(
        seq > 0 && seq <= written,
        "journalSeq {seq} after {written} writes"
    );
    // Each record is about 1 KB: without compaction the journal would hold all 120.
    assert!(
        max_journal < 40_000,
        "the journal grew to {max_journal} bytes"
    );
    sb.stop();
    assert!(!journal.exists(), "a clean stop removes the journal");
    let st = huntctl::sandbox::state::load_full(&path).unwrap();
    assert_eq!((st.seq, st.replayed), (written, 0));
    assert_eq!(
        st.state.service_providers[0].groups[0].hunt_groups.len(),
        2 + 120
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_creates_are_durable_and_fast() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
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
    let st = sb.state();
    let n: usize = st.service_providers[0].groups[0].hunt_groups.len();
    assert_eq!(n, 1002, "every acknowledged create is on disk");
    sb.stop();
}

#[test]
fn kill_9_keeps_every_acknowledged_write() {
    kill_9_rounds(None, 5);
}

/// The same against a state of 10,000 hunt groups, with deletes too, and compaction every
/// 64 KiB of journal so kills also land while the 10,000-hunt-group state file is rewritten.
#[test]
fn kill_9_keeps_every_acknowledged_write_in_a_state_of_10000() {
    kill_9_rounds(Some(10_000), 4);
}

fn kill_9_rounds(big: Option<usize>, rounds: usize) {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let seed = big.map(|n| {
        let mut st = huntctl::sandbox::seed::seed_state();
        st.service_providers[0].groups[0]
            .hunt_groups
            .extend((0..n).map(|i| {
                huntctl::sandbox::state::HuntGroupState::with_defaults(
                    &format!("big-{i}@company.com"),
                    &format!("Big {i}"),
                    "Big",
                    "Hunt",
                )
            }));
        st
    });
    let mut acknowledged: Vec<String> = Vec::new();
    let mut deleted: Vec<String> = Vec::new();
    let mut next = 0u32;
    let mut compactions_seen = 0;
    for round in 0..rounds {
        // `huntctl sandbox` on a free port and the same state file each round; the seed only
        // at the first.
        let mut opts = SandboxOpts::new().in_dir(dir.path());
        if let Some(st) = &seed {
            opts = opts.compact_every(65536);
            if round == 0 {
                opts = opts.seed(st);
            }
        }
        let sb = opts.spawn();
        let state = sb.state_path().to_path_buf();
        let addr = sb.tcp_addr().to_string();
        let (tx, rx) = std::sync::mpsc::channel::<(bool, String)>();
        let start_id = next;
        let deletes = big.is_some();
        let writer = std::thread::spawn(move || {
            let Ok(mut s) = std::net::TcpStream::connect(addr) else {
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
                let (is_delete, id, c) = if deletes && i % 3 == 2 {
                    // Distinct per round (start ids are 100,000 apart), within the seed.
                    let id = format!("big-{}@company.com", (i / 3) % 10_000);
                    (true, id.clone(), delete(&id))
                } else {
                    let id = format!("k9-{i}@company.com");
                    let c = add(&Add {
                        id: &id,
                        ..Default::default()
                    });
                    (false, id, c)
                };
                match call(&doc("k", &[c])) {
                    Some(r) if r.contains("SuccessResponse") => {
                        if tx.send((is_delete, id)).is_err() {
                            return;
                        }
                    }
                    // A delete of a hunt group an earlier round deleted unacknowledged.
                    Some(r) if is_delete && r.contains("4008") => {}
                    _ => return,
                }
            }
        });
        let seq_at_start = journal_seq(&state);
        let wait = if big.is_some() {
            300 + rand::random::<u64>() % 1200
        } else {
            50 + rand::random::<u64>() % 400
        };
        std::thread::sleep(Duration::from_millis(wait));
        if journal_seq(&state) > seq_at_start {
            compactions_seen += 1;
        }
        sb.kill(); // SIGKILL
        writer.join().unwrap();
        let mut got = 0;
        for (is_delete, id) in rx.try_iter() {
            got += 1;
            if is_delete {
                deleted.push(id);
            } else {
                acknowledged.push(id);
            }
        }
        next += got + 100_000;
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
        for d in &deleted {
            assert!(
                !ids.contains(d.as_str()),
                "round {round}: acknowledged delete of {d} lost"
            );
        }
        if let Some(n) = big {
            let left = ids.iter().filter(|i| i.starts_with("big-")).count();
            // At most one unacknowledged delete per round may have landed too.
            assert!(
                left <= n - deleted.len() && left + round + 1 >= n - deleted.len(),
                "round {round}: {left} of the {n} seeded hunt groups left, {} deletes acknowledged",
                deleted.len()
            );
        }
    }
    assert!(
        acknowledged.len() > 10,
        "the test wrote too little: {}",
        acknowledged.len()
    );
    if big.is_some() {
        assert!(!deleted.is_empty(), "no delete was acknowledged");
    }
    eprintln!(
        "kill -9: {rounds} rounds, {} creates and {} deletes acknowledged, {compactions_seen} round(s) killed after a compaction",
        acknowledged.len(),
        deleted.len()
    );
}

/// The `journalSeq` of a state file (read from its head; 0 when absent).
fn journal_seq(state: &Path) -> u64 {
    use std::io::Read;
    let mut head = [0u8; 256];
    let n = std::fs::File::open(state)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    text.split_once("\"journalSeq\":")
        .and_then(|(_, rest)| {
            rest.trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|d| d.parse().ok())
        })
        .unwrap_or(0)
}

// ------------------------------------------------------------------------------------------
// Fidelity to what public clients do on the wire (issue 12; PROTOCOL.md "Wire shapes seen in
// the wild"). These use blocking std sockets, read the way the peers read.

/// Reads one reply the way every public client does: read until `</BroadsoftDocument>` is in
/// what was read, then keep exactly that, less a trailing `\n` (nothing else is stripped).
fn peer_read<R: std::io::Read + ?Sized>(s: &mut R) -> Vec<u8> {
    let mut content = Vec::new();
    let mut chunk = [0u8; 4096];
    while !content
        .windows(b"</BroadsoftDocument>".len())
        .any(|w| w == b"</BroadsoftDocument>")
    {
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "closed before a whole reply");
        content.extend_from_slice(&chunk[..n]);
    }
    while content.last() == Some(&b'\n') {
        content.pop();
    }
    content
}

/// `peer_read`'s result as a peer's parser sees it: starting with the declaration (a leading
/// `\n` is what made expat fail with "XML or text declaration not at start of entity"), one
/// well-formed document.
fn assert_peer_parses(reply: &[u8]) -> String {
    assert!(
        reply.starts_with(b"<?xml"),
        "reply does not start with <?xml: {:?}",
        String::from_utf8_lossy(&reply[..reply.len().min(60)])
    );
    let text = decode_document(reply).unwrap().into_owned();
    assert!(well_formed(&text), "{text}");
    assert_eq!(find_document_end(reply), Some(reply.len()), "one document");
    text
}

fn std_tls(
    h: &SandboxHandle,
) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    let t = tls_client(&h.cert_pem().unwrap(), h.tls_addr().unwrap());
    t.sock.set_nodelay(true).unwrap();
    t
}

/// A TLS client configuration that trusts only the sandbox certificate `pem`.
fn tls_config(pem: &str) -> std::sync::Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let cfg = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    std::sync::Arc::new(cfg)
}

fn tls_client(
    pem: &str,
    addr: impl std::net::ToSocketAddrs,
) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    let conn = rustls::ClientConnection::new(
        tls_config(pem),
        rustls::pki_types::ServerName::try_from("localhost").unwrap(),
    )
    .unwrap();
    let tcp = std::net::TcpStream::connect(addr).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// Logs in and reads 100 replies the peers' way over `s`; returns every raw reply.
fn hundred_replies<S: std::io::Read + std::io::Write>(s: &mut S, tls: bool) -> Vec<Vec<u8>> {
    // Each request written the way mercury-ocip does: document + "\n" in one sendall.
    let call = |s: &mut S, d: String| -> Vec<u8> {
        s.write_all(format!("{d}\n").as_bytes()).unwrap();
        s.flush().unwrap();
        peer_read(s)
    };
    let mut replies = Vec::new();
    if tls {
        replies.push(call(
            s,
            doc(
                "p1",
                &[cmd(
                    "LoginRequest22V5",
                    "<userId>admin</userId><password>admin</password>",
                )],
            ),
        ));
    } else {
        let a = call(
            s,
            doc(
                "p1",
                &[cmd("AuthenticationRequest", "<userId>admin</userId>")],
            ),
        );
        let nonce = between(&String::from_utf8_lossy(&a), "<nonce>", "</nonce>");
        let sp = huntctl::sandbox::signed_password(&nonce, "admin");
        replies.push(a);
        replies.push(call(
            s,
            doc(
                "p1",
                &[cmd(
                    "LoginRequest14sp4",
                    &format!("<userId>admin</userId><signedPassword>{sp}</signedPassword>"),
                )],
            ),
        ));
    }
    assert!(String::from_utf8_lossy(replies.last().unwrap()).contains("LoginResponse"));
    for n in 0..100 {
        let id = ["sales-hunt@company.com", "nobody@company.com"][n % 2];
        let r = call(s, doc("p1", &[get(id)]));
        let text = assert_peer_parses(&r);
        if n % 2 == 0 {
            assert!(text.contains("<name>Sales Hunt</name>"), "{text}");
        } else {
            assert_eq!(code(&text), Some(4008), "{text}");
        }
        replies.push(r);
    }
    replies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_replies_read_the_peers_way_each_start_with_the_declaration() {
    for latency in [0u64, 20] {
        let sb = SandboxOpts::new()
            .tls()
            .latency(Duration::from_millis(latency))
            .start();
        let h = sb.handle();
        let tcp = h.tcp_addr().unwrap();
        let plain = tokio::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(tcp).unwrap();
            s.set_nodelay(true).unwrap();
            hundred_replies(&mut s, false)
        });
        let mut tls_stream = std_tls(h);
        let tls = tokio::task::spawn_blocking(move || hundred_replies(&mut tls_stream, true));
        let mut all = plain.await.unwrap();
        all.extend(tls.await.unwrap());
        assert_eq!(all.len(), 2 + 1 + 200, "latency {latency} ms");
        // The 100 replies repeat two answers: schema-check each distinct one (the validator
        // costs about a second per document).
        all.sort();
        all.dedup();
        validate_bytes(&all);
        sb.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_framed_by_their_closing_tag_in_any_pieces() {
    use std::io::Write;
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let tcp = h.tcp_addr().unwrap();
    let replies = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(tcp).unwrap();
        s.set_nodelay(true).unwrap();
        // A reply that does not come is a failure, not a hang.
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut replies = Vec::new();
        // 1. byte by byte, no newline after: answered without waiting for one
        let d = doc("f1", &[cmd("AuthenticationRequest", "<userId>admin</userId>")]);
        for b in d.as_bytes() {
            s.write_all(&[*b]).unwrap();
        }
        let r = peer_read(&mut s);
        let nonce = between(&assert_peer_parses(&r), "<nonce>", "</nonce>");
        replies.push(r);
        // 2. pretty-printed with CRLF line ends, prefixed root, nothing after the closing tag
        let sp = huntctl::sandbox::signed_password(&nonce, "admin");
        let d = format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r\n<c:BroadsoftDocument protocol=\"OCI\" xmlns:c=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n  <sessionId>f1</sessionId>\r\n  <command xsi:type=\"LoginRequest14sp4\">\r\n    <userId>admin</userId>\r\n    <signedPassword>{sp}</signedPassword>\r\n  </command>\r\n</c:BroadsoftDocument>");
        s.write_all(d.as_bytes()).unwrap();
        let r = peer_read(&mut s);
        assert!(assert_peer_parses(&r).contains("LoginResponse14sp4"));
        replies.push(r);
        // 3. two documents in one write, no newline between, the second split mid-tag with the
        //    rest sent later followed by CRLF
        let a = doc("f1", &[get("sales-hunt@company.com")]);
        let b = doc("f1", &[get("support-hunt@company.com")]);
        let cut = b.len() - 7;
        s.write_all(format!("{a}{}", &b[..cut]).as_bytes()).unwrap();
        let r = peer_read(&mut s);
        assert!(assert_peer_parses(&r).contains("<name>Sales Hunt</name>"));
        replies.push(r);
        std::thread::sleep(Duration::from_millis(50));
        s.write_all(format!("{}\r\n", &b[cut..]).as_bytes()).unwrap();
        let r = peer_read(&mut s);
        assert!(assert_peer_parses(&r).contains("<name>Support Hunt Group</name>"));
        replies.push(r);
        // 4. three in one write, each with its own line end: three replies, in order
        let burst = format!(
            "{}\n{}\r\n{}",
            doc("f1", &[get("sales-vip-hunt@company.com")]),
            doc("f1", &[get("nobody@company.com")]),
            doc("f1", &[get("support-legacy-hunt@company.com")])
        );
        s.write_all(burst.as_bytes()).unwrap();
        // No public client pipelines, so no peer reads this: take the stream whole and check
        // it is exactly reply, "\n", reply, "\n", reply, "\n".
        let mut stream = Vec::new();
        let mut chunk = [0u8; 4096];
        while stream
            .windows(b"</BroadsoftDocument>\n".len())
            .filter(|w| w == b"</BroadsoftDocument>\n")
            .count()
            < 3
        {
            let n = std::io::Read::read(&mut s, &mut chunk).unwrap();
            assert!(n > 0, "closed");
            stream.extend_from_slice(&chunk[..n]);
        }
        for want in ["Sales VIP Line", "[Error 4008]", "Support Legacy"] {
            let end = find_document_end(&stream).unwrap();
            let r: Vec<u8> = stream.drain(..end).collect();
            assert_eq!(stream.first(), Some(&b'\n'));
            stream.remove(0);
            assert!(assert_peer_parses(&r).contains(want), "{want}");
            replies.push(r);
        }
        assert!(stream.is_empty());
        replies
    })
    .await
    .unwrap();
    validate_bytes(&replies);
    sb.stop();
}

async fn soap_post(
    client: &reqwest::Client,
    url: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let r = client
        .post(url)
        .header("Content-Type", content_type)
        .header("SOAPAction", "\"\"")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_like_a_real_xsp_wsdl_request_variants_answer_form_and_fault() {
    use huntctl::ocip::transport::soap::{parse_answer, Answer};
    let (sb, url, http) = soap_sandbox();

    // The WSDL: complete, and addressed at the URL it was fetched from (the Host header).
    let port = url
        .split("//")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|a| a.rsplit(':').next())
        .unwrap()
        .to_string();
    let wsdl = http
        .get(format!("{url}?wsdl"))
        .header("Host", format!("xsp.example.net:{port}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(well_formed(&wsdl), "{wsdl}");
    for part in [
        "<wsdl:types>",
        "<wsdl:message name=\"processOCIMessageRequest\">",
        "<wsdl:part name=\"in0\" type=\"xsd:string\"/>",
        "<wsdl:part name=\"processOCIMessageReturn\" type=\"xsd:string\"/>",
        "<wsdl:portType name=\"BWProvisioningService\">",
        "<wsdl:operation name=\"processOCIMessage\" parameterOrder=\"in0\">",
        "<wsdlsoap:binding style=\"rpc\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>",
        "use=\"encoded\"",
        "namespace=\"urn:com:broadsoft:webservice\"",
        "<wsdl:service name=\"BWProvisioningServiceService\">",
        &format!("<wsdlsoap:address location=\"http://xsp.example.net:{port}/webservice/services/ProvisioningService\"/>"),
    ] {
        assert!(wsdl.contains(part), "{part} not in the WSDL:\n{wsdl}");
    }
    let alt = url.replace("/webservice/services/", "/OCIOverSoap/services/");
    let wsdl2 = http
        .get(format!("{alt}?wsdl"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(wsdl2.contains(&format!("location=\"{alt}\"")), "{wsdl2}");

    // Before login: the documented SOAP fault.
    let env = |call: &str| -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:web=\"urn:com:broadsoft:webservice\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soapenv:Body>{call}</soapenv:Body></soapenv:Envelope>")
    };
    let inner_get = |sid: &str, id: &str| doc(sid, &[get(id)]);
    let (st, body) = soap_post(
        &http,
        &url,
        "text/xml; charset=UTF-8",
        env(&format!(
            "<web:processOCIMessage><in0>{}</in0></web:processOCIMessage>",
            xml_escape(&inner_get("v1", "sales-hunt@company.com"))
        ))
        .into_bytes(),
    )
    .await;
    assert_eq!(st, 500, "{body}");
    assert!(
        body.contains("<faultcode>soapenv:Server.generalException</faultcode><faultstring>INVALID_REQUEST</faultstring>"),
        "{body}"
    );
    assert!(body.contains("Cannot process any request before user is logged in."));

    let login = doc(
        "v1",
        &[cmd(
            "LoginRequest22V5",
            "<userId>admin</userId><password>admin</password>",
        )],
    );
    let (st, body) = soap_post(
        &http,
        &url,
        "text/xml; charset=UTF-8",
        env(&format!(
            "<ns1:processOCIMessage xmlns:ns1=\"urn:com:broadsoft:webservice\"><ns1:in0>{}</ns1:in0></ns1:processOCIMessage>",
            xml_escape(&login)
        ))
        .into_bytes(),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    // The captured XSP answer form.
    assert!(
        body.contains("<soapenv:Body><processOCIMessageResponse xmlns=\"\"><ns1:processOCIMessageReturn xmlns:ns1=\"urn:com:broadsoft:webservice\">&lt;?xml version=&quot;1.0&quot; encoding=&quot;UTF-8&quot;?&gt;\n&lt;BroadsoftDocument "),
        "{body}"
    );
    let mut inner_replies = Vec::new();
    let mut answer = |body: &str| -> String {
        let Some(Answer::Document(d)) = parse_answer(body) else {
            panic!("no document: {body}")
        };
        assert!(d.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BroadsoftDocument"));
        inner_replies.push(d.clone().into_bytes());
        d
    };
    assert!(answer(&body).contains("LoginResponse22V5"));

    let sales = inner_get("v1", "sales-hunt@company.com");
    let variants: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "unqualified in0, escaped",
            "text/xml; charset=UTF-8",
            env(&format!(
                "<web:processOCIMessage><in0>{}</in0></web:processOCIMessage>",
                xml_escape(&sales)
            ))
            .into_bytes(),
        ),
        (
            "qualified in0, CDATA",
            "text/xml; charset=UTF-8",
            env(&format!(
                "<ns1:processOCIMessage xmlns:ns1=\"urn:com:broadsoft:webservice\"><ns1:in0><![CDATA[{sales}]]></ns1:in0></ns1:processOCIMessage>"
            ))
            .into_bytes(),
        ),
        (
            "arg0 with SOAP encoding",
            "text/xml; charset=utf-8",
            env(&format!(
                "<ns1:processOCIMessage soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:ns1=\"urn:com:broadsoft:webservice\"><arg0 xsi:type=\"xsd:string\">{}</arg0></ns1:processOCIMessage>",
                xml_escape(&sales)
            ))
            .into_bytes(),
        ),
        (
            "default-namespace in0 (mercury-ocip-fast)",
            "text/xml; charset=UTF-8",
            env(&format!(
                "<processOCIMessage xmlns=\"urn:com:broadsoft:webservice\"><in0>{}</in0></processOCIMessage>",
                xml_escape(&sales)
            ))
            .into_bytes(),
        ),
    ];
    for (what, ct, body) in variants {
        let (st, body) = soap_post(&http, &url, ct, body).await;
        assert_eq!(st, 200, "{what}: {body}");
        assert!(
            answer(&body).contains("<name>Sales Hunt</name>"),
            "{what}: {body}"
        );
    }

    // ISO-8859-1 bodies, with and without a declaration (then the Content-Type charset says it).
    let rename = doc(
        "v1",
        &[modify(
            "sales-hunt@company.com",
            "<serviceInstanceProfile><name>Caf\u{e9} Hunt</name></serviceInstanceProfile>",
        )],
    );
    let latin1 = |s: &str| -> Vec<u8> { s.chars().map(|c| c as u32 as u8).collect() };
    let with_decl = env(&format!(
        "<web:processOCIMessage><in0>{}</in0></web:processOCIMessage>",
        xml_escape(&rename)
    ))
    .replace(
        "encoding=\"UTF-8\"?><soapenv",
        "encoding=\"ISO-8859-1\"?><soapenv",
    );
    let (st, body) = soap_post(
        &http,
        &url,
        "text/xml; charset=ISO-8859-1",
        latin1(&with_decl),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    assert!(ok(&answer(&body)), "{body}");
    let no_decl = env(&format!(
        "<web:processOCIMessage><in0>{}</in0></web:processOCIMessage>",
        xml_escape(&sales)
    ))
    .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");
    let (st, body) = soap_post(
        &http,
        &url,
        "text/xml; charset=ISO-8859-1",
        latin1(&no_decl),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    assert!(
        answer(&body).contains("<name>Caf\u{e9} Hunt</name>"),
        "{body}"
    );
    validate_bytes(&inner_replies);
    sb.stop();
}

#[test]
fn password_values_never_appear_in_a_detail_a_log_line_or_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let sb = SandboxOpts::new()
        .in_dir(dir.path())
        .tls()
        .record()
        .log("trace")
        .spawn();
    let record = sb.record_path().to_path_buf();
    // mercury-ocip 1.3.0's plainTextPassword (the repr of a Python Field), a too-long login
    // password over TLS, a too-long hunt group password, a short signed password.
    let field = "Field(name=None,type=None,default=<dataclasses._MISSING_TYPE object at 0x7f>,default_factory=<dataclasses._MISSING_TYPE object at 0x7f>,init=True,repr=True,hash=None,compare=True,metadata=mappingproxy({'alias': 'plainTextPassword'}),kw_only=<dataclasses._MISSING_TYPE object at 0x7f>,_field_type=None)".repeat(3);
    let long_login = "LoginSecretX".repeat(6);
    let long_hg = "HuntGroupSecret".repeat(5);
    let mut s = std::net::TcpStream::connect(sb.tcp_addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let call = |s: &mut dyn ReadWrite, d: String| -> String {
        s.write_all(format!("{d}\n").as_bytes()).unwrap();
        String::from_utf8_lossy(&peer_read(s)).into_owned()
    };
    let mut details = Vec::new();
    call(
        &mut s,
        doc(
            "pw",
            &[cmd("AuthenticationRequest", "<userId>admin</userId>")],
        ),
    );
    let r = call(
        &mut s,
        doc(
            "pw",
            &[cmd(
                "LoginRequest14sp4",
                &format!(
                    "<userId>admin</userId><plainTextPassword>{}</plainTextPassword>",
                    xml_escape(&field)
                ),
            )],
        ),
    );
    assert_eq!(code(&r), Some(6004), "{r}");
    assert!(
        r.contains("plainTextPassword"),
        "the detail names the element: {r}"
    );
    details.push(r);
    let mut t = {
        // From the certificate the binary wrote.
        let t = tls_client(&sb.cert_pem(), sb.tls_addr());
        t.sock
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        t
    };
    let r = call(
        &mut t,
        doc(
            "pw",
            &[cmd(
                "LoginRequest22V5",
                &format!("<userId>admin</userId><password>{long_login}</password>"),
            )],
        ),
    );
    assert_eq!(code(&r), Some(6004), "{r}");
    details.push(r);
    let r = call(
        &mut t,
        doc(
            "pw",
            &[cmd(
                "LoginRequest22V5",
                "<userId>admin</userId><password>admin</password>",
            )],
        ),
    );
    assert!(r.contains("LoginResponse22V5"), "{r}");
    let hg = add(&Add::default()).replace("s3cret-hg", &long_hg);
    let r = call(&mut t, doc("pw", &[hg]));
    assert_eq!(code(&r), Some(6004), "{r}");
    assert!(r.contains("serviceInstanceProfile/password"), "{r}");
    details.push(r);
    drop(t);
    drop(s);
    // SIGINT: the sandbox stops cleanly (flushing its logs and record).
    let logs = sb.interrupt();
    let recorded = String::from_utf8_lossy(&std::fs::read(&record).unwrap()).into_owned();
    assert!(
        recorded.contains("<plainTextPassword>********</plainTextPassword>"),
        "{recorded}"
    );
    for secret in [
        "Field(name=",
        "LoginSecretX",
        "HuntGroupSecret",
        "s3cret-hg",
    ] {
        for d in &details {
            assert!(!d.contains(secret), "{secret} echoed in a detail: {d}");
        }
        assert!(!logs.contains(secret), "{secret} in a log line");
        assert!(!recorded.contains(secret), "{secret} in the record");
    }
}

trait ReadWrite: std::io::Read + std::io::Write {}
impl<T: std::io::Read + std::io::Write> ReadWrite for T {}

// ------------------------------------------------------------------------------------------
// The peer SDKs themselves (tests/interop): mercury-ocip, mercury-ocip-fast and zeep drive the
// binary over TCP, TLS and SOAP, with and without latency. Mandatory in CI (.ci/run makes the
// venv); elsewhere it runs when the venv exists and says once when it did not.

fn interop_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HUNTCTL_INTEROP_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-interop/bin/python");
    local.exists().then_some(local)
}

#[test]
fn peer_sdks_interop_suite_over_tcp_tls_and_soap() {
    use std::io::Write;
    let how = "python3.12 -m venv .venv-interop && .venv-interop/bin/pip install -r tests/interop/requirements.txt (or set HUNTCTL_INTEROP_PYTHON); .ci/run does it";
    let Some(python) = interop_python().filter(|p| p.exists()) else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true: the interop suite is mandatory but its venv is missing: {how}"
        );
        // Written to stderr directly: libtest captures print!/eprint!, not this.
        let _ = writeln!(
            std::io::stderr(),
            "note: the interop suite (mercury-ocip, mercury-ocip-fast, zeep against the sandbox) did not run: no venv; {how}"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let replies = dir.path().join("replies.xml");
    let out = std::process::Command::new(&python)
        .args(["-m", "pytest", "-q", "--tb=short", "-p", "no:cacheprovider"])
        .arg("--basetemp")
        .arg(dir.path().join("pytest"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop"))
        .env("HUNTCTL_BIN", bin_for_interop_suite())
        // Nothing written in the checkout: no __pycache__ beside the suite.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("HUNTCTL_INTEROP_REPLIES", &replies)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "interop suite failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = stdout
        .lines()
        .rev()
        .find(|l| l.contains(" passed"))
        .unwrap_or("");
    assert!(
        !summary.contains("skipped") && !summary.contains("failed"),
        "{summary}"
    );
    // Every distinct reply the SDKs parsed, schema-checked too.
    let stream = std::fs::read(&replies).unwrap();
    let n = ocip_schema::split_documents(&stream).len();
    assert!(n > 50, "only {n} distinct replies recorded");
    ocip_schema::assert_valid_stream("sandbox replies read by the peer SDKs", &stream);
}

fn active_list(items: &[(&str, &str)]) -> String {
    let body: String = items
        .iter()
        .map(|(id, a)| {
            format!("<serviceActivation><serviceUserId>{id}</serviceUserId><isActive>{a}</isActive></serviceActivation>")
        })
        .collect();
    cmd("GroupHuntGroupModifyActiveInstanceListRequest", &body)
}

/// (serviceUserId, Is Active) of every row of a huntGroupTable, found by heading.
fn active_rows(seg: &str) -> Vec<(String, String)> {
    column_pairs(seg, "Service User Id", "Is Active")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_list_toggles_the_is_active_column_all_or_nothing_and_persists() {
    let mut sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
    c.login().await;
    let (sales, vip, support) = (
        "sales-hunt@company.com",
        "sales-vip-hunt@company.com",
        "support-hunt@company.com",
    );
    let r = c
        .cmds(&[
            list("MyServiceProvider", "SalesGroup"),
            // Two groups' hunt groups in one command: the request names no group.
            active_list(&[(sales, "false"), (support, "0")]),
            list("MyServiceProvider", "SalesGroup"),
            list("MyServiceProvider", "SupportGroup"),
            // One unknown id: refused as a whole, vip stays active.
            active_list(&[(vip, "false"), ("nobody@company.com", "false")]),
            list("MyServiceProvider", "SalesGroup"),
            active_list(&[(sales, "true")]),
            list("MyServiceProvider", "SalesGroup"),
            // No activation at all is valid (minOccurs 0) and changes nothing.
            active_list(&[]),
        ])
        .await;
    assert_eq!(r.len(), 9, "{r:?}");
    let on = |id: &str, v: &str| (id.to_string(), v.to_string());
    assert_eq!(active_rows(&r[0]), [on(sales, "true"), on(vip, "true")]);
    assert!(ok(&r[1]), "{}", r[1]);
    assert_eq!(active_rows(&r[2]), [on(sales, "false"), on(vip, "true")]);
    assert_eq!(
        active_rows(&r[3]),
        [
            on(support, "false"),
            on("support-legacy-hunt@company.com", "true")
        ]
    );
    assert_eq!(code(&r[4]), Some(4008), "{}", r[4]);
    assert!(r[4].contains("nobody@company.com"), "{}", r[4]);
    assert_eq!(active_rows(&r[5]), [on(sales, "false"), on(vip, "true")]);
    assert!(ok(&r[6]), "{}", r[6]);
    assert_eq!(active_rows(&r[7]), [on(sales, "true"), on(vip, "true")]);
    assert!(ok(&r[8]), "{}", r[8]);

    // Schema checks of the sandbox's own: order inside serviceActivation, a boolean, nil.
    let r = c
        .cmds(&[
            cmd(
                "GroupHuntGroupModifyActiveInstanceListRequest",
                &format!("<serviceActivation><isActive>true</isActive><serviceUserId>{vip}</serviceUserId></serviceActivation>"),
            ),
            active_list(&[(vip, "maybe")]),
            cmd(
                "GroupHuntGroupModifyActiveInstanceListRequest",
                "<serviceActivation xsi:nil=\"true\"/>",
            ),
            cmd(
                "GroupHuntGroupModifyActiveInstanceListRequest",
                &format!("<serviceUserId>{vip}</serviceUserId>"),
            ),
        ])
        .await;
    for (i, e) in [
        (0, "serviceActivation/serviceUserId"),
        (1, "serviceActivation/isActive"),
        (2, "serviceActivation"),
        (3, "serviceUserId"),
    ] {
        assert_eq!(code(&r[i]), Some(6004), "{i}: {}", r[i]);
        let detail = between(&r[i], "<detail>", "</detail>");
        assert!(detail.contains(e), "{i}: {e} in {detail}");
    }
    c.cmds(&[active_list(&[(vip, "false")])]).await;
    validate_bytes(&c.raw_replies);

    // The flag is journaled and kept: a restarted sandbox on the same state still has it.
    sb.restart(&[]);
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
    c.login().await;
    let r = c.cmds(&[list("MyServiceProvider", "SalesGroup")]).await;
    assert_eq!(active_rows(&r[0]), [on(sales, "true"), on(vip, "false")]);
    sb.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn department_list_shows_group_and_enterprise_departments() {
    let sb = SandboxOpts::new().start();
    let h = sb.handle();
    let mut c = Conn::tcp(h).await;
    c.login().await;
    let deps = |g: &str, e: &str| {
        cmd(
            "GroupDepartmentGetListRequest18",
            &format!("<serviceProviderId>MyServiceProvider</serviceProviderId><groupId>{g}</groupId><includeEnterpriseDepartments>{e}</includeEnterpriseDepartments>"),
        )
    };
    let r = c
        .cmds(&[
            deps("SalesGroup", "true"),
            deps("SupportGroup", "false"),
            deps("NoSuchGroup", "true"),
            cmd(
                "GroupDepartmentGetListRequest18",
                "<serviceProviderId>MyServiceProvider</serviceProviderId><groupId>SalesGroup</groupId>",
            ),
        ])
        .await;
    assert!(
        r[0].contains("GroupDepartmentGetListResponse18"),
        "{}",
        r[0]
    );
    for h in [
        "Is Enterprise Department",
        "Department Name",
        "Full Path Name",
        "Calling Line Id Name",
        "Calling Line Id Phone Number",
    ] {
        assert!(
            r[0].contains(&format!("<colHeading>{h}</colHeading>")),
            "{h}"
        );
    }
    let rows = |seg: &str| -> Vec<(String, String)> {
        seg.split("<row>")
            .skip(1)
            .map(|row| {
                let cols: Vec<&str> = row.split("<col>").skip(1).collect();
                let cell = |i: usize| cols[i][..cols[i].find("</col>").unwrap()].to_string();
                (cell(0), cell(1))
            })
            .collect()
    };
    let row = |e: &str, n: &str| (e.to_string(), n.to_string());
    assert_eq!(
        rows(&r[0]),
        [
            row("false", "Sales"),
            row("true", "Corporate"),
            row("true", "Operations")
        ]
    );
    assert_eq!(rows(&r[1]), [row("false", "Support")]);
    assert_eq!(code(&r[2]), Some(4010), "{}", r[2]);
    assert_eq!(code(&r[3]), Some(6004), "{}", r[3]);
    assert!(
        between(&r[3], "<detail>", "</detail>").contains("includeEnterpriseDepartments"),
        "{}",
        r[3]
    );
    validate_bytes(&c.raw_replies);
    sb.stop();
}
