/**
 * The key transparency log: publish a key (append once), sign a tree head (the schedule, and
 * on demand), answer proofs. Proofs are computed from every leaf up to the asked size: O(n)
 * reads, fine for a log of keys (thousands); a tile cache is the next step at millions.
 */
import { isoAt } from '../../platform/clock.ts';
import type { ControlPlaneDeps } from '../deps.ts';
import { controlPlaneError } from '../errors.ts';
import { publicKeys } from '../domain/signatures.ts';
import { consistencyOf, entryLeafHash, inclusionOf, signTreeHead, treeHead, type KeyKind, type LogEntry, type SignedTreeHead } from '../domain/transparency.ts';
import { appendEntry, entries, indexOfKey, latestTreeHead, logSize, putTreeHead, treeHeadAt } from '../store/transparency.ts';

const ATTEMPTS = 8;

export async function publishKey(
  d: Pick<ControlPlaneDeps, 'rt' | 'store'>,
  k: { kind: KeyKind; alg: string; keyId: string; publicKey: string; subject: string },
): Promise<{ leafIndex: number; appended: boolean }> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const known = await indexOfKey(d.store, k.keyId);
    if (known !== undefined) return { leafIndex: known, appended: false };
    const n = await logSize(d.store);
    const out = await appendEntry(d.store, n, { ...k, publishedAt: isoAt(d.rt.clock.nowMs()) });
    if (out === 'appended') return { leafIndex: n, appended: true };
  }
  throw controlPlaneError('log_contended', `the log did not take the key after ${ATTEMPTS} attempts: retry`);
}

/** The receipt signer's own keys, logged (idempotent). */
export async function publishSigningKeys(d: ControlPlaneDeps): Promise<number> {
  let appended = 0;
  for (const k of publicKeys(d.signingKeys())) if ((await publishKey(d, { kind: 'receipt-signer', ...k, subject: 'exchange' })).appended) appended++;
  return appended;
}

/** Signs a head for the current size unless one exists for it; answers the latest head. */
export async function signCurrentHead(d: ControlPlaneDeps): Promise<SignedTreeHead> {
  const n = await logSize(d.store);
  const have = await treeHeadAt(d.store, n);
  if (have) return have;
  const leaves = (await entries(d.store, n)).map(entryLeafHash);
  const sth = signTreeHead(d.signingKeys(), treeHead(leaves, isoAt(d.rt.clock.nowMs())));
  return (await putTreeHead(d.store, sth)) ? sth : (await treeHeadAt(d.store, n))!;
}

export async function currentHead(d: ControlPlaneDeps): Promise<SignedTreeHead> {
  const sth = await latestTreeHead(d.store);
  if (!sth) throw controlPlaneError('no_tree_head', 'the log has no signed tree head yet');
  return sth;
}

export async function inclusionFor(
  d: ControlPlaneDeps,
  keyId: string,
  treeSize?: number,
): Promise<{ entry: LogEntry; sth: SignedTreeHead; leafIndex: number; treeSize: number; proof: string[] }> {
  const idx = await indexOfKey(d.store, keyId);
  if (idx === undefined) throw controlPlaneError('key_not_logged', `key ${keyId} is not in the log`);
  const sth = treeSize === undefined ? await currentHead(d) : await treeHeadAt(d.store, treeSize);
  if (!sth) throw controlPlaneError('no_tree_head', `no signed tree head of size ${treeSize}`);
  if (idx >= sth.head.treeSize) throw controlPlaneError('key_not_in_head', `key ${keyId} was logged after the tree head of size ${sth.head.treeSize}`);
  const all = await entries(d.store, sth.head.treeSize);
  return { entry: all[idx]!, sth, ...inclusionOf(all.map(entryLeafHash), idx, sth.head.treeSize) };
}

export async function consistencyFor(
  d: ControlPlaneDeps,
  first: number,
  second: number,
): Promise<{ first: SignedTreeHead; second: SignedTreeHead; proof: string[] }> {
  if (first < 1 || first > second) throw controlPlaneError('bad_tree_sizes', 'expected 1 ≤ first ≤ second');
  const [a, b] = [await treeHeadAt(d.store, first), await treeHeadAt(d.store, second)];
  if (!a || !b) throw controlPlaneError('no_tree_head', `no signed tree head of size ${!a ? first : second}`);
  const leaves = (await entries(d.store, second)).map(entryLeafHash);
  return { first: a, second: b, proof: consistencyOf(leaves, first, second) };
}
