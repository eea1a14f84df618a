//! The stable codes of desired-state diagnostics.
//!
//! A code names the kind of problem independently of its wording: messages may be reworded,
//! codes may not. Their strings are an interface read by machines — the `code` of every item
//! of [`super::Diagnostics::to_json`], the Python package's `.diagnostics`, and whoever
//! matches on them — so a string, once published, never changes; a new kind of problem gets a
//! new variant.

/// What kind of problem a [`super::Diagnostic`] reports; [`DiagnosticCode::as_str`] is the
/// stable string (`huntctl::missing_field`) that JSON output and the Python package carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagnosticCode {
    // Files and directories.
    /// A path given to the loader does not exist.
    NotFound,
    /// A file or directory exists but could not be read (permissions, I/O error).
    CannotRead,
    /// A directory holds no `*.yaml`, `*.yml` or `*.csv` file directly inside it.
    NoFiles,
    /// A file's extension is none of `.yaml`, `.yml`, `.csv`, so its format is unknown.
    UnsupportedFile,
    /// A YAML file, or a CSV cell, is not valid UTF-8.
    NotUtf8,
    /// A YAML file holds no hunt groups at all: empty, only comments, or `null` (a warning).
    EmptyFile,

    // YAML structure.
    /// The text is not one valid YAML document (syntax, more than one document, an alias
    /// without its anchor, aliases that copy too much, a value that does not match its tag).
    YamlSyntax,
    /// A top-level mapping has no `huntGroups:` key.
    NoHuntGroups,
    /// A mapping key is not text (a list, a mapping, a boolean or null used as a key).
    BadKey,
    /// The same key appears twice in one mapping.
    DuplicateKey,
    /// One key is given under both of its spellings, camelCase and snake_case (`groupId` and
    /// `group_id`, `huntGroups` and `hunt_groups`).
    BothSpellings,
    /// A key names no field where it stands (top level, hunt group, serviceInstanceProfile,
    /// department or agent).
    UnknownField,

    // CSV structure.
    /// A CSV file has no rows, not even the header row.
    CsvEmpty,
    /// The CSV reader could not read a record.
    CsvSyntax,
    /// A header appears twice in the header row.
    DuplicateColumn,
    /// An array column's index is malformed (`agentUserId[x]` instead of `agentUserId[0]`).
    BadColumn,
    /// A header names no hunt group column.
    UnknownColumn,
    /// The header row lacks the column of a required field (reported once, for the header,
    /// instead of on every row).
    MissingColumn,
    /// The reference template's type-hint row (`string`, `none | string`, …) was skipped (a
    /// warning).
    TypeHintRow,
    /// A row has more cells than the header has columns.
    ExtraCell,
    /// A list cell (`serviceInstanceProfile.alias[N]`, `agentUserId[N]`, `agentWeight[N]`) is
    /// `null`; an empty cell is how a list item is left out.
    NullInList,
    /// An `agentWeight[N]` cell is filled in but its `agentUserId[N]` is empty.
    WeightWithoutAgent,

    // Values, in either format.
    /// A required value is missing: a required field, an agent's userId, a department's name.
    MissingField,
    /// A hunt group has no agent: agentUserId is missing, `null` or an empty list.
    NoAgents,
    /// A value has the wrong type (text where a boolean is expected, a list where a mapping
    /// is, …), including text that only YAML 1.1 reads as a boolean or number.
    WrongType,
    /// A required field is `null`.
    NullRequired,
    /// A field that has a default is `null`: leaving it out gives the default, it cannot be
    /// absent.
    NullDefaulted,
    /// A text is shorter or longer than its OCI-P type allows.
    Length,
    /// A text breaks its field's rule (a user id without a domain, a number that is not a
    /// phone number, an extension that is not digits, a department whose name is `null`, …).
    BadValue,
    /// A number is outside its field's range.
    OutOfRange,
    /// The policy is not one of the hunt group policies.
    UnknownPolicy,
    /// The `operation` column or key is something other than `hunt.group.create`.
    BadOperation,
    /// A hunt group has more aliases than BroadWorks keeps.
    TooManyAliases,
    /// One agent is listed twice in a hunt group (user ids compare case-insensitively).
    DuplicateAgent,
    /// Agent weights are given for a hunt group whose policy is not Weighted.
    WeightNotWeighted,

    // Across files.
    /// Two hunt groups have the same serviceUserId, in one file or across the files loaded
    /// together.
    DuplicateHuntGroup,
}

