//! The CSV loader must turn any text into hunt groups or diagnostics, never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match huntctl::desired::load_str("fuzz.csv", text) {
        Ok(state) => {
            let _ = huntctl::desired::to_csv(&state.hunt_groups);
        }
        Err(diags) => {
            let _ = diags.render(false);
        }
    }
});
