//! The sandbox's request parser and store get bytes from any client: any bytes give replies,
//! never a panic. Every reply document the sandbox writes must parse with the client's decoder.
#![no_main]
use huntctl::ocip::messages::Request;
use huntctl::sandbox::decode::decode_request_document;
use huntctl::ocip::decode_response::decode_response_document;
use huntctl::sandbox::encode::response_document;
use huntctl::ocip::messages::Response;
use huntctl::sandbox::seed::seed_state;
use huntctl::sandbox::state::SandboxState;
use huntctl::sandbox::store::Store;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn seed() -> &'static SandboxState {
    static SEED: OnceLock<SandboxState> = OnceLock::new();
    SEED.get_or_init(seed_state)
}

fn is_login(r: &Request) -> bool {
    matches!(
        r,
        Request::Authentication { .. }
            | Request::Login14sp4 { .. }
            | Request::Login22V5 { .. }
            | Request::Logout { .. }
    )
}

fuzz_target!(|data: &[u8]| {
    let (session_id, responses) = match decode_request_document(data) {
        Err(e) => (
            e.session_id.clone().unwrap_or_default(),
            vec![Response::Error(e.to_oci_error())],
        ),
        Ok(doc) => {
            let Ok(mut store) = Store::new(seed().clone()) else {
                return;
            };
            let responses = doc
                .commands
                .iter()
                .map(|c| match c {
                    Err(v) => Response::Error(v.to_oci_error()),
                    Ok(r) if is_login(r) => Response::Success,
                    Ok(r) => store.execute(r).0,
                })
                .collect();
            (doc.session_id, responses)
        }
    };
    let reply = response_document(&session_id, &responses);
    match decode_response_document(&reply) {
        Ok(d) => assert_eq!(d.responses.len(), responses.len(), "reply lost commands"),
        Err(e) => panic!("the sandbox wrote a reply its client cannot read: {e:?}"),
    }
});
