//! The stable codes of desired-state diagnostics.
//!
//! A code names the kind of problem independently of its wording: messages may be reworded,
//! codes may not. Their strings are an interface read by machines — the `code` of every item
//! of [`super::Diagnostics::to_json`], the Python package's `.diagnostics`, and whoever
//! matches on them — so a string, once published, never changes; a new kind of problem gets a
//! new variant.

/// Declares the codes once: the enum (each variant with its doc), its stable string, and the
/// list of them all.
macro_rules! diagnostic_codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        /// What kind of problem a [`super::Diagnostic`] reports; [`DiagnosticCode::as_str`] is
        /// the stable string (`huntctl::missing_field`) that JSON output and the Python package
        /// carry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DiagnosticCode {
            $($(#[$doc])* $name,)*
        }

        impl DiagnosticCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [DiagnosticCode] = &[$(DiagnosticCode::$name),*];

            /// The stable string, `huntctl::` and the variant's name in snake_case.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(DiagnosticCode::$name => $code,)*
                }
            }
        }
    };
}

diagnostic_codes! {
    // Files and directories.
    /// A path given to the loader does not exist.
    NotFound = "huntctl::not_found",
    /// A file or directory exists but could not be read (permissions, I/O error).
    CannotRead = "huntctl::cannot_read",
    /// A directory holds no `*.yaml`, `*.yml` or `*.csv` file directly inside it.
    NoFiles = "huntctl::no_files",
    /// A file's extension is none of `.yaml`, `.yml`, `.csv`, so its format is unknown.
    UnsupportedFile = "huntctl::unsupported_file",
    /// A YAML file, or a CSV cell, is not valid UTF-8.
    NotUtf8 = "huntctl::not_utf8",
    /// A YAML file holds no hunt groups at all: empty, only comments, or `null` (a warning).
    EmptyFile = "huntctl::empty_file",

    // YAML structure.
    /// The text is not one valid YAML document (syntax, more than one document, an alias
    /// without its anchor, aliases that copy too much, a value that does not match its tag).
    YamlSyntax = "huntctl::yaml_syntax",
    /// A top-level mapping has no `huntGroups:` key.
    NoHuntGroups = "huntctl::no_hunt_groups",
    /// A mapping key is not text (a list, a mapping, a boolean or null used as a key).
    BadKey = "huntctl::bad_key",
    /// The same key appears twice in one mapping.
    DuplicateKey = "huntctl::duplicate_key",
    /// One key is given under both of its spellings, camelCase and snake_case (`groupId` and
    /// `group_id`, `huntGroups` and `hunt_groups`).
    BothSpellings = "huntctl::both_spellings",
    /// A key names no field where it stands (top level, hunt group, serviceInstanceProfile,
    /// department or agent).
    UnknownField = "huntctl::unknown_field",

    // CSV structure.
    /// A CSV file has no rows, not even the header row.
    CsvEmpty = "huntctl::csv_empty",
    /// The CSV reader could not read a record.
    CsvSyntax = "huntctl::csv_syntax",
    /// A header appears twice in the header row.
    DuplicateColumn = "huntctl::duplicate_column",
    /// An array column's index is malformed (`agentUserId[x]` instead of `agentUserId[0]`).
    BadColumn = "huntctl::bad_column",
    /// A header names no hunt group column.
    UnknownColumn = "huntctl::unknown_column",
    /// The header row lacks the column of a required field (reported once, for the header,
    /// instead of on every row).
    MissingColumn = "huntctl::missing_column",
    /// The reference template's type-hint row (`string`, `none | string`, …) was skipped (a
    /// warning).
    TypeHintRow = "huntctl::type_hint_row",
    /// A row has more cells than the header has columns.
    ExtraCell = "huntctl::extra_cell",
    /// A list cell (`serviceInstanceProfile.alias[N]`, `agentUserId[N]`, `agentWeight[N]`) is
    /// `null`; an empty cell is how a list item is left out.
    NullInList = "huntctl::null_in_list",
    /// An `agentWeight[N]` cell is filled in but its `agentUserId[N]` is empty.
    WeightWithoutAgent = "huntctl::weight_without_agent",

    // Values, in either format.
    /// A required value is missing: a required field, an agent's userId, a department's name.
    MissingField = "huntctl::missing_field",
    /// A hunt group has no agent: agentUserId is missing, `null` or an empty list.
    NoAgents = "huntctl::no_agents",
    /// A value has the wrong type (text where a boolean is expected, a list where a mapping
    /// is, …), including text that only YAML 1.1 reads as a boolean or number.
    WrongType = "huntctl::wrong_type",
    /// A required field is `null`.
    NullRequired = "huntctl::null_required",
    /// A field that has a default is `null`: leaving it out gives the default, it cannot be
    /// absent.
    NullDefaulted = "huntctl::null_defaulted",
    /// A text is shorter or longer than its OCI-P type allows.
    Length = "huntctl::length",
    /// A text breaks its field's rule (a user id without a domain, a number that is not a
    /// phone number, an extension that is not digits, a department whose name is `null`, …).
    BadValue = "huntctl::bad_value",
    /// A text holds a character XML 1.0 cannot carry (a control character other than tab,
    /// line feed and carriage return, U+FFFE, U+FFFF, a lone surrogate): no OCI-P document can
    /// hold it, so a server would refuse the request.
    BadCharacter = "huntctl::bad_character",
    /// A number is outside its field's range.
    OutOfRange = "huntctl::out_of_range",
    /// The policy is not one of the hunt group policies.
    UnknownPolicy = "huntctl::unknown_policy",
    /// The `operation` column or key is something other than `hunt.group.create`.
    BadOperation = "huntctl::bad_operation",
    /// A hunt group has more aliases than BroadWorks keeps.
    TooManyAliases = "huntctl::too_many_aliases",
    /// One agent is listed twice in a hunt group (user ids compare case-insensitively).
    DuplicateAgent = "huntctl::duplicate_agent",
    /// Agent weights are given for a hunt group whose policy is not Weighted.
    WeightNotWeighted = "huntctl::weight_not_weighted",
    /// A forwarding or DNH block is given, and so is `services:`, without the block's service.
    ServiceNotListed = "huntctl::service_not_listed",
    /// Two Call Forwarding Selective criteria of one hunt group have the same name.
    DuplicateCriterion = "huntctl::duplicate_criterion",

    // Secrets.
    /// A password's secret reference is malformed (`{env: }`, `{vault: x}`, `env:` in CSV).
    BadSecretRef = "huntctl::bad_secret_ref",
    /// A password's secret reference cannot be read: the environment variable is not set (or
    /// empty), the file cannot be read (or is empty).
    SecretUnavailable = "huntctl::secret_unavailable",
    /// A hunt group password is written in clear in a file (a warning, once per file).
    PasswordInClear = "huntctl::password_in_clear",
    // Across files.
    /// Two hunt groups have the same serviceUserId, in one file or across the files loaded
    /// together.
    DuplicateHuntGroup = "huntctl::duplicate_hunt_group",

    // Lifecycle: ignore, renamedFrom, protect.
    /// An `ignore:` path that is not a field, or names a field that cannot be ignored (the
    /// hunt group's key).
    BadIgnore = "huntctl::bad_ignore",
    /// A `renamedFrom` that is not a user id, is the hunt group's own id or another desired
    /// hunt group's, or is given by two hunt groups.
    BadRename = "huntctl::bad_rename",
    /// A `protect:` that is not a list of serviceUserId patterns, or is not where it applies.
    BadProtect = "huntctl::bad_protect",
}

impl std::fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::DiagnosticCode;

    fn snake_case(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                if !out.is_empty() {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn every_string_is_huntctl_and_the_variant_name_in_snake_case() {
        // A string can then change only with its variant's name, never by a slip in one place,
        // and two variants cannot share a string.
        for &code in DiagnosticCode::ALL {
            let want = format!("huntctl::{}", snake_case(&format!("{code:?}")));
            assert_eq!(code.as_str(), want);
            assert_eq!(code.to_string(), want);
        }
    }
}
