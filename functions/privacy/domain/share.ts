/**
 * The share service's derivation (seed §2.6): its share of one step's key =
 * HKDF-SHA256(service key, salt = SHA-256(attestation hash), info = `jobId:sessionId:step`).
 * The service holds only its own key; the exchange holds only the primary share; the DEK exists
 * only where both are combined, after the gate passed. Pure.
 */
import { createHash, hkdfSync } from 'node:crypto';

export interface ShareRequest {
  jobId: string;
  sessionId: string;
  attestationHash: string;
  step: number;
}

export function deriveShare(serviceKey: Uint8Array, r: ShareRequest): Buffer {
  const salt = createHash('sha256').update(r.attestationHash).digest();
  const out = Buffer.alloc(32);
  const ab = new Uint8Array(hkdfSync('sha256', serviceKey, salt, Buffer.from(`${r.jobId}:${r.sessionId}:${r.step}`, 'utf8'), 32));
  out.set(ab);
  ab.fill(0);
  return out;
}

const ID = /^[a-z]{3}_[0-9A-Za-z]{10,40}$/;
const HASH = /^sha256:[0-9a-f]{64}$/;

/** The request body, or why it is refused. */
export function parseShareRequest(v: unknown): ShareRequest | string {
  if (typeof v !== 'object' || v === null) return 'body must be a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.jobId !== 'string' || !ID.test(o.jobId)) return 'jobId: malformed';
  if (typeof o.sessionId !== 'string' || !ID.test(o.sessionId)) return 'sessionId: malformed';
  if (typeof o.attestationHash !== 'string' || !HASH.test(o.attestationHash)) return 'attestationHash: must be sha256:<64 hex>';
  if (typeof o.step !== 'number' || !Number.isSafeInteger(o.step) || o.step < 0) return 'step: a non-negative integer';
  return { jobId: o.jobId, sessionId: o.sessionId, attestationHash: o.attestationHash, step: o.step };
}
