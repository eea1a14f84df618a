//! The YAML loader must turn any text into hunt groups or diagnostics, never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match huntctl::desired::load_str("fuzz.yaml", text) {
        Ok(state) => {
            // Whatever loads must write back out without panicking.
            let _ = huntctl::desired::to_yaml(&state.hunt_groups);
        }
        Err(diags) => {
            // Rendering resolves spans against the text: it must not slice out of bounds.
            let _ = diags.render(false);
        }
    }
});
