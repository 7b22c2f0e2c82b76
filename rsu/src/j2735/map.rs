//! J2735 MapData: built from the intersection model, or loaded from a file.
