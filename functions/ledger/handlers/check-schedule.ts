/**
 * The scheduled ledger check. Emits `ledgerInvariantViolations` (0 when all is well) so an
 * alarm on `> 0` fires; logs the report; returns it.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger, metrics } from '../../platform/observability.ts';
import { runtime } from '../../platform/runtime.ts';
import { checkRuntimeLedger, reportJson } from '../check.ts';

export const LEDGER_VIOLATIONS_METRIC = 'ledgerInvariantViolations';
/** Flagged accounts too busy to verify in this run (not violations; watched for persistence). */
export const LEDGER_UNVERIFIED_METRIC = 'ledgerUnverifiedAccounts';

const base = async (_event: ScheduledEvent, _context: Context) => {
  const report = reportJson(await checkRuntimeLedger(runtime()));
  metrics.addMetric(LEDGER_VIOLATIONS_METRIC, MetricUnit.Count, report.violations);
  metrics.addMetric(LEDGER_UNVERIFIED_METRIC, MetricUnit.Count, report.unverified.length);
  if (report.ok && report.unverified.length > 0) logger.warn('ledger check could not verify busy accounts', { unverified: report.unverified });
  if (report.ok) logger.info('ledger check passed', { accounts: report.accounts, transfers: report.transfers, mintedNet: report.mintedNet });
  else logger.error('ledger invariant violated', { report });
  return report;
};

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
