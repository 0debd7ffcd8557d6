/**
 * Typed domain errors. Every error the API can return has a stable `code`; the one map
 * below gives each code its HTTP status, so adding a code without a status fails to compile.
 * Business rejections read as facts (`insufficient_funds`, `exists_with_different_payload`).
 */
export const ERROR_STATUS = {
  // request shape
  validation_failed: 400,
  malformed_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  // auth
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  // idempotency and concurrency
  exists_with_different_payload: 409,
  conflict: 409,
  rate_limited: 429,
  // ledger
  insufficient_funds: 409,
  account_not_found: 404,
  // market
  unknown_provider: 404,
  unknown_tenor: 400,
  quote_expired: 410,
  quote_not_found: 404,
  price_drifted: 409,
  capacity_exhausted: 409,
  rc_not_active: 409,
  rc_not_owned: 403,
  listing_not_open: 409,
  listing_exceeds_available: 409,
  trade_exceeds_listing: 409,
  self_trade: 409,
  // jobs
  unknown_adapter: 400,
  invalid_spec: 400,
  policy_denied: 403,
  image_not_allowed: 403,
  quota_exceeded: 409,
  job_not_cancellable: 409,
  agent_not_found: 404,
  agent_exists: 409,
  // platform
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra members for the problem+json body (for example `issues`, `currentPrice`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);

/** RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  [k: string]: unknown;
}

export function toProblem(err: AppError, instance?: string): Problem {
  return {
    type: `https://errors.vracu.dev/${err.code}`,
    title: err.code.replace(/_/g, ' '),
    status: err.status,
    code: err.code,
    detail: err.message,
    ...(instance ? { instance } : {}),
    ...err.extra,
  };
}
