//! `cargo run --example ocip-validate -- FILE...`: checks every OCI-P document in the files (one
//! document, or a stream as recorded by `huntctl sandbox --record`) against the vendored R25 schema.
//! Exit 0 when all are valid, 1 when any is not, 2 when xmllint is missing.

#[path = "../tests/it/support/ocip_schema.rs"]
#[allow(dead_code)] // the example uses only part of the tests' helper
mod ocip_schema;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: cargo run --example ocip-validate -- FILE...");
        std::process::exit(2);
    }
    let mut bad = false;
    for f in &files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{f}: {e}");
                std::process::exit(2);
            }
        };
        match ocip_schema::validate_stream(&bytes) {
            None => std::process::exit(2),
            Some(r) => {
                println!("{f}: {r}");
                bad |= !r.is_valid();
            }
        }
    }
    std::process::exit(i32::from(bad));
}
