/**
 * Metrics the functions emit through Powertools (namespace METRICS_NAMESPACE, dimension
 * `service` = `vracu-<context>`) that the cloud's dashboard and alarms read
 * (lib/stacks/observability.ts): one list, so a renamed metric cannot leave a graph empty.
 */
export const METRICS_NAMESPACE = 'VrAcu';

/** The Powertools service name of a context's functions. */
export const serviceOf = (context: string): string => `vracu-${context}`;

export const PAYMENTS_METRICS = {
  /** A webhook whose signature and timestamp passed. */
  webhooksReceived: 'webhooksReceived',
  /** A webhook refused with a 400 (signature, timestamp, body). */
  webhooksRefused: 'webhooksRefused',
  creditsMinted: 'creditsMinted',
  refundsApplied: 'refundsApplied',
  payoutsPaid: 'payoutsPaid',
  payoutsFailed: 'payoutsFailed',
  /** Each scheduled reconciliation's differences, the two parities counted as one each when they fail. */
  reconcileDifferences: 'reconcileDifferences',
} as const;
