/** Lambda-shaped entry for TDX evidence only (see verify-evidence.ts). */
import { systemClock } from '../../../platform/clock.ts';
import { tdxPolicy } from '../domain/tdx/policy.ts';
import type { TdxCollateral } from '../domain/tdx/collateral.ts';
import type { Verdict } from '../domain/result.ts';
import { verifyTdx } from '../tdx/verify.ts';
import { eventOf, hexBytes, issues, tdxEvidenceEvent } from './event.ts';

const schema = eventOf(tdxEvidenceEvent);

export async function handler(event: unknown): Promise<Verdict> {
  const p = schema.safeParse(event);
  if (!p.success) return { valid: false, code: 'malformed', error: issues(p.error) };
  const { quote, collateral } = p.data.evidence;
  return verifyTdx(
    { quote, ...(collateral ? { collateral: collateral as TdxCollateral } : {}) },
    hexBytes(p.data.challengeHex),
    tdxPolicy(p.data.policy as never),
    systemClock,
  );
}
