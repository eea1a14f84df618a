//! The plan: desired × current → changes, and its renderers.
