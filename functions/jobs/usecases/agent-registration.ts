/**
 * Registering an agent of the pool by proof of key possession (domain/agent-registration.ts):
 * a challenge for the provider, then the agent and the challenge used in one transaction.
 * Every refusal writes nothing. A proven identity key is appended to the key transparency log
 * (kind `agent-identity`, key id the SHA-256 of the compressed secp256k1 key) before the agent is
 * stored, so every registered agent's key is in the log (`vap-dispatcher verify` can ask for
 * its inclusion); appending is idempotent by key id.
 */
import { randomBytes } from 'node:crypto';
import { hexToBytes } from '@noble/hashes/utils.js';
import { logKey, publishKey } from '../../control-plane/index.ts';
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { JobsDeps } from '../deps.ts';
import { jobsError } from '../errors.ts';
import type { Agent } from '../domain/job.ts';
import { AGENT_CHALLENGE_TTL_MS, challengeUsable, registrationSigned } from '../domain/agent-registration.ts';
import { getAgentChallenge, putAgentChallenge, putAgentWithChallenge } from '../store/agent-store.ts';

export async function issueAgentChallenge(d: Pick<JobsDeps, 'rt' | 'store'>, p: Principal): Promise<{ challenge: string; expiresAt: string }> {
  const expiresAtMs = d.rt.clock.nowMs() + AGENT_CHALLENGE_TTL_MS;
  const challenge = randomBytes(32).toString('base64url');
  await putAgentChallenge(d.store, { challenge, ownerId: p.id, status: 'ISSUED', expiresAtMs });
  return { challenge, expiresAt: isoAt(expiresAtMs) };
}

export interface AgentRegistration {
  name: string;
  identity: string;
  publicKey: string;
  kmsKeyId?: string | undefined;
  challenge: string;
  signature: string;
}

export async function registerAgent(d: Pick<JobsDeps, 'rt' | 'store' | 'controlPlane'>, p: Principal, req: AgentRegistration): Promise<Agent> {
  const now = d.rt.clock.nowMs();
  const fact = challengeUsable(await getAgentChallenge(d.store, req.challenge), p.id, now);
  if (!fact.ok) throw refusal(fact.why);
  const { challenge, signature, kmsKeyId, ...facts } = req;
  if (!registrationSigned({ name: facts.name, identity: facts.identity, publicKey: facts.publicKey, challenge }, signature)) {
    throw jobsError('agent_bad_signature', 'the signature is not by the registered public key over this registration and challenge');
  }
  const agent: Agent = { ...facts, ...(kmsKeyId ? { kmsKeyId } : {}), ownerId: p.id, tenant: p.tenant, registeredAt: isoAt(now) };
  await publishKey(d.controlPlane, logKey('agent-identity', 'secp256k1', hexToBytes(facts.publicKey), facts.name));
  const out = await putAgentWithChallenge(d.store, agent, challenge, now);
  if (out === 'agent') throw jobsError('agent_exists', `an agent named ${agent.name} is already registered`);
  if (out === 'challenge') {
    // Lost a race for the challenge (or it lapsed meanwhile): re-read to say which.
    const again = challengeUsable(await getAgentChallenge(d.store, challenge), p.id, d.rt.clock.nowMs());
    throw refusal(again.ok ? 'used' : again.why);
  }
  return agent;
}

const refusal = (why: 'invalid' | 'used' | 'expired') =>
  why === 'expired'
    ? jobsError('agent_challenge_expired', 'this agent challenge has expired: ask for a new one')
    : jobsError('agent_challenge_invalid', why === 'used' ? 'this agent challenge was already used' : 'no such agent challenge for this provider');
