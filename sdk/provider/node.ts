/**
 * What the provider node does against the exchange: join (redeem the token, make and keep the
 * node key, verify it), build and sign heartbeats, and the heartbeat loop (retries with capped
 * exponential backoff and jitter, stops cleanly on its signal). The exchange client and the
 * nvidia-smi runner are given, so tests run it against the local stack and recorded transcripts.
 */
import { heartbeatRoute, joinRoute, providerGetRoute, verifyRoute } from '../../functions/providers/api.ts';
import type { Microbench } from '../../functions/providers/domain/calibration.ts';
import type { NodeKeyAlgorithm } from '../../functions/providers/domain/node-key.ts';
import { inventoryUnits } from '../../functions/providers/domain/heartbeat.ts';
import { VracuClient } from '../client.ts';
import { loadNodeKey, loadState, saveNodeKey, saveState, type NodeState } from './config.ts';
import { generateNodeKey, signCanonical, verificationMessage, type NodeKey } from './node-key.ts';
import { readInventory, systemSmi, type SmiRunner } from './nvidia-smi.ts';

export interface InitOptions {
  url: string;
  token: string;
  name: string;
  gpuModel: string;
  region: string;
  units: number;
  spotPrice: string;
  algorithm?: NodeKeyAlgorithm;
  now?: () => number;
}

/** Join and verify. The node key is written (0600) before the join, so a crash never loses it. */
export async function initNode(dir: string, o: InitOptions): Promise<NodeState> {
  const key = generateNodeKey(o.algorithm ?? 'ed25519');
  saveNodeKey(dir, key);
  const open = new VracuClient({ baseUrl: o.url, attempts: 1 });
  const joined = await open.call(joinRoute, {
    body: { token: o.token, name: o.name, gpuModel: o.gpuModel, region: o.region, units: o.units, spotPrice: o.spotPrice },
  });
  const state: NodeState = {
    url: o.url,
    providerId: joined.providerId,
    apiKey: joined.apiKey,
    algorithm: key.algorithm,
    verified: false,
    joinedAt: new Date((o.now ?? Date.now)()).toISOString(),
  };
  saveState(dir, state);
  const me = new VracuClient({ baseUrl: o.url, apiKey: joined.apiKey, attempts: 3 });
  await me.call(verifyRoute, {
    body: {
      challenge: joined.challenge,
      publicKey: key.publicKey,
      algorithm: key.algorithm,
      signature: signCanonical(key, verificationMessage(joined.providerId, joined.challenge)),
    },
  });
  const verified = { ...state, verified: true };
  saveState(dir, verified);
  return verified;
}

export interface BeatInput {
  providerId: string;
  timestampMs: number;
  smi?: SmiRunner;
  calibration?: Microbench | undefined;
  /** Units busy with jobs on this node (not free for new ones). */
  busyUnits?: number;
}

/** One signed heartbeat of what the node has now. */
export async function buildHeartbeat(key: NodeKey, b: BeatInput) {
  const inventory = await readInventory(b.smi ?? systemSmi);
  const units = inventoryUnits(inventory);
  const body = {
    providerId: b.providerId,
    timestampMs: b.timestampMs,
    inventory,
    telemetry: { utilizationPct: 0, temperatureC: 0, freeUnits: Math.max(0, units - (b.busyUnits ?? 0)) },
    ...(b.calibration ? { calibration: b.calibration } : {}),
  };
  return { ...body, signature: signCanonical(key, body) };
}

export interface RunOptions {
  intervalMs?: number;
  /** Stop after this many accepted heartbeats (tests, `--once`). */
  beats?: number;
  signal?: AbortSignal;
  smi?: SmiRunner;
  calibration?: Microbench;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Seeded in tests: the jitter of the backoff. */
  random?: () => number;
  log?: (line: string) => void;
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

/** Capped exponential backoff with full jitter: attempt 1 → up to 1 s, 2 → 2 s, … at most 60 s. */
export const backoffMs = (attempt: number, random: () => number): number =>
  Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

export interface RunReport {
  accepted: number;
  failures: number;
  stopped: 'signal' | 'beats';
}

/** The heartbeat loop: beat every `intervalMs`; a failure retries with backoff; returns when the signal aborts (or after `beats`). */
export async function runNode(dir: string, o: RunOptions = {}): Promise<RunReport> {
  const state = loadState(dir);
  if (!state.verified) throw new Error('this node is not verified: run init again with a new join token');
  const key = loadNodeKey(dir, state.algorithm);
  const client = new VracuClient({ baseUrl: state.url, apiKey: state.apiKey, attempts: 1 });
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? abortableSleep;
  const random = o.random ?? Math.random;
  const log = o.log ?? (() => undefined);
  const interval = o.intervalMs ?? 15_000;
  let accepted = 0;
  let failures = 0;
  let attempt = 0;
  while (!o.signal?.aborted) {
    try {
      const hb = await buildHeartbeat(key, {
        providerId: state.providerId,
        timestampMs: now(),
        smi: o.smi,
        calibration: accepted === 0 ? o.calibration : undefined,
      });
      const r = await client.call(heartbeatRoute, { params: { id: state.providerId }, body: hb });
      accepted++;
      attempt = 0;
      log(`heartbeat accepted: ${r.units} units, ${r.freeUnits} free, ${r.scmPerMin} SCM/min${r.relisted ? ' (relisted)' : ''}`);
      if (o.beats !== undefined && accepted >= o.beats) return { accepted, failures, stopped: 'beats' };
      await sleep(interval, o.signal);
    } catch (err) {
      failures++;
      attempt++;
      const wait = backoffMs(attempt, random);
      log(`heartbeat failed (${(err as Error).message}); retrying in ${wait} ms`);
      await sleep(wait, o.signal);
    }
  }
  return { accepted, failures, stopped: 'signal' };
}

/** The provider as the exchange sees it. */
export async function nodeStatus(dir: string) {
  const state = loadState(dir);
  const client = new VracuClient({ baseUrl: state.url, apiKey: state.apiKey, attempts: 2 });
  return {
    local: { providerId: state.providerId, url: state.url, verified: state.verified, algorithm: state.algorithm },
    exchange: await client.call(providerGetRoute, { params: { id: state.providerId } }),
  };
}
