//! Command-line definitions (clap). No logic here: see `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Manage Cisco BroadWorks hunt groups as code.
///
/// Keep hunt group definitions in git as YAML or CSV; `huntctl plan` shows what would change on
/// the BroadWorks server, `huntctl apply` carries it out.
#[derive(Debug, Parser)]
#[command(name = "huntctl", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More logging on stderr (-v: info, -vv: debug incl. every OCI-P document, passwords masked).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check desired-state files offline and report every problem.
    Validate(ValidateArgs),
    /// Show what apply would change on the server (a dry run).
    Plan(PlanArgs),
    /// Carry out the plan and report a result per hunt group.
    Apply(ApplyArgs),
    /// Run the OCI-P sandbox server (behaves like BroadWorks for hunt groups).
    #[command(after_long_help = sandbox_help())]
    Sandbox(SandboxArgs),
    /// Write the hunt groups on the server as desired-state files.
    Export(ExportArgs),
    /// Convert desired-state files between YAML and CSV, without a server.
    Convert(ConvertArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// Output format for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DiagnosticFormat {
    /// Human-readable, with source snippets.
    #[default]
    Text,
    /// One JSON document, for CI annotations.
    Json,
}

/// `huntctl validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories (all *.yaml, *.yml, *.csv inside, sorted).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagnosticFormat,
}

/// How to reach and log in to BroadWorks; shared by every command that talks to a server.
/// A setting left out here comes from its BROADWORKS_* variable, else from the named server
/// of huntctl.toml, else from the default shown.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// A server named in huntctl.toml (found in the current directory or its parents);
    /// otherwise HUNTCTL_SERVER, otherwise the file's default-server.
    #[arg(long, value_name = "NAME", conflicts_with = "sandbox")]
    pub server: Option<String>,
    /// Server URL: tcp://host:2208, tls://host:2209, https://host/webservice/services/ProvisioningService or http://…
    #[arg(long, env = "BROADWORKS_URL", value_name = "URL")]
    pub url: Option<String>,
    /// Administrator user id.
    #[arg(long, env = "BROADWORKS_USER", value_name = "USER")]
    pub user: Option<String>,
    /// Read the password from this file (otherwise from BROADWORKS_PASSWORD; never a command-line value).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Start an embedded sandbox on a loopback port and talk to it (the default state file).
    #[arg(long, conflicts_with = "url")]
    pub sandbox: bool,
    /// Trust this CA certificate (PEM) for tls:// and https:// in addition to the system roots.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Do not verify the server's TLS certificate. Dangerous: anyone on the path can read the password.
    #[arg(long)]
    pub insecure: bool,
    /// Force a login flow instead of choosing by transport.
    #[arg(long, value_enum)]
    pub login: Option<LoginFlow>,
    /// Logged-in sessions used concurrently [default: 4].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: Option<u16>,
    /// Commands per OCI-P document (1–15) [default: 15].
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=15))]
    pub batch_size: Option<u8>,
    /// Seconds to wait for a connection [default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for each reply [default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
}

impl ConnectionArgs {
    /// True when these arguments (or BROADWORKS_URL, which clap reads into --url) name a
    /// server: `apply --plan` then checks it against the plan's.
    pub fn names_server(&self) -> bool {
        self.sandbox
            || self.url.is_some()
            || self.server.is_some()
            || std::env::var(huntctl_core::config::SERVER_ENV).is_ok_and(|v| !v.trim().is_empty())
    }
}

/// Which login flow to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoginFlow {
    /// AuthenticationRequest + LoginRequest14sp4 (nonce, signed password).
    Signed,
    /// LoginRequest22V5 (plain password; for TLS/HTTPS).
    Plain,
}

/// Plan output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlanFormat {
    /// Terraform-like text.
    #[default]
    Text,
    /// Versioned JSON document.
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// Which hunt groups a plan looks at.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Selection")]
pub struct SelectionArgs {
    /// Only these serviceUserIds (repeatable, `*` globs).
    #[arg(long, value_name = "ID")]
    pub target: Vec<String>,
    /// Leave out these serviceUserIds (repeatable, `*` globs).
    #[arg(long, value_name = "ID")]
    pub exclude: Vec<String>,
    /// Also delete hunt groups that exist in a managed group but not in the desired state.
    #[arg(long)]
    pub prune: bool,
}

