//! The error codes the sandbox answers with, declared once in [`ALL`]: each code's constant,
//! its meaning and where its number comes from. The store, the login and the decoder answer
//! with these constants, and `huntctl sandbox --help` lists them from the same table
//! ([`help`]), so the help cannot drift from what the server sends.
//!
//! 4008 (user not found) and 4962 (invalid password) are documented BroadWorks codes, 5404 is
//! the code PROTOCOL.md lists for commands before login, and 6004 is what BroadWorks answers a
//! schema violation with. For the other rule violations no public capture shows the code, so
//! the sandbox uses codes of its own choosing; clients must not depend on those numbers.

use crate::messages::OciError;

/// Where a code's number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// BroadWorks answers the same situation with this number.
    BroadWorks,
    /// No public source shows BroadWorks' number: the sandbox's own choice.
    Sandbox,
}

/// One error code, as the table declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The number, as in `[Error 4008]`.
    pub number: u32,
    /// The name of its constant in this module (`USER_NOT_FOUND`).
    pub name: &'static str,
    /// What it answers, as the help lists it.
    pub meaning: &'static str,
    /// Where the number comes from.
    pub origin: Origin,
}

/// Declares each code's constant (documented by its row) and the table [`ALL`] from one list.
macro_rules! codes {
    ($($name:ident = $number:literal, $origin:ident, $meaning:literal;)*) => {
        $(
            #[doc = concat!("`[Error ", $number, "]` ", $meaning, " (origin: ", stringify!($origin), ").")]
            pub const $name: u32 = $number;
        )*

        /// Every code the sandbox answers with, in ascending order.
        pub const ALL: &[Code] = &[$(Code {
            number: $number,
            name: stringify!($name),
            meaning: $meaning,
            origin: Origin::$origin,
        }),*];
    };
}

codes! {
    USER_NOT_FOUND = 4008, BroadWorks, "user, hunt group or agent not found";
    SERVICE_PROVIDER_NOT_FOUND = 4009, Sandbox, "service provider not found";
    GROUP_NOT_FOUND = 4010, Sandbox, "group not found";
    USER_ID_IN_USE = 4200, Sandbox, "user id already used by a user or hunt group";
    USER_ID_NEEDS_DOMAIN = 4201, Sandbox, "user id without domain";
    NUMBER_NOT_IN_GROUP = 4413, Sandbox, "number not assigned to the group";
    NUMBER_IN_USE = 4414, Sandbox, "number used by another user or hunt group";
    EXTENSION_IN_USE = 4415, Sandbox, "extension in use in the group";
    ALIAS_IN_USE = 4416, Sandbox, "alias in use";
    DEPARTMENT_NOT_FOUND = 4417, Sandbox, "department not found";
    DUPLICATE_AGENT = 4418, Sandbox, "agent listed twice";
    SERVICE_NOT_AUTHORIZED = 4419, Sandbox, "user service not authorized for the group";
    SERVICE_NOT_APPLICABLE = 4420, Sandbox, "user service a hunt group's user cannot have";
    SERVICE_NOT_ASSIGNED = 4421, Sandbox, "service not assigned to the user";
    FORWARD_NUMBER_REQUIRED = 4422, Sandbox, "forwarding active or to a specified number without a number";
    INVALID_FORWARD_NUMBER = 4423, Sandbox, "forward-to value neither a phone number nor a SIP URI";
    CRITERIA_NAME_IN_USE = 4424, Sandbox, "criteria name already used by the user";
    CRITERIA_NOT_FOUND = 4425, Sandbox, "criteria not found";
    SCHEDULE_NOT_FOUND = 4426, Sandbox, "schedule not found or not visible to the user";
    INVALID_CRITERIA = 4427, Sandbox, "criteria that can never match (no caller, or a number the user lacks)";
    NOT_AN_AGENT = 4428, Sandbox, "directory number hunting agent not an agent of the hunt group";
    DNH_AGENT_IN_USE = 4429, Sandbox, "agent already in another hunt group's directory number hunting";
    NOT_A_HUNT_GROUP = 4430, Sandbox, "services kept only for hunt groups' users";
    SERVICE_PACK_NOT_FOUND = 4431, Sandbox, "service pack not found (the sandbox has none)";
    INVALID_PASSWORD = 4962, BroadWorks, "invalid user id or password";
    INSECURE_LOGIN = 4963, Sandbox, "LoginRequest22V5 over plain TCP";
    NOT_LOGGED_IN = 5404, BroadWorks, "command before login (unauthorized transaction)";
    SCHEMA_VIOLATION = 6004, BroadWorks, "schema violation (the detail names the element)";
}

/// Builds an ErrorResponse `[Error CODE] summary`: BroadWorks puts the code in the summary
/// too, and clients read it from there.
pub fn oci_error(code: u32, summary: impl AsRef<str>, detail: Option<String>) -> OciError {
    let s = format!("[Error {code}] {}", summary.as_ref());
    OciError {
        code: Some(code),
        summary_english: s.clone(),
        summary: s,
        detail,
    }
}

/// The ERRORS section of `huntctl sandbox --help`: one line per code of [`ALL`], then which
/// numbers are the sandbox's own choice.
pub fn help() -> String {
    let mut out = String::from("ERRORS\n");
    for c in ALL {
        out.push_str(&format!("  {}  {}\n", c.number, c.meaning));
    }
    let broadworks: Vec<String> = ALL
        .iter()
        .filter(|c| c.origin == Origin::BroadWorks)
        .map(|c| c.number.to_string())
        .collect();
    let (last, rest) = broadworks
        .split_last()
        .expect("the table has BroadWorks codes");
    out.push_str(&format!(
        "  Codes other than {} and {last} are the sandbox's own choice (clients must not\n  \
         depend on those numbers).\n",
        rest.join(", ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_ascending_without_duplicates() {
        assert!(ALL.windows(2).all(|w| w[0].number < w[1].number), "{ALL:?}");
    }

    #[test]
    fn the_help_lists_every_code_and_the_sandboxs_choices() {
        let h = help();
        assert!(h.starts_with("ERRORS\n"), "{h}");
        for c in ALL {
            assert!(
                h.contains(&format!("  {}  {}\n", c.number, c.meaning)),
                "{h}"
            );
        }
        assert!(
            h.contains("Codes other than 4008, 4962, 5404 and 6004 are the sandbox's own choice"),
            "{h}"
        );
    }

    #[test]
    fn an_error_carries_its_code_in_the_summary() {
        let e = oci_error(USER_NOT_FOUND, "User not found: a", None);
        assert_eq!(e.code, Some(4008));
        assert_eq!(e.summary, "[Error 4008] User not found: a");
        assert_eq!(e.summary_english, e.summary);
    }
}
