/**
 * A Lambda-shaped entry that verifies one piece of evidence of any kind: what the privacy
 * gate's function will import (it is not routed yet: the gate that calls it comes with the
 * confidential-jobs work). Its event carries bytes as base64; the verdict is returned as is.
 * bench/attest.ts measures its bundle and cold start, and those of the per-kind entries beside
 * it (verify-snp.ts, verify-tdx.ts, verify-nvidia.ts), which carry one verifier's dependencies.
 */
import * as z from 'zod';
import { systemClock } from '../../../platform/clock.ts';
import { verify, type Evidence } from '../verify.ts';
import type { Verdict } from '../domain/result.ts';
import { challengeHex, hexBytes, issues, nvidiaEvidenceEvent, snpEvidenceEvent, tdxEvidenceEvent } from './event.ts';

const policy = z.record(z.string(), z.unknown()).optional();

export const verifyEvidenceEvent = z.object({
  challengeHex,
  policy: z.object({ snp: policy, tdx: policy, nvidia: policy }).partial().default({}),
  evidence: z.discriminatedUnion('kind', [snpEvidenceEvent, tdxEvidenceEvent, nvidiaEvidenceEvent]),
});

export async function handler(event: unknown): Promise<Verdict> {
  const parsed = verifyEvidenceEvent.safeParse(event);
  if (!parsed.success) return { valid: false, code: 'malformed', error: issues(parsed.error) };
  const { evidence: e, challengeHex: c, policy: p } = parsed.data;
  const evidence = (e.kind === 'nvidia' ? { ...e, references: { rims: e.rims } } : e) as Evidence;
  return verify(evidence, hexBytes(c), p as never, systemClock);
}
