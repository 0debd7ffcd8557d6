/** Lambda-shaped entry for NVIDIA GPU evidence only (see verify-evidence.ts). */
import { systemClock } from '../../../platform/clock.ts';
import { nvidiaPolicy } from '../domain/nvidia/policy.ts';
import type { Verdict } from '../domain/result.ts';
import { verifyNvidia } from '../nvidia/verify.ts';
import { eventOf, hexBytes, issues, nvidiaEvidenceEvent } from './event.ts';

const schema = eventOf(nvidiaEvidenceEvent);

export async function handler(event: unknown): Promise<Verdict> {
  const p = schema.safeParse(event);
  if (!p.success) return { valid: false, code: 'malformed', error: issues(p.error) };
  const { rims, ...e } = p.data.evidence;
  return verifyNvidia({ ...e, references: { rims } }, hexBytes(p.data.challengeHex), nvidiaPolicy(p.data.policy as never), systemClock);
}
