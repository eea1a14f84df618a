#!/usr/bin/env bash
# Fuzz smoke run for CI: every target for $FUZZ_SECONDS (default 30) seconds from the committed
# seed corpora. Installs cargo-fuzz when missing. Works on stable Rust: libFuzzer's
# instrumentation needs `-Z` flags, which RUSTC_BOOTSTRAP=1 allows; no sanitizer is used
# (safe Rust: panics, hangs and out-of-memory are what we look for).
# New inputs go to a temporary directory, so the committed corpora stay as they are.
# Exit status: non-zero when any target finds a crash, a hang or fails to build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-30}"
targets=(yaml_loader csv_loader ocip_response sandbox_request)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi
if ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi

cargo fuzz build -s none

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t"
    extra=()
    case "$t" in
        ocip_response | sandbox_request) extra=(-dict="$here/xml.dict") ;;
    esac
    echo "== $t: ${seconds}s"
    if ! cargo fuzz run -s none "$t" "$scratch/$t" "$here/corpus/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${extra[@]}" \
        2>"$scratch/$t.log"; then
        failed+=("$t")
        tail -n 40 "$scratch/$t.log"
    else
        grep -E "^(#[0-9]+\s+DONE|Done [0-9]+ runs)" "$scratch/$t.log" | tail -n 1 || true
    fi
done
if ((${#failed[@]})); then
    echo "fuzz smoke failed: ${failed[*]} (reproducers in $here/artifacts/)"
    exit 1
fi
echo "fuzz smoke: all ${#targets[@]} targets ran ${seconds}s without findings"
