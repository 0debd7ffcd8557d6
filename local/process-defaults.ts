/**
 * Powertools' own switches for a process that runs the local stack (`npm start`,
 * `vap-dispatcher start`, the benches): no EMF metrics on stdout, no X-Ray, warnings only.
 * Powertools reads them when its logger, metrics and tracer are made, so an entry point
 * imports this module first, for its effect (ES modules run in import order). They
 * configure the library, not the exchange: every setting of ours travels as values
 * (local/stack.ts). A variable already set is kept.
 *
 * AWS_XRAY_MANUAL_MODE: the X-Ray SDK (loaded by the Powertools tracer) otherwise enables
 * an async hook with destroy tracking on every promise at import, tracing or not; with
 * tracing off that hook only costs (bench:payments: ≈ 10% of the stack's CPU, 227 → 294
 * webhook acknowledgements/s). The cloud traces, so it keeps the SDK's automatic mode.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