/// `huntctl plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Files or directories of desired state.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: PlanFormat,
    /// Save the plan (with a fingerprint of the state it was made against) for `apply --plan`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when there are changes (0 none, 1 error or predicted refusal): a drift detector.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Do not read the group's users, free numbers and extensions to predict the server's refusals.
    #[arg(long)]
    pub no_preflight: bool,
    /// Server connection.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Selection.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `huntctl apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Files or directories of desired state (not with --plan).
    #[arg(
        value_name = "PATH",
        required_unless_present = "plan",
        conflicts_with = "plan"
    )]
    pub paths: Vec<PathBuf>,
    /// Apply a plan saved by `plan --out` (refused when the server state has moved since).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation (needed when not on a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Apply even when the plan deletes more than the threshold.
    #[arg(long)]
    pub force: bool,
    /// Refuse plans deleting more than this percentage of the existing hunt groups in the managed groups.
    #[arg(long, default_value_t = 30, value_name = "PERCENT")]
    pub delete_threshold: u8,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagnosticFormat,
    /// Do not predict the server's refusals before writing (see `plan --no-preflight`).
    #[arg(long)]
    pub no_preflight: bool,
    /// Write the undo plan here instead of .huntctl/undo/(UTC timestamp).json.
    #[arg(long, value_name = "FILE")]
    pub undo_out: Option<PathBuf>,
    /// Server connection.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Selection.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Long help of `huntctl sandbox`: login, error codes (listed from the sandbox's own table of
/// the codes it answers with), fault rules, state file format.
pub fn sandbox_help() -> String {
    [
        SANDBOX_HELP_LOGIN,
        &crate::sandbox::codes::help(),
        SANDBOX_HELP_REST,
    ]
    .concat()
}

