//! Loading desired state from YAML and CSV files, with defaults and validation.
