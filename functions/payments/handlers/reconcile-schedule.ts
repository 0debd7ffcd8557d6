import { PAYMENTS_METRICS } from '../../definitions/metrics.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../../platform/observability.ts';
import { scheduled } from '../../platform/scheduled.ts';
import { paymentsContext } from '../deps.ts';
import { reconcileChain } from '../usecases/reconcile.ts';
import { jsonSafe } from '../views.ts';

/** Hourly: the report is logged when there is a chain; `reconcileDifferences` is the alarm's metric. */
export const handler = scheduled(
  paymentsContext,
  'payments-reconcile',
  async (d) => {
    const r = await reconcileChain(d);
    if (r.chain)
      metrics.addMetric(
        PAYMENTS_METRICS.reconcileDifferences,
        MetricUnit.Count,
        r.differences.length + (r.mintParity.ok ? 0 : 1) + (r.payoutParity.ok ? 0 : 1),
      );
    return jsonSafe(r) as Record<string, unknown>;
  },
  (r) => r.chain === true,
);
