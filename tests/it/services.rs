//! The sandbox's user services of hunt groups over the wire (issue 25): assignment and its
//! authorization, Call Forwarding Always / Busy / Not Reachable / Selective with criteria on
//! schedules, Directory Number Hunting, the schedule and authorization lists, and that all of
//! it is journaled, dropped with its hunt group, and answered with R25-valid replies.

use crate::sandbox::{
    add, between, cmd, code, column_pairs, delete, modify, ok, validate_bytes, Add, Conn,
};
use crate::support::SandboxOpts;

const SALES_HUNT: &str = "sales-hunt@company.com";
const CFA: &str = "Call Forwarding Always";
const CFB: &str = "Call Forwarding Busy";
const CFNR: &str = "Call Forwarding Not Reachable";
const CFS: &str = "Call Forwarding Selective";
const DNH: &str = "Directory Number Hunting";

fn user(ty: &str, id: &str, rest: &str) -> String {
    cmd(ty, &format!("<userId>{id}</userId>{rest}"))
}

fn services(ty: &str, id: &str, names: &[&str]) -> String {
    let body: String = names
        .iter()
        .map(|n| format!("<serviceName>{n}</serviceName>"))
        .collect();
    user(ty, id, &body)
}

fn assign(id: &str, names: &[&str]) -> String {
    services("UserServiceAssignListRequest", id, names)
}

fn unassign(id: &str, names: &[&str]) -> String {
    services("UserServiceUnassignListRequest", id, names)
}

fn assignments(id: &str) -> String {
    user("UserServiceGetAssignmentListRequest", id, "")
}

/// The (service, assigned) rows of a `UserServiceGetAssignmentListResponse`.
fn assigned_rows(seg: &str) -> Vec<(String, String)> {
    column_pairs(
        &between(
            seg,
            "<userServicesAssignmentTable>",
            "</userServicesAssignmentTable>",
        ),
        "Service Name",
        "Assigned",
    )
}

