//! The error codes pre-flight predicts and the codes the sandbox answers with are declared
//! once each, on either side of the wall (huntctl-core never imports the sandbox, nor the
//! reverse); this test, outside both, holds them together.

use huntctl::plan::preflight::Rule;
use huntctl::sandbox::codes::{self, Origin};

/// Which of the sandbox's codes answers the situation each pre-flight rule predicts.
fn sandbox_code_for(rule: Rule) -> u32 {
    match rule {
        Rule::UnknownAgent => codes::USER_NOT_FOUND,
        Rule::NumberNotInGroup => codes::NUMBER_NOT_IN_GROUP,
        Rule::NumberInUse => codes::NUMBER_IN_USE,
        Rule::ExtensionInUse => codes::EXTENSION_IN_USE,
        Rule::UserIdInUse => codes::USER_ID_IN_USE,
        Rule::UnknownDepartment => codes::DEPARTMENT_NOT_FOUND,
        Rule::ServiceNotAuthorized => codes::SERVICE_NOT_AUTHORIZED,
        Rule::UnknownSchedule => codes::SCHEDULE_NOT_FOUND,
        Rule::DnhNotAgent => codes::NOT_AN_AGENT,
    }
}

#[test]
fn preflight_predicts_the_codes_the_sandbox_answers_with() {
    for rule in Rule::ALL {
        assert_eq!(rule.code(), sandbox_code_for(rule), "{rule:?}");
        let declared = codes::ALL
            .iter()
            .find(|c| c.number == rule.code())
            .unwrap_or_else(|| panic!("{rule:?}: the sandbox has no code {}", rule.code()));
        // What the plan says of a code's origin is what the sandbox's table says.
        assert_eq!(
            rule.code_is_documented(),
            declared.origin == Origin::BroadWorks,
            "{rule:?} ({})",
            declared.name
        );
    }
}

#[test]
fn every_code_is_declared_once() {
    let mut numbers: Vec<u32> = codes::ALL.iter().map(|c| c.number).collect();
    let n = numbers.len();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), n, "a code number is declared twice");
    let help = codes::help();
    for c in codes::ALL {
        assert!(
            help.contains(&c.number.to_string()),
            "{} not in the help",
            c.number
        );
    }
}
