/**
 * Signs with an AWS KMS key of spec ECC_SECG_P256K1: Sign with MessageType DIGEST over the
 * SHA-256 we computed, then DER → compact with low-s (KMS may return a high s).
 */
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Signer } from '../domain/attestation.ts';
import { compressPoint, derToCompactLowS, spkiToPoint } from './der.ts';

/** The slice of the KMS client this adapter uses, so tests can inspect the commands it builds. */
export type KmsSend = Pick<KMSClient, 'send'>;

export class KmsSigner implements Signer {
  private pub: Uint8Array | undefined;
  constructor(
    private readonly kms: KmsSend,
    readonly keyId: string,
  ) {}

  async publicKey(): Promise<Uint8Array> {
    if (!this.pub) {
      const out = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
      if (out.KeySpec !== 'ECC_SECG_P256K1') throw new Error(`KMS key ${this.keyId} has spec ${out.KeySpec}, expected ECC_SECG_P256K1`);
      if (!out.PublicKey) throw new Error(`KMS returned no public key for ${this.keyId}`);
      this.pub = compressPoint(spkiToPoint(out.PublicKey));
    }
    return this.pub;
  }

  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    if (digest.length !== 32) throw new Error('KMS DIGEST signing takes a 32-byte SHA-256 digest');
    const out = await this.kms.send(new SignCommand({ KeyId: this.keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
    if (!out.Signature) throw new Error(`KMS returned no signature for ${this.keyId}`);
    return derToCompactLowS(out.Signature);
  }
}
