/**
 * A job's proofs checked in the browser: the job hash recomputed from the job, and the
 * creation and deletion attestations' secp256k1 signatures over SHA-256 (WebCrypto) of
 * their RFC 8785 canonical JSON, against the public key the agent registry lists (never the
 * key that came with the attestations). One verdict per check; the rules are those of
 * `vap-dispatcher verify` (functions/jobs/domain/verify.ts), the canonical JSON is the
 * exchange's own module.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalBytes } from '../../../functions/platform/canonical-json.ts';
import { jobDocument } from '../../../functions/jobs/domain/job.ts';
import { fieldsExpected } from '../../../functions/jobs/domain/attestation.ts';
import type { RouteOutput } from '../api/client.ts';
import type { attestationsRoute, getJobRoute, listAgentsRoute } from '../api/routes.ts';

export interface Check {
  id: string;
  label: string;
  ok: boolean;
  detail?: string;
}

/** SHA-256 by WebCrypto; outside a secure context (no crypto.subtle) by @noble/hashes. */
async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  if (globalThis.crypto?.subtle) return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return nobleSha256(bytes);
}

function base64Strict(s: string): Uint8Array | null {
  try {
    const bin = atob(s);
    const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return btoa(bin) === s ? out : null;
  } catch {
    return null;
  }
}

/** A signature check: compact 64-byte low-s r‖s over SHA-256 of the body without `signature`. */
export async function signatureValid(att: Record<string, unknown>, publicKeyHex: string): Promise<boolean> {
  const { signature, ...body } = att;
  if (typeof signature !== 'string') return false;
  const sig = base64Strict(signature);
  if (!sig || sig.length !== 64) return false;
  try {
    return secp256k1.verify(sig, await sha256(canonicalBytes(body)), hexToBytes(publicKeyHex), { prehash: false, lowS: true });
  } catch {
    return false;
  }
}

export type Job = RouteOutput<typeof getJobRoute>;
export type Attestations = RouteOutput<typeof attestationsRoute>;
export type Agents = RouteOutput<typeof listAgentsRoute>['agents'];

export async function jobHashOf(job: Job): Promise<string> {
  // The view shows every job's tier; the hash covers the requirement of an attested job only.
  const { privacy, ...rest } = job;
  const requirement = privacy.tier === 'attested' ? { privacy: { tier: 'attested' as const, attesters: privacy.attesters } } : {};
  return `sha256:${bytesToHex(await sha256(canonicalBytes(jobDocument({ ...rest, ...requirement }))))}`;
}

export async function verifyProofs(job: Job, att: Attestations, agents: Agents): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (id: string, label: string, ok: boolean, detail?: string) => checks.push({ id, label, ok, ...(detail ? { detail } : {}) });
  const recomputed = await jobHashOf(job);
  add('job_hash', 'job hash recomputed from the job', recomputed === job.jobHash && att.jobHash === job.jobHash, recomputed);
  const c = att.creation as Record<string, unknown> | null;
  const d = att.deletion as Record<string, unknown> | null;
  const agentName = (c?.agentId as string | undefined) ?? att.agent?.name;
  const agent = agents.find((a) => a.name === agentName);
  add(
    'agent_registered',
    'agent listed in the registry',
    agent !== undefined,
    agentName ? `${agentName}${agent ? ` (${agent.publicKey.slice(0, 12)}…)` : ''}` : 'no agent',
  );
  add('creation_present', 'creation attestation present', c !== null);
  if (c) {
    add('creation_fields', 'creation: exactly the expected fields', fieldsExpected(c, 'creation'));
    add(
      'creation_kind',
      'creation: type container:created, ephemeral container',
      c.type === 'container:created' && c.ephemeral === true && (c.privacyTier === 'ephemeral-container' || c.privacyTier === 'attested'),
    );
    add('creation_job', 'creation: this job id and job hash', c.jobId === job.jobId && c.jobHash === recomputed);
    add('creation_identity', 'creation: the agent’s registered identity', agent !== undefined && c.identity === agent.identity, String(c.identity));
    add('creation_signature', 'creation: signature valid (secp256k1, registry key)', agent !== undefined && (await signatureValid(c, agent.publicKey)));
  }
  add('deletion_present', 'deletion attestation present', d !== null);
  if (d) {
    add('deletion_fields', 'deletion: exactly the expected fields', fieldsExpected(d, 'deletion'));
    add('deletion_kind', 'deletion: type container:destroyed, privacy attestation', d.type === 'container:destroyed' && d.privacyAttestation === true);
    add('deletion_job', 'deletion: this job id', d.jobId === job.jobId);
    add('deletion_signature', 'deletion: signature valid (secp256k1, registry key)', agent !== undefined && (await signatureValid(d, agent.publicKey)));
  }
  if (c && d) {
    add('same_container', 'same container in both', c.containerId === d.containerId, String(c.containerId));
    add('same_created_at', 'same creation time in both', c.createdAt === d.createdAt);
    add('same_privacy', 'same privacy tier and attestation hash in both', c.privacyTier === d.privacyTier && c.attestationHash === d.attestationHash);
    const created = Date.parse(String(c.createdAt));
    const destroyed = Date.parse(String(d.destroyedAt));
    const ordered = Number.isFinite(created) && Number.isFinite(destroyed) && destroyed >= created;
    add('destroyed_after_created', 'destroyed after it was created', ordered, ordered ? `lived ${destroyed - created} ms` : undefined);
  }
  return checks;
}
