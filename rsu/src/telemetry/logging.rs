//! Log output: human-readable or JSON lines.
