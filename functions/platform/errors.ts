/**
 * Typed errors with a stable `code` and the HTTP status it maps to. Each bounded context
 * owns its codes in `<context>/errors.ts` (a table code → status, and the constructor
 * `errorsOf` makes from it, so a code missing from the table fails to compile); the
 * platform owns the ones every context shares (request shape, auth, idempotency,
 * concurrency). functions/api/errors.ts composes them into the one table the OpenAPI
 * document lists. Business rejections read as facts (`insufficient_funds`,
 * `exists_with_different_payload`).
 */
export const PLATFORM_ERRORS = {
  // request shape
  validation_failed: 400,
  malformed_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  // auth and visibility
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  // idempotency and concurrency
  exists_with_different_payload: 409,
  conflict: 409,
  // the exchange's own fault
  internal: 500,
} as const;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

/** An error table: code → HTTP status. */
export type ErrorTable = Readonly<Record<string, number>>;

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  /** A platform code (its status from PLATFORM_ERRORS). Contexts make theirs with `errorsOf`. */
  constructor(code: PlatformErrorCode, message: string, extra?: Record<string, unknown>);
  constructor(code: string, message: string, extra: Record<string, unknown>, status: number);
  constructor(
    readonly code: string,
    message: string,
    /** Extra members for the problem+json body (for example `issues`, `currentPrice`). */
    readonly extra: Record<string, unknown> = {},
    status?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status ?? PLATFORM_ERRORS[code as PlatformErrorCode];
  }
}

/** The error constructor of a context's table: only its codes compile, each with its status. */
export function errorsOf<T extends ErrorTable>(table: T) {
  return (code: keyof T & string, message: string, extra: Record<string, unknown> = {}): AppError => new AppError(code, message, extra, table[code]!);
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);

/** RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
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
