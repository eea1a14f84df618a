//! OCI-P: the BroadWorks provisioning protocol (codec, sessions, transports, pool).

pub mod commands;
pub mod xml;