fn headings(table: &str) -> Vec<String> {
    table
        .split("<colHeading>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect()
}

fn criteria_body(name: &str, schedule: &str, number: &str) -> String {
    format!(
        "<criteriaName>{name}</criteriaName>{schedule}<forwardToNumberSelection>Forward To Specified Number</forwardToNumberSelection><forwardToPhoneNumber>{number}</forwardToPhoneNumber><fromDnCriteria><fromDnCriteriaSelection>Any</fromDnCriteriaSelection><includeAnonymousCallers>false</includeAnonymousCallers><includeUnavailableCallers>false</includeUnavailableCallers></fromDnCriteria>"
    )
}

fn time_schedule(level: &str, name: &str) -> String {
    format!("<timeSchedule><type>{level}</type><name>{name}</name></timeSchedule>")
}

fn add_criteria(id: &str, body: &str) -> String {
    user("UserCallForwardingSelectiveAddCriteriaRequest16", id, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assignment_follows_authorization_and_unassigning_clears_settings() {
    let sb = SandboxOpts::new().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    let r = c
        .cmds(&[
            assignments(SALES_HUNT),
            user("UserCallForwardingAlwaysGetRequest", SALES_HUNT, ""),
            assign(SALES_HUNT, &["Call Forwarding Always Secondary"]),
            assign(SALES_HUNT, &["Call Forwarding No Answer"]),
            assign(SALES_HUNT, &["Call Forwarding Nowhere"]),
            assign(SALES_HUNT, &[CFA, CFB, CFNR, CFS, DNH]),
            assignments(SALES_HUNT),
            user("UserCallForwardingAlwaysGetRequest", SALES_HUNT, ""),
        ])
        .await;
    let before = assigned_rows(&r[0]);
    assert!(before.contains(&(CFA.into(), "false".into())), "{before:?}");
    // Only what the group is authorized for and a hunt group can have is listed.
    assert!(!before.iter().any(|(s, _)| s == "Call Forwarding No Answer"));
    assert!(!before
        .iter()
        .any(|(s, _)| s == "Call Forwarding Always Secondary"));
    assert_eq!(
        headings(&between(
            &r[0],
            "<servicePacksAssignmentTable>",
            "</servicePacksAssignmentTable>"
        )),
        ["Service Pack Name", "Assigned", "Description"]
    );
    assert_eq!(code(&r[1]), Some(4421), "not assigned yet: {}", r[1]);
    assert_eq!(code(&r[2]), Some(4419), "unauthorized: {}", r[2]);
    assert_eq!(code(&r[3]), Some(4420), "not for a hunt group: {}", r[3]);
    assert_eq!(code(&r[4]), Some(6004), "not a UserService: {}", r[4]);
    assert!(r[4].contains("serviceName"), "{}", r[4]);
    assert!(ok(&r[5]), "{}", r[5]);
    let after = assigned_rows(&r[6]);
    for s in [CFA, CFB, CFNR, CFS, DNH] {
        assert!(after.contains(&(s.into(), "true".into())), "{s}: {after:?}");
    }
    // A newly assigned forwarding service is inactive with no number.
    let fresh = &r[7];
    assert!(fresh.contains("<isActive>false</isActive>"), "{fresh}");
    assert!(!fresh.contains("forwardToPhoneNumber"), "{fresh}");
    assert!(fresh.contains("<isRingSplashActive>false</isRingSplashActive>"));

    let cfa_modify = |rest: &str| user("UserCallForwardingAlwaysModifyRequest", SALES_HUNT, rest);
    let r = c
        .cmds(&[
            cfa_modify("<isActive>true</isActive>"),
            cfa_modify("<isActive>true</isActive><forwardToPhoneNumber>not a number</forwardToPhoneNumber>"),
            cfa_modify("<isActive>true</isActive><forwardToPhoneNumber>+1-2025551234</forwardToPhoneNumber><isRingSplashActive>true</isRingSplashActive>"),
            user("UserCallForwardingAlwaysGetRequest", SALES_HUNT, ""),
            cfa_modify("<forwardToPhoneNumber xsi:nil=\"true\"/>"),
            user("UserCallForwardingBusyModifyRequest", SALES_HUNT, "<forwardToPhoneNumber>overflow@company.com</forwardToPhoneNumber>"),
            user("UserCallForwardingBusyGetRequest", SALES_HUNT, ""),
            unassign(SALES_HUNT, &[CFA]),
            user("UserCallForwardingAlwaysGetRequest", SALES_HUNT, ""),
            assign(SALES_HUNT, &[CFA]),
            user("UserCallForwardingAlwaysGetRequest", SALES_HUNT, ""),
        ])
        .await;
    assert_eq!(code(&r[0]), Some(4422), "active needs a number: {}", r[0]);
    assert_eq!(code(&r[1]), Some(4423), "{}", r[1]);
    assert!(ok(&r[2]), "{}", r[2]);
    let on = &r[3];
    assert!(on.contains("<isActive>true</isActive>"), "{on}");
    assert!(on.contains("<forwardToPhoneNumber>+1-2025551234</forwardToPhoneNumber>"));
    assert!(on.contains("<isRingSplashActive>true</isRingSplashActive>"));
    assert_eq!(code(&r[4]), Some(4422), "active keeps its number: {}", r[4]);
    assert!(ok(&r[5]), "{}", r[5]);
    // Busy has no ring splash; its number is kept as sent.
    assert!(!r[6].contains("isRingSplashActive"), "{}", r[6]);
    assert!(r[6].contains("<forwardToPhoneNumber>overflow@company.com</forwardToPhoneNumber>"));
    assert!(ok(&r[7]), "{}", r[7]);
    assert_eq!(code(&r[8]), Some(4421), "{}", r[8]);
    assert!(ok(&r[9]), "{}", r[9]);
    // Reassigned: fresh again, nothing of the old settings.
    assert!(r[10].contains("<isActive>false</isActive>"), "{}", r[10]);
    assert!(!r[10].contains("forwardToPhoneNumber"), "{}", r[10]);

    // Journaled: the state file and its journal hold the services.
    let h = sb.hg(SALES_HUNT).unwrap();
    assert!(h.services.has(CFA) && h.services.has(DNH));
    assert_eq!(h.services.call_forwarding_always, None);
    let busy = h.services.call_forwarding_busy.clone().unwrap();
    assert_eq!(
        busy.forward_to_phone_number.as_deref(),
        Some("overflow@company.com")
    );
    validate_bytes(&c.raw_replies);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selective_criteria_are_unique_and_their_schedules_visible() {
    let sb = SandboxOpts::new().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    let business = time_schedule("Group", "Business Hours");
    let r = c
        .cmds(&[
            add_criteria(
                SALES_HUNT,
                &criteria_body("after-hours", &business, "2025559999"),
            ),
            assign(SALES_HUNT, &[CFS]),
            add_criteria(
                SALES_HUNT,
                &criteria_body("after-hours", &business, "2025559999"),
            ),
            add_criteria(
                SALES_HUNT,
                &criteria_body("after-hours", &business, "2025559998"),
            ),
            // Another group's schedule is not visible; a time schedule is not a holiday one.
            add_criteria(
                SALES_HUNT,
                &criteria_body("support", &time_schedule("Group", "Support Hours"), "2025559997"),
            ),
            add_criteria(
                SALES_HUNT,
                &criteria_body(
                    "holidays",
                    "<holidaySchedule><type>Group</type><name>Business Hours</name></holidaySchedule>",
                    "2025559996",
                ),
            ),
            add_criteria(
                SALES_HUNT,
                &criteria_body(
                    "company-holidays",
                    "<holidaySchedule><type>Service Provider</type><name>Company Holidays</name></holidaySchedule>",
                    "2025559995",
                ),
            ),
            user("UserCallForwardingSelectiveGetRequest16", SALES_HUNT, ""),
            user(
                "UserCallForwardingSelectiveGetCriteriaRequest21",
                SALES_HUNT,
                "<criteriaName>after-hours</criteriaName>",
            ),
        ])
        .await;
    assert_eq!(code(&r[0]), Some(4421), "CFS not assigned: {}", r[0]);
    assert!(ok(&r[1]), "{}", r[1]);
    assert!(ok(&r[2]), "{}", r[2]);
    assert_eq!(code(&r[3]), Some(4424), "names are unique: {}", r[3]);
    assert_eq!(code(&r[4]), Some(4426), "{}", r[4]);
    // The refusal lists what the hunt group can see.
    let detail = between(&r[4], "<detail>", "</detail>");
    assert_eq!(detail, "visible time schedules: Business Hours (Group)");
    assert_eq!(code(&r[5]), Some(4426), "{}", r[5]);
    assert!(ok(&r[6]), "{}", r[6]);
    let table = between(&r[7], "<criteriaTable>", "</criteriaTable>");
    assert_eq!(
        headings(&table),
        [
            "Is Active",
            "Criteria Name",
            "Time Schedule",
            "Calls From",
            "Forward To",
            "Blacklisted",
            "Holiday Schedule",
            "Calls To Type",
            "Calls To Number",
            "Calls To Extension"
        ]
    );
    assert_eq!(
        column_pairs(&table, "Criteria Name", "Is Active"),
        [
            ("after-hours".to_string(), "true".to_string()),
            ("company-holidays".to_string(), "true".to_string())
        ]
    );
    assert_eq!(
        column_pairs(&table, "Criteria Name", "Time Schedule")[0].1,
        "Business Hours"
    );
    let got = &r[8];
    assert!(
        got.contains("<timeSchedule><type>Group</type><name>Business Hours</name></timeSchedule>"),
        "{got}"
    );
    assert!(got.contains("<forwardToPhoneNumber>2025559999</forwardToPhoneNumber>"));
    assert!(got.contains("<fromDnCriteriaSelection>Any</fromDnCriteriaSelection>"));

    let sel_modify =
        |rest: &str| user("UserCallForwardingSelectiveModifyRequest", SALES_HUNT, rest);
    let r = c
        .cmds(&[
            user(
                "UserCallForwardingSelectiveModifyCriteriaRequest",
                SALES_HUNT,
                "<criteriaName>after-hours</criteriaName><forwardToPhoneNumber>2025558888</forwardToPhoneNumber>",
            ),
            user(
                "UserCallForwardingSelectiveModifyCriteriaRequest",
                SALES_HUNT,
                "<criteriaName>after-hours</criteriaName><newCriteriaName>company-holidays</newCriteriaName>",
            ),
            user(
                "UserCallForwardingSelectiveModifyCriteriaRequest",
                SALES_HUNT,
                "<criteriaName>nope</criteriaName><forwardToPhoneNumber>2025558888</forwardToPhoneNumber>",
            ),
            sel_modify("<isActive>true</isActive>"),
            sel_modify("<isActive>true</isActive><defaultForwardToPhoneNumber>2025557777</defaultForwardToPhoneNumber><criteriaActivation><criteriaName>company-holidays</criteriaName><isActive>false</isActive></criteriaActivation>"),
            sel_modify("<criteriaActivation><criteriaName>nope</criteriaName><isActive>false</isActive></criteriaActivation>"),
            user("UserCallForwardingSelectiveGetRequest16", SALES_HUNT, ""),
            user("UserCallForwardingSelectiveDeleteCriteriaRequest", SALES_HUNT, "<criteriaName>company-holidays</criteriaName>"),
            user("UserCallForwardingSelectiveDeleteCriteriaRequest", SALES_HUNT, "<criteriaName>company-holidays</criteriaName>"),
            user("UserCallForwardingSelectiveGetCriteriaRequest21", SALES_HUNT, "<criteriaName>after-hours</criteriaName>"),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    assert_eq!(code(&r[1]), Some(4424), "rename onto another: {}", r[1]);
    assert_eq!(code(&r[2]), Some(4425), "{}", r[2]);
    assert_eq!(code(&r[3]), Some(4422), "active needs a default: {}", r[3]);
    assert!(ok(&r[4]), "{}", r[4]);
    assert_eq!(code(&r[5]), Some(4425), "{}", r[5]);
    let s = &r[6];
    assert!(s.contains("<isActive>true</isActive>"), "{s}");
    assert!(s.contains("<defaultForwardToPhoneNumber>2025557777</defaultForwardToPhoneNumber>"));
    let table = between(s, "<criteriaTable>", "</criteriaTable>");
    assert_eq!(
        column_pairs(&table, "Criteria Name", "Is Active"),
        [
            ("after-hours".to_string(), "true".to_string()),
            ("company-holidays".to_string(), "false".to_string())
        ]
    );
    assert_eq!(
        column_pairs(&table, "Criteria Name", "Forward To")[0].1,
        "2025558888"
    );
    assert!(ok(&r[7]), "{}", r[7]);
    assert_eq!(code(&r[8]), Some(4425), "{}", r[8]);
    assert!(r[9].contains("<forwardToPhoneNumber>2025558888</forwardToPhoneNumber>"));

    // Unassigning Call Forwarding Selective drops its criteria.
    let r = c
        .cmds(&[
            unassign(SALES_HUNT, &[CFS]),
            assign(SALES_HUNT, &[CFS]),
            user("UserCallForwardingSelectiveGetRequest16", SALES_HUNT, ""),
        ])
        .await;
    assert!(ok(&r[0]) && ok(&r[1]), "{r:?}");
    assert!(!r[2].contains("<row>"), "{}", r[2]);
    assert!(r[2].contains("<isActive>false</isActive>"), "{}", r[2]);
    validate_bytes(&c.raw_replies);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_number_hunting_agents_are_the_hunt_groups_own() {
    let sb = SandboxOpts::new().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    let second = "second-hunt@company.com";
    let dnh_modify = |id: &str, agents: &[&str]| {
        let ids: String = agents
            .iter()
            .map(|a| format!("<userId>{a}</userId>"))
            .collect();
        cmd(
            "GroupDirectoryNumberHuntingModifyRequest",
            &format!("<serviceUserId>{id}</serviceUserId><agentUserIdList>{ids}</agentUserIdList><useTerminateCallToAgentFirst>true</useTerminateCallToAgentFirst>"),
        )
    };
    let dnh_get = |id: &str| {
        cmd(
            "GroupDirectoryNumberHuntingGetRequest17sp1",
            &format!("<serviceUserId>{id}</serviceUserId>"),
        )
    };
    let available = |id: &str| {
        cmd(
            "GroupDirectoryNumberHuntingGetAvailableUserListRequest",
            &format!("<serviceUserId>{id}</serviceUserId>"),
        )
    };
    let r = c
        .cmds(&[
            dnh_get(SALES_HUNT),
            add(&Add {
                id: second,
                agents: &["jane.smith@company.com", "bob.wilson@company.com"],
                ..Default::default()
            }),
            assign(SALES_HUNT, &[DNH]),
            assign(second, &[DNH]),
            dnh_modify(SALES_HUNT, &["bob.wilson@company.com"]),
            dnh_modify(
                SALES_HUNT,
                &["jane.smith@company.com", "jane.smith@company.com"],
            ),
            dnh_modify(SALES_HUNT, &["jane.smith@company.com"]),
            dnh_modify(second, &["jane.smith@company.com"]),
            available(second),
            dnh_get(SALES_HUNT),
        ])
        .await;
    assert_eq!(code(&r[0]), Some(4421), "{}", r[0]);
    assert!(ok(&r[1]) && ok(&r[2]) && ok(&r[3]), "{r:?}");
    assert_eq!(code(&r[4]), Some(4428), "not an agent: {}", r[4]);
    assert_eq!(code(&r[5]), Some(4418), "{}", r[5]);
    assert!(ok(&r[6]), "{}", r[6]);
    assert_eq!(code(&r[7]), Some(4429), "in another DNH: {}", r[7]);
    let avail = between(&r[8], "<userTable>", "</userTable>");
    assert_eq!(
        column_pairs(&avail, "User Id", "Last Name"),
        [("bob.wilson@company.com".to_string(), "Wilson".to_string())]
    );
    let got = &r[9];
    let agents = between(got, "<agentUserTable>", "</agentUserTable>");
    assert_eq!(
        headings(&agents),
        [
            "User Id",
            "Last Name",
            "First Name",
            "Hiragana Last Name",
            "Hiragana First Name",
            "Phone Number",
            "Extension",
            "Department",
            "Email Address"
        ]
    );
    assert_eq!(
        column_pairs(&agents, "User Id", "Extension"),
        [("jane.smith@company.com".to_string(), "1002".to_string())]
    );
    assert!(got.contains("<useTerminateCallToAgentFirst>true</useTerminateCallToAgentFirst>"));
    assert!(got.contains(
        "<useOriginalAgentServicesForBusyAndNoAnswerCalls>false</useOriginalAgentServicesForBusyAndNoAnswerCalls>"
    ));

    // An agent taken out of the hunt group leaves its directory number hunting; deleting a hunt
    // group drops its services: the same id created again has none.
    let r = c
        .cmds(&[
            modify(
                SALES_HUNT,
                "<agentUserIdList><userId>john.doe@company.com</userId></agentUserIdList>",
            ),
            dnh_get(SALES_HUNT),
            delete(SALES_HUNT),
            add(&Add {
                id: SALES_HUNT,
                ..Default::default()
            }),
            assignments(SALES_HUNT),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    assert!(!r[1].contains("<row>"), "{}", r[1]);
    assert!(ok(&r[2]) && ok(&r[3]), "{r:?}");
    assert!(
        assigned_rows(&r[4]).iter().all(|(_, a)| a == "false"),
        "{}",
        r[4]
    );
    assert!(sb.hg(SALES_HUNT).unwrap().services.assigned.is_empty());
    validate_bytes(&c.raw_replies);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_and_schedule_lists() {
    let sb = SandboxOpts::new().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    let group = |ty: &str, g: &str, rest: &str| {
        cmd(
            ty,
            &format!("<serviceProviderId>MyServiceProvider</serviceProviderId><groupId>{g}</groupId>{rest}"),
        )
    };
    let r = c
        .cmds(&[
            assign(SALES_HUNT, &[CFA]),
            group("GroupServiceGetAuthorizationListRequest", "SalesGroup", ""),
            user("UserScheduleGetListRequest17sp1", SALES_HUNT, ""),
            user(
                "UserScheduleGetListRequest17sp1",
                SALES_HUNT,
                "<scheduleType>Time</scheduleType>",
            ),
            group("GroupScheduleGetListRequest17sp1", "SupportGroup", ""),
            user("UserScheduleGetListRequest17sp1", "nobody@company.com", ""),
        ])
        .await;
    assert!(ok(&r[0]), "{}", r[0]);
    let users = between(
        &r[1],
        "<userServicesAuthorizationTable>",
        "</userServicesAuthorizationTable>",
    );
    assert_eq!(
        headings(&users),
        [
            "Service Name",
            "Authorized",
            "Assigned",
            "Limited",
            "Quantity",
            "Usage",
            "Licensed",
            "Allowed",
            "User Assignable",
            "Group Service Assignable"
        ]
    );
    let auth = column_pairs(&users, "Service Name", "Authorized");
    for (s, want) in [
        (CFA, "true"),
        (DNH, "true"),
        (CFS, "true"),
        ("Call Forwarding Always Secondary", "false"),
    ] {
        assert!(auth.contains(&(s.into(), want.into())), "{s}: {auth:?}");
    }
    assert!(column_pairs(&users, "Service Name", "Usage").contains(&(CFA.into(), "1".into())));
    for t in [
        "servicePacksAuthorizationTable",
        "groupServicesAuthorizationTable",
    ] {
        assert!(r[1].contains(&format!("<{t}>")), "{t}: {}", r[1]);
    }
    let keys = |seg: &str| -> Vec<String> {
        seg.split("<scheduleGlobalKey>")
            .skip(1)
            .map(|k| {
                format!(
                    "{}/{}/{}",
                    between(k, "<scheduleName>", "</scheduleName>"),
                    between(k, "<scheduleType>", "</scheduleType>"),
                    between(k, "<scheduleLevel>", "</scheduleLevel>")
                )
            })
            .collect()
    };
    assert_eq!(
        keys(&r[2]),
        [
            "Business Hours/Time/Group",
            "Holidays/Holiday/Group",
            "Company Holidays/Holiday/Service Provider"
        ]
    );
    assert_eq!(keys(&r[3]), ["Business Hours/Time/Group"]);
    assert_eq!(
        keys(&r[4]),
        [
            "Support Hours/Time/Group",
            "Company Holidays/Holiday/Service Provider"
        ]
    );
    assert_eq!(code(&r[5]), Some(4008), "{}", r[5]);
    validate_bytes(&c.raw_replies);
}

/// Every new command as the client's codec writes it: the sandbox's decoder reads each back as
/// sent, the sandbox answers it over TCP, the client's decoder reads the typed reply, and the
/// recorded requests and the replies validate against the R25 schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_new_command_round_trips_and_its_traffic_is_schema_valid() {
    use huntctl::ocip::decode_response::decode_response_document;
    use huntctl::ocip::encode_request::request_document;
    use huntctl::protocol::messages::{Change, Request, Response};
    use huntctl::protocol::services::*;
    use huntctl::sandbox::decode::decode_request_document;

    let sb = SandboxOpts::new().record().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    let id = || SALES_HUNT.to_string();
    let any = FromDnCriteria::default();
    let business = ScheduleRef {
        level: ScheduleLevel::Group,
        name: "Business Hours".into(),
    };
    let sr = |s: ServiceRequest| Request::Service(Box::new(s));
    let requests = vec![
        sr(ServiceRequest::Assign {
            user_id: id(),
            services: vec![CFA.into(), CFB.into(), CFNR.into(), CFS.into(), DNH.into()],
        }),
        sr(ServiceRequest::GetAssignments { user_id: id() }),
        sr(ServiceRequest::ModifyForwarding(ForwardingModify {
            user_id: id(),
            kind: ForwardingKind::Always,
            is_active: Some(true),
            forward_to_phone_number: Change::Set("+1-2025551234".into()),
            is_ring_splash_active: Some(false),
        })),
        sr(ServiceRequest::ModifyForwarding(ForwardingModify {
            user_id: id(),
            kind: ForwardingKind::Busy,
            is_active: Some(false),
            forward_to_phone_number: Change::Clear,
            is_ring_splash_active: None,
        })),
        sr(ServiceRequest::ModifyForwarding(ForwardingModify {
            user_id: id(),
            kind: ForwardingKind::NotReachable,
            is_active: None,
            forward_to_phone_number: Change::Set("2025559000".into()),
            is_ring_splash_active: None,
        })),
        sr(ServiceRequest::GetForwarding {
            user_id: id(),
            kind: ForwardingKind::Always,
        }),
        sr(ServiceRequest::GetForwarding {
            user_id: id(),
            kind: ForwardingKind::Busy,
        }),
        sr(ServiceRequest::GetForwarding {
            user_id: id(),
            kind: ForwardingKind::NotReachable,
        }),
        sr(ServiceRequest::AddCriteria(CriteriaAdd {
            user_id: id(),
            criteria_name: "after-hours".into(),
            time_schedule: Some(business.clone()),
            holiday_schedule: None,
            forward_to_number_selection: Some(NumberSelection::Specified),
            forward_to_phone_number: Some("2025559999".into()),
            from_dn_criteria: any.clone(),
            call_to_numbers: vec![CallToNumber {
                number_type: "Primary".into(),
                number: None,
                extension: None,
            }],
        })),
        sr(ServiceRequest::ModifyCriteria(CriteriaModify {
            user_id: id(),
            criteria_name: "after-hours".into(),
            new_criteria_name: None,
            time_schedule: Change::Keep,
            holiday_schedule: Change::Set(ScheduleRef {
                level: ScheduleLevel::ServiceProvider,
                name: "Company Holidays".into(),
            }),
            forward_to_number_selection: None,
            forward_to_phone_number: Change::Set("2025558888".into()),
            from_dn_criteria: Some(FromDnCriteriaModify {
                from_dn_criteria_selection: Some(DnSelection::SpecifiedOnly),
                include_anonymous_callers: Some(true),
                include_unavailable_callers: None,
                phone_number_list: Change::Set(vec!["2025550150".into()]),
            }),
            call_to_number_list: Change::Clear,
        })),
        sr(ServiceRequest::ModifySelective(SelectiveModify {
            user_id: id(),
            is_active: Some(true),
            default_forward_to_phone_number: Change::Set("2025557777".into()),
            play_ring_reminder: Some(true),
            criteria_activation: vec![("after-hours".into(), false)],
        })),
        sr(ServiceRequest::GetSelective { user_id: id() }),
        sr(ServiceRequest::GetCriteria {
            user_id: id(),
            criteria_name: "after-hours".into(),
        }),
        sr(ServiceRequest::DeleteCriteria {
            user_id: id(),
            criteria_name: "after-hours".into(),
        }),
        sr(ServiceRequest::ModifyDnh(DnhModify {
            service_user_id: id(),
            agent_user_ids: Change::Set(vec!["jane.smith@company.com".into()]),
            use_terminate_call_to_agent_first: Some(true),
            use_original_agent_services_for_busy_and_no_answer_calls: Some(false),
        })),
        sr(ServiceRequest::GetDnh {
            service_user_id: id(),
        }),
        sr(ServiceRequest::DnhAvailableUsers {
            service_user_id: id(),
        }),
        sr(ServiceRequest::GetAuthorizations {
            service_provider_id: "MyServiceProvider".into(),
            group_id: "SalesGroup".into(),
        }),
        sr(ServiceRequest::UserSchedules {
            user_id: id(),
            schedule_type: Some(ScheduleType::Time),
        }),
        sr(ServiceRequest::GroupSchedules {
            service_provider_id: "MyServiceProvider".into(),
            group_id: "SalesGroup".into(),
            schedule_type: None,
        }),
        sr(ServiceRequest::Unassign {
            user_id: id(),
            services: vec![CFB.into()],
        }),
    ];
    let mut replies = Vec::new();
    for r in &requests {
        let doc = request_document("s1", std::slice::from_ref(r));
        // The sandbox reads back exactly what the client meant.
        assert_eq!(
            decode_request_document(&doc).unwrap().commands,
            vec![Ok(r.clone())],
            "{}",
            r.type_name()
        );
        let text = String::from_utf8(doc).unwrap();
        c.call(&text).await;
        let raw = c.raw_replies.last().unwrap().clone();
        let mut resp = decode_response_document(&raw).unwrap().responses;
        assert_eq!(resp.len(), 1);
        replies.push(resp.remove(0));
    }
    let data = |i: usize| match &replies[i] {
        Response::Service(s) => (**s).clone(),
        other => panic!("{}: {other:?}", requests[i].type_name()),
    };
    for (i, r) in replies.iter().enumerate() {
        assert!(
            !matches!(r, Response::Error(_)),
            "{}: {r:?}",
            requests[i].type_name()
        );
    }
    let ServiceResponse::Assignments(a) = data(1) else {
        panic!()
    };
    assert!(a.assigned().any(|s| s == CFS), "{a:?}");
    assert_eq!(
        data(5),
        ServiceResponse::Forwarding(
            ForwardingKind::Always,
            ForwardingSettings {
                is_active: true,
                forward_to_phone_number: Some("+1-2025551234".into()),
                is_ring_splash_active: false,
            }
        )
    );
    assert_eq!(
        data(6),
        ServiceResponse::Forwarding(ForwardingKind::Busy, ForwardingSettings::default())
    );
    let ServiceResponse::Selective(s) = data(11) else {
        panic!()
    };
    assert!(s.is_active && s.play_ring_reminder);
    assert_eq!(s.criteria.len(), 1);
    assert!(!s.criteria[0].is_active);
    assert_eq!(s.criteria[0].calls_from, "2025550150, Anonymous");
    assert_eq!(
        data(12),
        ServiceResponse::Criteria(CriteriaSettings {
            time_schedule: Some(business),
            holiday_schedule: Some(ScheduleRef {
                level: ScheduleLevel::ServiceProvider,
                name: "Company Holidays".into(),
            }),
            forward_to_number_selection: NumberSelection::Specified,
            forward_to_phone_number: Some("2025558888".into()),
            from_dn_criteria: FromDnCriteria {
                from_dn_criteria_selection: DnSelection::SpecifiedOnly,
                include_anonymous_callers: true,
                include_unavailable_callers: false,
                phone_numbers: vec!["2025550150".into()],
            },
            call_to_numbers: vec![],
        })
    );
    let ServiceResponse::Dnh(d) = data(15) else {
        panic!()
    };
    assert_eq!(d.agents[0].user_id, "jane.smith@company.com");
    assert!(d.use_terminate_call_to_agent_first);
    let ServiceResponse::Authorizations(auth) = data(17) else {
        panic!()
    };
    assert!(auth.authorized_user_services().any(|s| s == DNH));
    assert!(!auth
        .authorized_user_services()
        .any(|s| s == "Call Forwarding Always Secondary"));
    assert_eq!(
        data(18),
        ServiceResponse::UserSchedules(vec![ScheduleGlobalKey {
            name: "Business Hours".into(),
            schedule_type: ScheduleType::Time,
            level: ScheduleLevel::Group,
        }])
    );
    validate_bytes(&c.raw_replies);
    crate::support::ocip_schema::assert_valid_file(sb.record_path());
}

/// `GroupUserCallForwardingSettingsGetListRequest` of SalesGroup for `service`: paging, the
/// sort element and what follows it (`rest`: includeVirtualUsers, search criteria).
fn forwarding_list(service: &str, start: u32, size: u32, sort: &str, rest: &str) -> String {
    cmd(
        "GroupUserCallForwardingSettingsGetListRequest",
        &format!(
            "<serviceProviderId>MyServiceProvider</serviceProviderId><groupId>SalesGroup</groupId><callForwardingService>{service}</callForwardingService><responsePagingControl><responseStartIndex>{start}</responseStartIndex><responsePageSize>{size}</responsePageSize></responsePagingControl>{sort}{rest}"
        ),
    )
}

const BY_LAST_NAME: &str =
    "<sortByUserLastName><isAscending>true</isAscending><isCaseSensitive>true</isCaseSensitive></sortByUserLastName>";
const BY_FIRST_NAME_DOWN: &str =
    "<sortByUserFirstName><isAscending>false</isAscending><isCaseSensitive>false</isCaseSensitive></sortByUserFirstName>";
const VIRTUAL: &str = "<includeVirtualUsers>true</includeVirtualUsers>";

/// The user ids of a `userCallForwardingTable`, in row order.
fn listed_ids(seg: &str) -> Vec<String> {
    column_pairs(
        &between(
            seg,
            "<userCallForwardingTable>",
            "</userCallForwardingTable>",
        ),
        "User Id",
        "Is Active",
    )
    .into_iter()
    .map(|(id, _)| id)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_group_forwarding_settings_list_pages_sorts_and_searches_hunt_groups_users() {
    let sb = SandboxOpts::new().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    const VIP: &str = "sales-vip-hunt@company.com";
    let r = c
        .cmds(&[
            assign(SALES_HUNT, &[CFB, CFS]),
            assign(VIP, &[CFB]),
            user(
                "UserCallForwardingBusyModifyRequest",
                SALES_HUNT,
                "<isActive>true</isActive><forwardToPhoneNumber>+1-2025550150</forwardToPhoneNumber>",
            ),
            user(
                "UserCallForwardingSelectiveModifyRequest",
                SALES_HUNT,
                "<defaultForwardToPhoneNumber>+1-2025550160</defaultForwardToPhoneNumber>",
            ),
        ])
        .await;
    assert!(r.iter().all(|x| ok(x)), "{r:?}");
    let search = |field: &str, mode: &str, value: &str| {
        format!("<{field}><mode>{mode}</mode><value>{value}</value><isCaseInsensitive>true</isCaseInsensitive></{field}>")
    };
    let r = c
        .cmds(&[
            forwarding_list(CFB, 1, 100, BY_LAST_NAME, ""),
            forwarding_list(CFB, 1, 100, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFB, 1, 1, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFB, 2, 1, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFB, 3, 1, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFB, 1, 100, BY_FIRST_NAME_DOWN, VIRTUAL),
            forwarding_list(
                CFB,
                1,
                100,
                BY_LAST_NAME,
                &format!(
                    "{VIRTUAL}{}",
                    search("searchCriteriaUserId", "Starts With", "SALES-VIP")
                ),
            ),
            forwarding_list(
                CFB,
                1,
                100,
                BY_LAST_NAME,
                &format!(
                    "{VIRTUAL}{}",
                    search("searchCriteriaForwardedToNumber", "Contains", "2025550150")
                ),
            ),
            forwarding_list(CFS, 1, 100, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFNR, 1, 100, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFB, 1, 2001, BY_LAST_NAME, VIRTUAL),
            forwarding_list(CFB, 1, 100, "", VIRTUAL),
        ])
        .await;
    // Without includeVirtualUsers only ordinary users are listed (none has the service).
    assert!(listed_ids(&r[0]).is_empty(), "{}", r[0]);
    assert_eq!(
        headings(&between(
            &r[0],
            "<userCallForwardingTable>",
            "</userCallForwardingTable>"
        )),
        [
            "User Id",
            "Last Name",
            "First Name",
            "Hiragana Last Name",
            "Hiragana First Name",
            "Phone Number",
            "Extension",
            "Department",
            "In Trunk Group",
            "Email Address",
            "Is Active",
            "Forwarding Address",
        ]
    );
    // Both hunt groups' users, sorted by last name (both "Sales"), ties by user id.
    assert_eq!(listed_ids(&r[1]), [SALES_HUNT, VIP], "{}", r[1]);
    let table = between(
        &r[1],
        "<userCallForwardingTable>",
        "</userCallForwardingTable>",
    );
    assert_eq!(
        column_pairs(&table, "User Id", "Forwarding Address"),
        [
            (SALES_HUNT.to_string(), "+1-2025550150".to_string()),
            (VIP.to_string(), String::new())
        ]
    );
    assert_eq!(
        column_pairs(&table, "User Id", "Is Active"),
        [
            (SALES_HUNT.to_string(), "true".to_string()),
            (VIP.to_string(), "false".to_string())
        ]
    );
    // The number in E.164.
    assert_eq!(
        column_pairs(&table, "User Id", "Phone Number")[0].1,
        "+1-2025550100"
    );
    // One row a page, in the same order; past the end, none.
    assert_eq!(listed_ids(&r[2]), [SALES_HUNT]);
    assert_eq!(listed_ids(&r[3]), [VIP]);
    assert!(listed_ids(&r[4]).is_empty());
    // First names descending: VIP before Team.
    assert_eq!(listed_ids(&r[5]), [VIP, SALES_HUNT]);
    // Search criteria.
    assert_eq!(listed_ids(&r[6]), [VIP]);
    assert_eq!(listed_ids(&r[7]), [SALES_HUNT]);
    // Selective lists its default forwarding address; an unassigned service lists nobody.
    let table = between(
        &r[8],
        "<userCallForwardingTable>",
        "</userCallForwardingTable>",
    );
    assert_eq!(
        column_pairs(&table, "User Id", "Forwarding Address"),
        [(SALES_HUNT.to_string(), "+1-2025550160".to_string())]
    );
    assert!(listed_ids(&r[9]).is_empty());
    // R25's limits: a page of at most 2,000 rows, a sort element required.
    assert_eq!(code(&r[10]), Some(6004), "{}", r[10]);
    assert_eq!(code(&r[11]), Some(6004), "{}", r[11]);
    validate_bytes(&c.raw_replies);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assigned_user_list_names_hunt_groups_users_with_the_service() {
    let sb = SandboxOpts::new().start();
    let mut c = Conn::tcp(sb.handle()).await;
    c.login().await;
    let list = |choice: &str| {
        cmd(
            "GroupGetUserServiceAssignedUserListRequest",
            &format!("<serviceProviderId>MyServiceProvider</serviceProviderId><groupId>SalesGroup</groupId>{choice}"),
        )
    };
    let privacy = list("<serviceName>Privacy</serviceName>");
    let r = c
        .cmds(&[
            privacy.clone(),
            assign(SALES_HUNT, &["Privacy"]),
            privacy.clone(),
            unassign(SALES_HUNT, &["Privacy"]),
            privacy.clone(),
            list("<servicePackName>Gold</servicePackName>"),
            list("<serviceName>Privacy Please</serviceName>"),
        ])
        .await;
    let ids = |seg: &str| -> Vec<String> {
        column_pairs(
            &between(seg, "<userListTable>", "</userListTable>"),
            "User Id",
            "Extension",
        )
        .into_iter()
        .map(|(id, _)| id)
        .collect()
    };
    assert!(ids(&r[0]).is_empty(), "{}", r[0]);
    assert_eq!(
        headings(&between(&r[0], "<userListTable>", "</userListTable>")),
        [
            "User Id",
            "Last Name",
            "First Name",
            "Department",
            "Phone Number",
            "Email Address",
            "Hiragana Last Name",
            "Hiragana First Name",
            "Extension",
        ]
    );
    assert!(ok(&r[1]), "{}", r[1]);
    assert_eq!(ids(&r[2]), [SALES_HUNT], "{}", r[2]);
    let table = between(&r[2], "<userListTable>", "</userListTable>");
    assert_eq!(
        column_pairs(&table, "User Id", "Extension"),
        [(SALES_HUNT.to_string(), "0100".to_string())]
    );
    assert!(ok(&r[3]), "{}", r[3]);
    assert!(ids(&r[4]).is_empty(), "{}", r[4]);
    assert_eq!(code(&r[5]), Some(4431), "no service packs: {}", r[5]);
    assert_eq!(code(&r[6]), Some(6004), "not a UserService: {}", r[6]);
    validate_bytes(&c.raw_replies);
}
