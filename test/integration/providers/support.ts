/** Drives the providers handlers (join, verify, heartbeats) as the gateway does, with a real node key. */
import type { Principal } from '../../../functions/platform/auth/principal.ts';
import { resolveKey } from '../../../functions/platform/auth/keys.ts';
import * as api from '../../../functions/providers/api.ts';
import { scanTable } from '../../support/scan.ts';
import type { TestEnv } from '../../support/runtime.ts';
import { generateNodeKey, signCanonical, verificationMessage, type NodeKey } from '../../../sdk/provider/node-key.ts';
import { call, OPERATOR } from '../market/support.ts';

export { call, OPERATOR };

export const POLICY = { gpuModels: ['H100', 'A100'], regions: ['us-east', 'eu-west'], maxUnits: 8 };
export const CLAIM = { name: 'rack-1', gpuModel: 'H100', region: 'us-east', units: 4, spotPrice: '9.5' };

export async function issueToken(body: Record<string, unknown> = { policy: POLICY, ttlSec: 3600 }): Promise<string> {
  const r = await call(api.joinTokenCreateRoute, OPERATOR, { body });
  if (r.status !== 201) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.token);
}

export interface Joined {
  providerId: string;
  apiKey: string;
  challenge: string;
  principal: Principal;
  key: NodeKey;
}

/** Issue, join, and (unless `verify: false`) verify a node key. */
export async function joinedProvider(
  env: TestEnv,
  o: { claim?: Record<string, unknown>; verify?: boolean; algorithm?: 'ed25519' | 'ecdsa-p256' } = {},
): Promise<Joined> {
  const token = await issueToken();
  const j = await call(api.joinRoute, null, { body: { token, ...CLAIM, ...(o.claim ?? {}) } });
  if (j.status !== 201) throw new Error(`join: ${j.status} ${JSON.stringify(j.body)}`);
  const providerId = String(j.body.providerId);
  const principal = (await resolveKey({ doc: env.rt.doc, table: env.rt.table('auth') }, String(j.body.apiKey)))!;
  const key = generateNodeKey(o.algorithm ?? 'ed25519');
  const out = { providerId, apiKey: String(j.body.apiKey), challenge: String(j.body.challenge), principal, key };
  if (o.verify !== false) {
    const v = await call(api.verifyRoute, principal, { body: verifyBody(out) });
    if (v.status !== 200) throw new Error(`verify: ${v.status} ${JSON.stringify(v.body)}`);
  }
  return out;
}

export const verifyBody = (j: Pick<Joined, 'providerId' | 'challenge' | 'key'>) => ({
  challenge: j.challenge,
  publicKey: j.key.publicKey,
  algorithm: j.key.algorithm,
  signature: signCanonical(j.key, verificationMessage(j.providerId, j.challenge)),
});

export const H100 = (index: number) => ({ index, model: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, migMode: false, migInstances: [] as string[] });

/** A signed heartbeat of `gpus` GPUs at the env's clock (or `timestampMs`). */
export function heartbeat(
  env: TestEnv,
  j: Pick<Joined, 'providerId' | 'key'>,
  o: { gpus?: number; freeUnits?: number; timestampMs?: number; calibration?: Record<string, number> } = {},
) {
  const gpus = o.gpus ?? 4;
  const body = {
    providerId: j.providerId,
    timestampMs: o.timestampMs ?? env.clock.nowMs(),
    inventory: { gpus: Array.from({ length: gpus }, (_, i) => H100(i)) },
    telemetry: { utilizationPct: 12.5, temperatureC: 41, freeUnits: o.freeUnits ?? gpus },
    ...(o.calibration ? { calibration: o.calibration } : {}),
  };
  return { ...body, signature: signCanonical(j.key, body) };
}

/** Every item of the tables a join or heartbeat writes, for "nothing was written" assertions. */
export async function snapshot(env: TestEnv): Promise<string> {
  const tables = ['providers', 'auth', 'ledger', 'market', 'controlplane'] as const;
  const all = await Promise.all(tables.map((t) => scanTable(env.rt, t)));
  return JSON.stringify(all, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
