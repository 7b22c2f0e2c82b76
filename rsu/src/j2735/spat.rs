//! J2735 SPaT from controller state: pure functions of the state, the mapping and UTC.
