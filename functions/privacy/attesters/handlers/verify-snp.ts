/** Lambda-shaped entry for SEV-SNP evidence only (see verify-evidence.ts). */
import { systemClock } from '../../../platform/clock.ts';
import { snpPolicy } from '../domain/snp/policy.ts';
import type { Verdict } from '../domain/result.ts';
import { verifySnp } from '../snp/verify.ts';
import { eventOf, hexBytes, issues, snpEvidenceEvent } from './event.ts';

const schema = eventOf(snpEvidenceEvent);

export async function handler(event: unknown): Promise<Verdict> {
  const p = schema.safeParse(event);
  if (!p.success) return { valid: false, code: 'malformed', error: issues(p.error) };
  return verifySnp(p.data.evidence, hexBytes(p.data.challengeHex), snpPolicy(p.data.policy as never), systemClock);
}
