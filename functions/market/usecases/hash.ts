/** Request digests for idempotency: SHA-256 over RFC 8785 canonical JSON. */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../platform/canonical-json.ts';

export const requestHash = (v: unknown): string => createHash('sha256').update(canonicalize(v)).digest('hex');
