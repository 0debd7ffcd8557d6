// Quiet, deterministic Powertools in tests: no EMF output, no X-Ray, warnings only.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_XRAY_MANUAL_MODE = 'true'; // no async hook on every promise (local/process-defaults.ts)
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.VRACU_VALIDATE_RESPONSES = 'true';
process.env.AWS_REGION ??= 'us-east-1';
