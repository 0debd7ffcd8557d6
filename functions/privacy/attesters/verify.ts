/**
 * The attesters' one entry point (seed §2.3): verify(evidence, challenge, policy, clock) →
 * {valid: true, claims} | {valid: false, code, error}. Expected failures never throw; an
 * exception from a parser on hostile input is reported as `malformed`, never as valid. Only
 * an invalid policy (configuration) or a pinned root that no longer matches its fingerprint
 * (an edited build) throws.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Verdict } from './domain/result.ts';
import { snpPolicy, type SnpPolicyInput } from './domain/snp/policy.ts';
import { tdxPolicy, type TdxPolicyInput } from './domain/tdx/policy.ts';
import { nvidiaPolicy, type NvidiaPolicyInput } from './domain/nvidia/policy.ts';
import { PinnedRootError } from './x509/certs.ts';
import { verifySnp, type SnpEvidence } from './snp/verify.ts';
import { verifyTdx, type TdxEvidence } from './tdx/verify.ts';
import { verifyNvidia, type NvidiaEvidence } from './nvidia/verify.ts';

export type Evidence = ({ kind: 'snp' } & SnpEvidence) | ({ kind: 'tdx' } & TdxEvidence) | ({ kind: 'nvidia' } & NvidiaEvidence);

/** Policy per kind; what is unset takes the secure default documented in docs/attestation.md. */
export interface AttestationPolicy {
  snp?: SnpPolicyInput;
  tdx?: TdxPolicyInput;
  nvidia?: NvidiaPolicyInput;
}

/**
 * Verifies one piece of evidence. `challenge` is the exact REPORT_DATA (64 bytes, SNP and TDX)
 * or SPDM nonce (32 bytes, NVIDIA) expected: `challengeFor(kind, jobId, nonce)` for a job.
 */
export function verify(evidence: Evidence, challenge: Uint8Array, policy: AttestationPolicy, clock: Clock): Verdict {
  switch (evidence.kind) {
    case 'snp': {
      const p = snpPolicy(policy.snp);
      return guarded(() => verifySnp(evidence, challenge, p, clock));
    }
    case 'tdx': {
      const p = tdxPolicy(policy.tdx);
      return guarded(() => verifyTdx(evidence, challenge, p, clock));
    }
    case 'nvidia': {
      const p = nvidiaPolicy(policy.nvidia);
      return guarded(() => verifyNvidia(evidence, challenge, p, clock));
    }
  }
}

function guarded(run: () => Verdict): Verdict {
  try {
    return run();
  } catch (e) {
    if (e instanceof PinnedRootError) throw e;
    return { valid: false, code: 'malformed', error: `the evidence could not be processed: ${(e as Error).message ?? String(e)}` };
  }
}