const SANDBOX_HELP_LOGIN: &str = "\
LOGIN
  Plain TCP: AuthenticationRequest, then LoginRequest14sp4 with
  signedPassword = hex(md5(nonce \":\" hex(sha1(password)))). TLS and SOAP also accept
  LoginRequest22V5 (plain password); plain TCP refuses it. Commands before login get
  [Error 5404]; a wrong password [Error 4962]. SOAP keeps the login in the JSESSIONID cookie.

";

const SANDBOX_HELP_REST: &str = "
FAULT RULES (--fault, repeatable)
  Counted commands are hunt group commands (not login/logout), over all connections since
  start, from 1. A numbered rule fires once, on the document holding the N-th command.
  close-after=N        run that document (and persist it), close without replying
  drop-before=N        close on receiving that document, without running it
  stall-after=N        never answer that document (not run); the connection stays open
  malformed-after=N    run it, reply with a document that is not well-formed XML
  wrong-count-after=N  run it, reply with one response too few
  error=GLOB:CODE      commands whose serviceUserId matches GLOB answer [Error CODE]
                       without running (every time)
  write-error=GLOB:CODE  the same for write commands only (reads still work)
  KIND=write:N         a numbered rule counting only write commands (add, modify,
                       weights, delete), e.g. close-after=write:3
  Over SOAP a closed connection is an HTTP 503 with no SOAP body.
  --record FILE appends every received document, password elements masked as ********.

STATE FILE (JSON) AND JOURNAL (FILE.journal, JSON lines)
  Every write is appended to the journal and fsync'd before its reply (documents arriving
  together share one fsync), so a write costs the same however large the state. The state
  file is a snapshot, rewritten atomically (temp file + rename) in the background once the
  journal outgrows it (--compact-every), at start-up when a journal is left over, and at a
  clean stop (which removes the journal). kill -9 loses no acknowledged write: the next start
  reads the state file, applies the journal and folds it in. State files without
  journalSeq (written before the journal existed) load as they are.
  Journal: one record a line, each a complete JSON object ending in a newline:
    {\"seq\": 7, \"put\": {\"serviceProviderId\": \"SP\", \"groupId\": \"G\",
                      \"huntGroup\": {...the hunt group in full, as below}}}
    {\"seq\": 8, \"delete\": \"sales-hunt@company.com\"}
    {\"seq\": 9, \"puts\": [{...as put}, {...}]}   (one command that changed several hunt
                                             groups: the active-instance-list request)
  seq counts writes; the state file's journalSeq is the last it holds (records up to it are
  skipped). put adds the hunt group at the end of its group, or replaces it in place. A last
  line without its newline or that does not parse is a write cut short by a crash (never
  acknowledged) and is dropped; a bad line before the last, or a gap in seq, is an error.
  State file:
  {\"formatVersion\": 1, \"journalSeq\": 0,
   \"serviceProviders\": [{\"id\": \"MyServiceProvider\", \"departments\": [\"Corporate\"],
     \"groups\": [{
     \"id\": \"SalesGroup\", \"countryCode\": \"1\", \"departments\": [\"Sales\"],
     \"phoneNumbers\": [\"2025550100\"],
     \"users\": [{\"userId\": \"john.doe@company.com\", \"lastName\": \"Doe\", \"firstName\": \"John\",
                \"extension\": \"1001\", \"emailAddress\": \"john.doe@company.com\"}],
     \"huntGroups\": [{\"serviceUserId\": \"sales-hunt@company.com\", \"name\": \"Sales Hunt\",
                \"callingLineIdLastName\": \"Sales\", \"callingLineIdFirstName\": \"Team\",
                \"phoneNumber\": \"2025550100\", \"extension\": \"0100\", \"alias\": [],
                \"policy\": \"Regular\", \"agents\": [{\"userId\": \"john.doe@company.com\", \"weight\": 0}],
                \"isActive\": true,
                ...every other field by its OCI-P name; left out = documented default}]}]}]}
  departments: a group's own (GroupDepartmentKey), and at the service provider its
  enterprise departments (EnterpriseDepartmentKey), usable by every group of it.
  schedules: [{\"name\": \"Business Hours\", \"type\": \"Time\"}] (or \"Holiday\") at a group or a
  service provider, referenced by Call Forwarding Selective criteria (levels Group and Service
  Provider). authorizedUserServices: [\"Call Forwarding Always\", ...] at a group: the user
  services it is authorized for (left out: the forwarding services, Directory Number Hunting and
  the usual user services). A hunt group's userServices: {\"assigned\": [...],
  \"callForwardingAlways\": {\"isActive\": true, \"forwardToPhoneNumber\": \"...\"}, ...}, as the
  service commands leave it.
  Phone numbers are kept national with the group's countryCode; passwords are never stored.
  --seed FILE takes the same format.
";

/// `huntctl sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Plain TCP listen address.
    #[arg(long, default_value = "127.0.0.1:2208", value_name = "ADDR")]
    pub listen: String,
    /// Also listen with TLS here (self-signed certificate made at start).
    #[arg(long, value_name = "ADDR")]
    pub tls_listen: Option<String>,
    /// Write the TLS certificate (PEM) here, for --ca-cert.
    #[arg(long, value_name = "FILE")]
    pub cert_out: Option<PathBuf>,
    /// Also serve SOAP (processOCIMessage) over HTTP here.
    #[arg(long, value_name = "ADDR")]
    pub soap_listen: Option<String>,
    /// State file (JSON), created with the seed state when missing.
    #[arg(long, default_value = ".huntctl/sandbox.json", value_name = "FILE")]
    pub state: PathBuf,
    /// Start from this state (same JSON format) instead of the built-in seed.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Replace the state file with the seed state before starting.
    #[arg(long)]
    pub reset: bool,
    /// Administrator user id accepted.
    #[arg(long, default_value = "admin")]
    pub user: String,
    /// Administrator password accepted (a sandbox-only, well-known default).
    #[arg(long, default_value = "admin")]
    pub password: String,
    /// Response time of each document, in milliseconds, counted from its arrival (work overlaps it).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Append every received document to this file.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Fault injection rules (repeatable); see `huntctl sandbox --help`.
    #[arg(long, value_name = "RULE")]
    pub fault: Vec<String>,
    /// Rewrite the state file once the journal holds this many bytes (default: once it is
    /// larger than the state file, at least 4 MiB).
    #[arg(long, value_name = "BYTES")]
    pub compact_every: Option<u64>,
}

/// Export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FileFormat {
    /// YAML, grouped under `defaults:`.
    #[default]
    Yaml,
    /// The reference bulk-sheet CSV.
    Csv,
}

/// `huntctl export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Service provider to export.
    #[arg(long, value_name = "SP")]
    pub service_provider: String,
    /// Groups to export (repeatable); without --group, every group of the service provider.
    #[arg(long, value_name = "G")]
    pub group: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: FileFormat,
    /// Output file or directory (stdout when left out).
    #[arg(short, long, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Server connection.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `huntctl convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Target format.
    #[arg(long, value_enum)]
    pub to: FileFormat,
    /// Output file (stdout when left out).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// `huntctl completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
