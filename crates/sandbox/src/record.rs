//! Reading the sandbox's record (`--record FILE`: every document received, passwords masked)
//! back: which kinds of documents a client sent, so tests and benchmarks can count round trips
//! by what they were for.

/// What a received document was for, by the commands it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    /// AuthenticationRequest or a LoginRequest.
    Login,
    /// A listing: the hunt groups of a group (with pre-flight's reads), or the groups of a
    /// service provider.
    List,
    /// Hunt group details (GetInstance).
    Read,
    /// An add, modify, weights, delete or active-list change.
    Write,
    /// LogoutRequest.
    Logout,
    /// Anything else.
    Other,
}

impl DocumentKind {
    /// Lower-case name, for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Login => "login",
            DocumentKind::List => "list",
            DocumentKind::Read => "read",
            DocumentKind::Write => "write",
            DocumentKind::Logout => "logout",
            DocumentKind::Other => "other",
        }
    }
}

const WRITES: [&str; 5] = [
    "GroupHuntGroupAddInstanceRequest",
    "GroupHuntGroupModifyInstanceRequest",
    "GroupHuntGroupDeleteInstanceRequest",
    "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
    "GroupHuntGroupModifyActiveInstanceListRequest",
];

/// The kind of every document in `record` (or a stretch of it), in the order received.
pub fn document_kinds(record: &str) -> Vec<DocumentKind> {
    record
        .split("</BroadsoftDocument>")
        .filter(|d| d.contains("<BroadsoftDocument"))
        .map(|d| {
            let has = |t: &str| d.contains(&format!("xsi:type=\"{t}"));
            if has("AuthenticationRequest") || has("LoginRequest") {
                DocumentKind::Login
            } else if has("LogoutRequest") {
                DocumentKind::Logout
            } else if has("GroupHuntGroupGetInstanceListRequest")
                || has("GroupGetListInServiceProviderRequest")
            {
                DocumentKind::List
            } else if has("GroupHuntGroupGetInstanceRequest") {
                DocumentKind::Read
            } else if WRITES.iter().any(|w| has(w)) {
                DocumentKind::Write
            } else {
                DocumentKind::Other
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_the_commands_a_document_holds() {
        let doc = |t: &str| {
            format!("<BroadsoftDocument><command xsi:type=\"{t}\"/></BroadsoftDocument>\n")
        };
        let record = [
            doc("AuthenticationRequest"),
            doc("LoginRequest14sp4"),
            doc("GroupHuntGroupGetInstanceListRequest"),
            doc("GroupHuntGroupGetInstanceRequest20"),
            doc("GroupHuntGroupAddInstanceRequest20"),
            doc("LogoutRequest"),
            doc("SystemSoftwareVersionGetRequest"),
        ]
        .concat();
        use DocumentKind::*;
        assert_eq!(
            document_kinds(&record),
            vec![Login, Login, List, Read, Write, Logout, Other]
        );
    }
}
