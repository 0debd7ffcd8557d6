/**
 * The scheduled ledger check. Emits `ledgerInvariantViolations` (0 when all is well) so an
 * alarm on `> 0` fires; logs the report; returns it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../../platform/observability.ts';
import { scheduled } from '../../platform/scheduled.ts';
import { checkRuntimeLedger, reportJson } from '../usecases/check.ts';
import { ledgerContext } from '../deps.ts';

export const LEDGER_VIOLATIONS_METRIC = 'ledgerInvariantViolations';
/** Flagged accounts too busy to verify in this run (not violations; watched for persistence). */
export const LEDGER_UNVERIFIED_METRIC = 'ledgerUnverifiedAccounts';

export const handler = scheduled(
  ledgerContext,
  'ledger check',
  async (d) => {
    const report = reportJson(await checkRuntimeLedger(d.rt));
    metrics.addMetric(LEDGER_VIOLATIONS_METRIC, MetricUnit.Count, report.violations);
    metrics.addMetric(LEDGER_UNVERIFIED_METRIC, MetricUnit.Count, report.unverified.length);
    if (report.ok && report.unverified.length > 0) logger.warn('ledger check could not verify busy accounts', { unverified: report.unverified });
    if (!report.ok) logger.error('ledger invariant violated', { report });
    return report;
  },
  (report) => report.ok,
);
