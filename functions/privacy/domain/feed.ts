/**
 * The revocation feed (seed §2.11): a signed document `{version, revocations: [...], signature}`
 * polled on a schedule. The signature is Ed25519 over the RFC 8785 canonical JSON of
 * `{version, revocations}`; versions only move forward (a replayed or rolled-back feed changes
 * nothing). Parsing is pure; verifying the signature is the use case's.
 */
import * as z from 'zod';
import { REVOCATION_KINDS } from './revocation.ts';

export const FeedDocument = z.strictObject({
  version: z.number().int().min(1),
  revocations: z.array(z.strictObject({ kind: z.enum(REVOCATION_KINDS), value: z.string().min(1).max(256), reason: z.string().min(1).max(500) })).max(10_000),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});
export type FeedDocument = z.infer<typeof FeedDocument>;

/** What the signature covers. */
export const signedPart = (f: FeedDocument) => ({ version: f.version, revocations: f.revocations });

export type FeedOutcome =
  | { applied: true; version: number; revoked: number; cancelledSessions: number }
  | { applied: false; reason: 'no_feed' | 'malformed' | 'bad_signature' | 'not_newer'; version?: number };
