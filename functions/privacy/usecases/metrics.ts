/** The privacy context's EMF metrics: gate failures and session cancellations, counted where they happen. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../../platform/observability.ts';

export type PrivacyMetric = 'attestationFailures' | 'sessionsCancelled' | 'keysReleased';

export function countPrivacy(name: PrivacyMetric): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}
