//! The Prometheus scrape endpoint: GET /metrics.
