/**
 * Signs with an agent key file (`keys.json` {wif, identity, publicKey}), as written by
 * `vap-dispatcher init`. Used by the local stack; the file never enters a container.
 */
import { readFile } from 'node:fs/promises';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Signer } from '../domain/attestation.ts';
import { decodeWif } from '../domain/wif.ts';

export interface AgentKeyFile {
  wif: string;
  identity: string;
  publicKey: string;
}

export class KeySigner implements Signer {
  private readonly pub: Uint8Array;
  constructor(private readonly secretKey: Uint8Array) {
    this.pub = secp256k1.getPublicKey(secretKey, true);
  }
  static fromWif(wif: string): KeySigner {
    return new KeySigner(decodeWif(wif).secretKey);
  }
  async publicKey(): Promise<Uint8Array> {
    return this.pub;
  }
  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    return secp256k1.sign(digest, this.secretKey, { prehash: false, lowS: true });
  }
  get publicKeyHex(): string {
    return bytesToHex(this.pub);
  }
}

/** Loads a key file and checks it holds the key registered for the agent. */
export async function signerFromKeyFile(path: string, expectedPublicKeyHex: string): Promise<KeySigner> {
  const file = JSON.parse(await readFile(path, 'utf8')) as AgentKeyFile;
  const signer = KeySigner.fromWif(file.wif);
  if (signer.publicKeyHex !== expectedPublicKeyHex.toLowerCase()) {
    throw new Error(`key file ${path} does not hold the registered public key`);
  }
  return signer;
}
