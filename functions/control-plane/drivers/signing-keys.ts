/**
 * Where the receipt signer's keys come from. The port is a key pair; this adapter makes it
 * from two 32-byte seeds (the environment's VRACU_RECEIPT_SIGNING_SEED), or, on the local
 * and test stages only, from seeds derived from the table prefix (development keys, never
 * for money that matters). A KMS- or Secrets-Manager-backed adapter slots in here.
 */
import { createHash } from 'node:crypto';
import { keyPairFromSeeds, type KeyPair } from '../domain/signatures.ts';

export function signingKeysFromSeed(hex: string): KeyPair {
  const b = Buffer.from(hex, 'hex');
  if (b.length !== 64) throw new RangeError('the signing seed is 64 bytes');
  return keyPairFromSeeds(new Uint8Array(b.subarray(0, 32)), new Uint8Array(b.subarray(32)));
}

export function developmentSigningKeys(tablePrefix: string): KeyPair {
  const seed = (what: string) => new Uint8Array(createHash('sha256').update(`vracu-development-receipt-key|${what}|${tablePrefix}`).digest());
  return keyPairFromSeeds(seed('ed25519'), seed('ml-dsa-65'));
}
