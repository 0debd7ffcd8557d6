/**
 * Whether a key is in the exchange's key transparency log (docs/control-plane.md): its entry
 * (the expected kind, the same public key under its key id) included in a signed tree head
 * whose two signatures verify with the log's keys (GET /v1/signing-keys), the inclusion proof
 * checked here (RFC 9162). A key logged after the latest head is `pending` (the hourly head
 * includes it); no entry, another key under the id, or a proof or head that does not verify is
 * `refused`. Used by `vap-dispatcher verify` (the agent's key) and `vracu receipts verify`
 * (the receipt signer's keys).
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { ApiError, type VracuClient } from './client.ts';
import { inclusionRoute, signingKeysRoute } from '../functions/control-plane/api.ts';
import { checkKey, logKey, type KeyKind, type LogEntry, type SignedTreeHead } from '../functions/control-plane/index.ts';

export type KeyLogVerdict = { state: 'included'; treeSize: number; leafIndex: number } | { state: 'pending' } | { state: 'refused'; why: string };

export type LogKeys = Parameters<typeof checkKey>[0];
export interface InclusionAnswer {
  entry: LogEntry;
  sth: SignedTreeHead;
  leafIndex: number;
  treeSize: number;
  proof: string[];
}

/** A key as the log should hold it: kind, key id, base64 public key, and a name for messages. */
export interface ExpectedKey {
  kind: KeyKind;
  keyId: string;
  publicKey: string;
  name: string;
}

/** An agent's compressed secp256k1 key (hex, as registered) as the log holds it. */
export function agentKey(publicKeyHex: string, name: string): ExpectedKey {
  const { kind, keyId, publicKey } = logKey('agent-identity', 'secp256k1', hexToBytes(publicKeyHex), name);
  return { kind, keyId, publicKey, name };
}

/** The verdict on an inclusion answer for this key (pure: what the commands decide on). */
export function judgeKey(logKeys: LogKeys, answer: InclusionAnswer, k: ExpectedKey): KeyLogVerdict {
  if (answer.entry.kind !== k.kind || answer.entry.publicKey !== k.publicKey || answer.entry.keyId !== k.keyId)
    return { state: 'refused', why: `the log's entry for ${k.name}'s key id is another key` };
  const check = checkKey(logKeys, answer.sth, answer.entry, answer);
  if (!check.sthSigned) return { state: 'refused', why: 'the signed tree head does not verify with the log keys' };
  if (!check.included) return { state: 'refused', why: `the inclusion proof of ${k.name}'s key does not verify` };
  return { state: 'included', treeSize: answer.treeSize, leafIndex: answer.leafIndex };
}

export async function keyInLog(client: VracuClient, k: ExpectedKey, logKeys?: LogKeys): Promise<KeyLogVerdict> {
  const keys = logKeys ?? ((await client.call(signingKeysRoute)).keys as LogKeys);
  try {
    const answer = await client.call(inclusionRoute, { query: { keyId: k.keyId } });
    return judgeKey(keys, answer as unknown as InclusionAnswer, k);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'key_not_in_head' || err.code === 'no_tree_head')) return { state: 'pending' };
    if (err instanceof ApiError && err.code === 'key_not_logged') return { state: 'refused', why: `${k.name}'s key is not in the key transparency log` };
    throw err;
  }
}
