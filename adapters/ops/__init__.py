"""Running okrbot in production: readiness, Prometheus metrics, request ids and structured logs."""
