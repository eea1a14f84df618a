//! The sandbox: an OCI-P server that behaves like BroadWorks for hunt groups.
