/**
 * Whether an agent's identity key is in the exchange's key transparency log
 * (docs/control-plane.md): its entry (kind `agent-identity`, the same public key) included in a
 * signed tree head whose two signatures verify with the log's keys (GET /v1/signing-keys), the
 * inclusion proof checked here (RFC 9162). A key logged after the latest head is `pending`
 * (the hourly head includes it); no entry, another key under the id, or a proof or head that
 * does not verify is `refused`.
 */
import { createHash } from 'node:crypto';
import { hexToBytes } from '@noble/hashes/utils.js';
import { ApiError, type VracuClient } from '../client.ts';
import { inclusionRoute, signingKeysRoute } from '../../functions/control-plane/api.ts';
import { checkKey, type LogEntry, type SignedTreeHead } from '../../functions/control-plane/index.ts';

export type KeyLogVerdict = { state: 'included'; treeSize: number; leafIndex: number } | { state: 'pending' } | { state: 'refused'; why: string };

type LogKeys = Parameters<typeof checkKey>[0];
export interface InclusionAnswer {
  entry: LogEntry;
  sth: SignedTreeHead;
  leafIndex: number;
  treeSize: number;
  proof: string[];
}

export const agentKeyId = (publicKeyHex: string): string => createHash('sha256').update(hexToBytes(publicKeyHex)).digest('hex');

/** The verdict on an inclusion answer for this agent key (pure: what `verify` decides on). */
export function judgeAgentKey(logKeys: LogKeys, answer: InclusionAnswer, publicKeyHex: string, agentName: string): KeyLogVerdict {
  const b64 = Buffer.from(hexToBytes(publicKeyHex)).toString('base64');
  if (answer.entry.kind !== 'agent-identity' || answer.entry.publicKey !== b64 || answer.entry.keyId !== agentKeyId(publicKeyHex))
    return { state: 'refused', why: `the log's entry for ${agentName}'s key id is another key` };
  const check = checkKey(logKeys, answer.sth, answer.entry, answer);
  if (!check.sthSigned) return { state: 'refused', why: 'the signed tree head does not verify with the log keys' };
  if (!check.included) return { state: 'refused', why: `the inclusion proof of ${agentName}'s key does not verify` };
  return { state: 'included', treeSize: answer.treeSize, leafIndex: answer.leafIndex };
}

export async function agentKeyInLog(client: VracuClient, publicKeyHex: string, agentName: string): Promise<KeyLogVerdict> {
  const keys = (await client.call(signingKeysRoute)).keys as LogKeys;
  try {
    const answer = await client.call(inclusionRoute, { query: { keyId: agentKeyId(publicKeyHex) } });
    return judgeAgentKey(keys, answer as unknown as InclusionAnswer, publicKeyHex, agentName);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'key_not_in_head' || err.code === 'no_tree_head')) return { state: 'pending' };
    if (err instanceof ApiError && err.code === 'key_not_logged') return { state: 'refused', why: `${agentName}'s key is not in the key transparency log` };
    throw err;
  }
}
