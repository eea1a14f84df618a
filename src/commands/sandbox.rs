//! `huntctl sandbox`: runs the OCI-P sandbox in the foreground until Ctrl-C.

use crate::cli::SandboxArgs;
use crate::error::{Error, Result};
use huntctl_sandbox::{start, FaultRule, SandboxConfig};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

fn addr(s: &str, flag: &str) -> Result<SocketAddr> {
    use std::net::ToSocketAddrs;
    s.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{flag} {s:?} is not an address such as 127.0.0.1:2208"
            ))
        })
}

/// Runs the sandbox.
pub fn run(args: SandboxArgs) -> Result<ExitCode> {
    let faults = args
        .fault
        .iter()
        .map(|f| FaultRule::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(e.to_string()))?;
    let config = SandboxConfig {
        tcp_listen: Some(addr(&args.listen, "--listen")?),
        tls_listen: args
            .tls_listen
            .as_deref()
            .map(|a| addr(a, "--tls-listen"))
            .transpose()?,
        soap_listen: args
            .soap_listen
            .as_deref()
            .map(|a| addr(a, "--soap-listen"))
            .transpose()?,
        state_path: args.state.clone(),
        seed: args.seed.clone(),
        reset: args.reset,
        user: args.user.clone(),
        password: args.password.clone(),
        latency: Duration::from_millis(args.latency_ms),
        record: args.record.clone(),
        faults,
        compact_every: args.compact_every,
    };
    // A server, unlike the client's runtime (ops::runtime): a worker per core.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    rt.block_on(async move {
        let handle = start(config).await?;
        if let Some(r) = handle.recovery() {
            eprintln!("huntctl sandbox: {r}");
        }
        if let (Some(path), Some(pem)) = (&args.cert_out, handle.cert_pem()) {
            std::fs::write(path, pem)
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        }
        if let Some(a) = handle.tcp_addr() {
            println!("huntctl sandbox listening on tcp://{a}");
        }
        if let Some(a) = handle.tls_addr() {
            println!("huntctl sandbox listening on tls://{a}");
        }
        if let Some(u) = handle.soap_url() {
            println!("huntctl sandbox listening on {u}");
        }
        println!(
            "state: {} (user {:?}); Ctrl-C stops",
            args.state.display(),
            args.user
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| Error::io("cannot wait for Ctrl-C", e))?;
        handle.shutdown().await;
        println!("huntctl sandbox stopped");
        Ok(ExitCode::SUCCESS)
    })
}
