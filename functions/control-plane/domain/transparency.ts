/**
 * The key transparency log (seed §8): every published key is a leaf, the RFC 8785 bytes of
 * {kind, alg, keyId, publicKey, subject, publishedAt}; a signed tree head (STH) commits to the
 * log's size and root, dual-signed like receipts under its own label. A verifier holding an
 * STH checks a key's inclusion, and that a later STH only grew the log (consistency).
 */
import { canonicalBytes } from '../../platform/canonical-json.ts';
import { consistencyProof, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion, type Hash } from './merkle.ts';
import { b64, keyIdOf, signBoth, unb64, verifyBoth, type KeyPair, type PublicKey, type Signature } from './signatures.ts';

export const STH_LABEL = 'vracu/transparency-sth/v1';
export const LOG_ORIGIN = 'vracu.exchange/keys';
export const KEY_KINDS = ['receipt-signer', 'agent-identity', 'provider-node', 'platform-ca', 'attestation-signer'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface LogEntry {
  kind: KeyKind;
  alg: string;
  keyId: string;
  publicKey: string;
  /** Whose key: a provider id, an agent name, `exchange`. */
  subject: string;
  publishedAt: string;
}

export const entryLeafHash = (e: LogEntry): Hash => leafHash(canonicalBytes(e));

/** A key as the log holds it: its raw bytes in base64, its id the SHA-256 of them (as for the receipt signers). */
export const logKey = (kind: KeyKind, alg: string, raw: Uint8Array, subject: string): Omit<LogEntry, 'publishedAt'> => ({
  kind,
  alg,
  keyId: keyIdOf(raw),
  publicKey: b64(raw),
  subject,
});

export interface TreeHead {
  origin: string;
  treeSize: number;
  /** base64 */
  rootHash: string;
  timestamp: string;
}

export interface SignedTreeHead {
  head: TreeHead;
  signatures: Signature[];
}

export const treeHead = (leaves: readonly Hash[], timestamp: string): TreeHead => ({
  origin: LOG_ORIGIN,
  treeSize: leaves.length,
  rootHash: b64(rootOf(leaves)),
  timestamp,
});
export const signTreeHead = (k: KeyPair, head: TreeHead): SignedTreeHead => ({ head, signatures: signBoth(k, STH_LABEL, canonicalBytes(head)) });
export const verifyTreeHead = (keys: readonly PublicKey[], sth: SignedTreeHead) => verifyBoth(keys, sth.signatures, STH_LABEL, canonicalBytes(sth.head));

export interface InclusionBundle {
  leafIndex: number;
  treeSize: number;
  proof: string[];
}

export const inclusionOf = (leaves: readonly Hash[], leafIndex: number, treeSize: number): InclusionBundle => ({
  leafIndex,
  treeSize,
  proof: inclusionProof(leaves.slice(0, treeSize), leafIndex).map(b64),
});

export const consistencyOf = (leaves: readonly Hash[], first: number, second: number): string[] => consistencyProof(leaves.slice(0, second), first).map(b64);

export interface KeyCheck {
  sthSigned: boolean;
  included: boolean;
  consistent: boolean | null;
  valid: boolean;
}

/**
 * Offline: the STH is signed by the log's keys, the entry is in it, and (given an older STH
 * and a consistency proof) the log only grew from the older one to it.
 */
export function checkKey(
  logKeys: readonly PublicKey[],
  sth: SignedTreeHead,
  entry: LogEntry,
  inclusion: InclusionBundle,
  previous?: { sth: SignedTreeHead; proof: string[] },
): KeyCheck {
  const sthSigned = verifyTreeHead(logKeys, sth).valid && inclusion.treeSize === sth.head.treeSize;
  const included = verifyInclusion(inclusion.leafIndex, inclusion.treeSize, entryLeafHash(entry), inclusion.proof.map(unb64), unb64(sth.head.rootHash));
  let consistent: boolean | null = null;
  if (previous) {
    consistent =
      verifyTreeHead(logKeys, previous.sth).valid &&
      previous.sth.head.origin === sth.head.origin &&
      verifyConsistency(previous.sth.head.treeSize, sth.head.treeSize, previous.proof.map(unb64), unb64(previous.sth.head.rootHash), unb64(sth.head.rootHash));
  }
  return { sthSigned, included, consistent, valid: sthSigned && included && consistent !== false };
}
