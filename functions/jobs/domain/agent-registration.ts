/**
 * An agent is registered by proof of key possession: the exchange issues a challenge (256
 * random bits, usable once, by the provider it was issued to, for AGENT_CHALLENGE_TTL_MS), and
 * the agent's key signs the registration message over it — secp256k1, low-s compact, over the
 * SHA-256 of the message's RFC 8785 canonical JSON, the way it signs attestations. The node-key
 * pattern of the providers' join (functions/providers/domain/node-key.ts), with the agents' own curve.
 */
import { verifySignature } from './verify.ts';
import { digestOf, type Signer } from './attestation.ts';

/** How long a provider has to sign its agent's challenge. */
export const AGENT_CHALLENGE_TTL_MS = 5 * 60_000;

export const AGENT_REGISTRATION_PURPOSE = 'vracu-agent-register';

export interface AgentRegistrationClaim {
  name: string;
  identity: string;
  publicKey: string;
  challenge: string;
}

/**
 * What the agent's key signs: the purpose and every registered fact, so none can be swapped.
 * The owner is bound by the challenge (issued to one provider, checked in the write's guard).
 */
export const agentRegistrationMessage = (c: AgentRegistrationClaim) => ({
  purpose: AGENT_REGISTRATION_PURPOSE,
  name: c.name,
  identity: c.identity,
  publicKey: c.publicKey,
  challenge: c.challenge,
});

/** True when `signatureB64` is the claimed key's signature over the claim's message. */
export const registrationSigned = (c: AgentRegistrationClaim, signatureB64: string): boolean =>
  verifySignature({ ...agentRegistrationMessage(c), signature: signatureB64 }, c.publicKey);

export interface AgentChallenge {
  challenge: string;
  ownerId: string;
  status: 'ISSUED' | 'USED';
  expiresAtMs: number;
}

/** Why a challenge cannot register an agent now (precedence: unknown or another owner's, used, expired). */
export function challengeUsable(ch: AgentChallenge | null, ownerId: string, nowMs: number): { ok: true } | { ok: false; why: 'invalid' | 'used' | 'expired' } {
  // Another provider's challenge reads as no challenge: its existence is not disclosed.
  if (!ch || ch.ownerId !== ownerId) return { ok: false, why: 'invalid' };
  if (ch.status !== 'ISSUED') return { ok: false, why: 'used' };
  if (nowMs >= ch.expiresAtMs) return { ok: false, why: 'expired' };
  return { ok: true };
}

/** The agent's signature (base64) over a registration, by its signer (a key file, or KMS in the cloud). */
export async function signRegistration(c: AgentRegistrationClaim, signer: Pick<Signer, 'signDigest'>): Promise<string> {
  return Buffer.from(await signer.signDigest(digestOf(agentRegistrationMessage(c)))).toString('base64');
}
