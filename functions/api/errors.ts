/**
 * Every error code the API can answer, with its status: the platform's and each context's
 * tables composed. A code defined twice must mean the same status (checked by the type
 * below and by test/unit/architecture.test.ts); the OpenAPI document lists these codes.
 */
import { PLATFORM_ERRORS } from '../platform/errors.ts';
import { LEDGER_ERRORS } from '../ledger/errors.ts';
import { MARKET_ERRORS } from '../market/errors.ts';
import { JOBS_ERRORS } from '../jobs/errors.ts';
import { PROVIDERS_ERRORS } from '../providers/errors.ts';
import { PAYMENTS_ERRORS } from '../payments/errors.ts';
import { PRIVACY_ERRORS } from '../privacy/errors.ts';
import { CONTROL_PLANE_ERRORS } from '../control-plane/errors.ts';
import { ARTIFACTS_ERRORS } from '../artifacts/errors.ts';

export const CONTEXT_ERRORS = {
  platform: PLATFORM_ERRORS,
  ledger: LEDGER_ERRORS,
  market: MARKET_ERRORS,
  jobs: JOBS_ERRORS,
  providers: PROVIDERS_ERRORS,
  payments: PAYMENTS_ERRORS,
  privacy: PRIVACY_ERRORS,
  'control-plane': CONTROL_PLANE_ERRORS,
  artifacts: ARTIFACTS_ERRORS,
} as const;

export const ERROR_STATUS = {
  ...PLATFORM_ERRORS,
  ...LEDGER_ERRORS,
  ...MARKET_ERRORS,
  ...JOBS_ERRORS,
  ...PROVIDERS_ERRORS,
  ...PAYMENTS_ERRORS,
  ...PRIVACY_ERRORS,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
