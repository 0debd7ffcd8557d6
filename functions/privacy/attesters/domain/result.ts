/**
 * The one verdict every attester returns (seed §2.2 AttestationResult, with a stable code):
 * expected failures never throw. Where several checks fail at once, the code that comes
 * first in FAILURE_ORDER wins: what we cannot parse, then who signed (the chain), then
 * whether it is signed, then what the signed claims say (docs/attestation.md).
 */
export const FAILURE_ORDER = [
  'malformed',
  'chain_untrusted',
  'wrong_product',
  'revoked_cert',
  'chain_expired',
  'bad_signature',
  'nonce_mismatch',
  'debug_enabled',
  'tcb_too_low',
  'measurement_mismatch',
] as const;

export type FailureCode = (typeof FAILURE_ORDER)[number];

export type EvidenceKind = 'snp' | 'tdx' | 'nvidia';

export type Claims = Record<string, unknown>;

export type Verdict<C extends Claims = Claims> = { valid: true; claims: C } | { valid: false; code: FailureCode; error: string };

export interface Failure {
  code: FailureCode;
  error: string;
}

export const rank = (code: FailureCode): number => FAILURE_ORDER.indexOf(code);

/** The failure that wins under FAILURE_ORDER (the first found among equals). */
export function firstFailure(failures: readonly Failure[]): Failure | undefined {
  let best: Failure | undefined;
  for (const f of failures) if (!best || rank(f.code) < rank(best.code)) best = f;
  return best;
}

/**
 * Collects failures while a verifier runs every check it can, so the documented order, not
 * the order the code happens to check in, decides the verdict.
 */
export class Findings {
  readonly list: Failure[] = [];
  fail(code: FailureCode, error: string): void {
    this.list.push({ code, error });
  }
  has(code: FailureCode): boolean {
    return this.list.some((f) => f.code === code);
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
  verdict<C extends Claims>(claims: C): Verdict<C> {
    const f = firstFailure(this.list);
    return f ? { valid: false, code: f.code, error: f.error } : { valid: true, claims };
  }
}

/** Thrown by parsers; verifiers turn it into `malformed`. */
export class MalformedEvidenceError extends Error {
  readonly code = 'malformed' as const;
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEvidenceError';
  }
}

export const rejected = (code: FailureCode, error: string): Verdict<never> => ({ valid: false, code, error });