impl DiagnosticCode {
    /// The stable string, `huntctl::` and the variant's name in snake_case.
    pub const fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::NotFound => "huntctl::not_found",
            DiagnosticCode::CannotRead => "huntctl::cannot_read",
            DiagnosticCode::NoFiles => "huntctl::no_files",
            DiagnosticCode::UnsupportedFile => "huntctl::unsupported_file",
            DiagnosticCode::NotUtf8 => "huntctl::not_utf8",
            DiagnosticCode::EmptyFile => "huntctl::empty_file",
            DiagnosticCode::YamlSyntax => "huntctl::yaml_syntax",
            DiagnosticCode::NoHuntGroups => "huntctl::no_hunt_groups",
            DiagnosticCode::BadKey => "huntctl::bad_key",
            DiagnosticCode::DuplicateKey => "huntctl::duplicate_key",
            DiagnosticCode::BothSpellings => "huntctl::both_spellings",
            DiagnosticCode::UnknownField => "huntctl::unknown_field",
            DiagnosticCode::CsvEmpty => "huntctl::csv_empty",
            DiagnosticCode::CsvSyntax => "huntctl::csv_syntax",
            DiagnosticCode::DuplicateColumn => "huntctl::duplicate_column",
            DiagnosticCode::BadColumn => "huntctl::bad_column",
            DiagnosticCode::UnknownColumn => "huntctl::unknown_column",
            DiagnosticCode::MissingColumn => "huntctl::missing_column",
            DiagnosticCode::TypeHintRow => "huntctl::type_hint_row",
            DiagnosticCode::ExtraCell => "huntctl::extra_cell",
            DiagnosticCode::NullInList => "huntctl::null_in_list",
            DiagnosticCode::WeightWithoutAgent => "huntctl::weight_without_agent",
            DiagnosticCode::MissingField => "huntctl::missing_field",
            DiagnosticCode::NoAgents => "huntctl::no_agents",
            DiagnosticCode::WrongType => "huntctl::wrong_type",
            DiagnosticCode::NullRequired => "huntctl::null_required",
            DiagnosticCode::NullDefaulted => "huntctl::null_defaulted",
            DiagnosticCode::Length => "huntctl::length",
            DiagnosticCode::BadValue => "huntctl::bad_value",
            DiagnosticCode::OutOfRange => "huntctl::out_of_range",
            DiagnosticCode::UnknownPolicy => "huntctl::unknown_policy",
            DiagnosticCode::BadOperation => "huntctl::bad_operation",
            DiagnosticCode::TooManyAliases => "huntctl::too_many_aliases",
            DiagnosticCode::DuplicateAgent => "huntctl::duplicate_agent",
            DiagnosticCode::WeightNotWeighted => "huntctl::weight_not_weighted",
            DiagnosticCode::DuplicateHuntGroup => "huntctl::duplicate_hunt_group",
        }
    }
}

impl std::fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::DiagnosticCode::{self, *};

    /// Every variant: a new one belongs here too, so that the test below covers it.
    const ALL: [DiagnosticCode; 36] = [
        NotFound,
        CannotRead,
        NoFiles,
        UnsupportedFile,
        NotUtf8,
        EmptyFile,
        YamlSyntax,
        NoHuntGroups,
        BadKey,
        DuplicateKey,
        BothSpellings,
        UnknownField,
        CsvEmpty,
        CsvSyntax,
        DuplicateColumn,
        BadColumn,
        UnknownColumn,
        MissingColumn,
        TypeHintRow,
        ExtraCell,
        NullInList,
        WeightWithoutAgent,
        MissingField,
        NoAgents,
        WrongType,
        NullRequired,
        NullDefaulted,
        Length,
        BadValue,
        OutOfRange,
        UnknownPolicy,
        BadOperation,
        TooManyAliases,
        DuplicateAgent,
        WeightNotWeighted,
        DuplicateHuntGroup,
    ];

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
        for code in ALL {
            let want = format!("huntctl::{}", snake_case(&format!("{code:?}")));
            assert_eq!(code.as_str(), want);
            assert_eq!(code.to_string(), want);
        }
    }
}
