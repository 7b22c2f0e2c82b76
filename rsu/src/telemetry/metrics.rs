//! The service's metrics, registered once as handles.
