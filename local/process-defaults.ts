/**
 * Powertools' own switches for a process that runs the local stack (`npm start`,
 * `vap-dispatcher start`, the benches): no EMF metrics on stdout, no X-Ray, warnings only.
 * Powertools reads them when its logger, metrics and tracer are made, so an entry point
 * imports this module first, for its effect (ES modules run in import order). They
 * configure the library, not the exchange: every setting of ours travels as values
 * (local/stack.ts). A variable already set is kept.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
