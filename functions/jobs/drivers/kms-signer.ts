/**
 * Signs with an AWS KMS key of spec ECC_SECG_P256K1: Sign with MessageType DIGEST over the
 * SHA-256 we computed, then DER → compact with low-s (KMS may return a high s).
 */
import { KmsSigningKey, type KmsSend } from '../../platform/crypto/kms-key.ts';
import { compressPoint, derToCompactLowS, spkiToPoint } from '../../platform/crypto/secp256k1-der.ts';
import type { Signer } from '../domain/attestation.ts';

export class KmsSigner implements Signer {
  private readonly key: KmsSigningKey;
  constructor(
    kms: KmsSend,
    readonly keyId: string,
  ) {
    this.key = new KmsSigningKey(kms, keyId, 'ECC_SECG_P256K1', 'an agent signer');
  }

  async publicKey(): Promise<Uint8Array> {
    return compressPoint(spkiToPoint(await this.key.publicKey()));
  }

  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    return derToCompactLowS(await this.key.sign(digest, 'DIGEST'));
  }
}
