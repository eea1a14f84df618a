//! The client's reply parser gets bytes from the network: any bytes give a document or an error.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = huntctl::ocip::xml::find_document_end(data);
    let _ = huntctl::ocip::decode_response::decode_response_document(data);
});
