/**
 * One asymmetric KMS signing key, as every signer over KMS uses it: the public key read once
 * (GetPublicKey, its spec checked against what the caller needs) and Sign with ECDSA_SHA_256.
 * The agents' attestation signer, the job CA and the chain wallet are thin shapes over this.
 */
import { GetPublicKeyCommand, SignCommand, type KMSClient, type KeySpec } from '@aws-sdk/client-kms';

/** The slice of the KMS client the signers use, so tests can inspect the commands they build. */
export type KmsSend = Pick<KMSClient, 'send'>;

export class KmsSigningKey {
  private spki: Promise<Uint8Array> | undefined;
  constructor(
    private readonly kms: KmsSend,
    readonly keyId: string,
    /** The one spec this key must have, and who needs it (for the refusal). */
    private readonly spec: KeySpec,
    private readonly purpose: string,
  ) {}

  /** The DER SubjectPublicKeyInfo; read once, and read again after a failed read. */
  publicKey(): Promise<Uint8Array> {
    this.spki ??= this.readPublicKey();
    this.spki.catch(() => (this.spki = undefined));
    return this.spki;
  }

  private async readPublicKey(): Promise<Uint8Array> {
    const out = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (out.KeySpec !== this.spec) throw new Error(`KMS key ${this.keyId} has spec ${out.KeySpec}, ${this.purpose} needs ${this.spec}`);
    if (!out.PublicKey) throw new Error(`KMS returned no public key for ${this.keyId}`);
    return out.PublicKey;
  }

  /**
   * The DER ECDSA signature. DIGEST: `message` is the 32-byte SHA-256 (or Keccak-256) the caller
   * computed and KMS signs it as is. RAW: KMS hashes `message` (at most 4,096 bytes) with SHA-256.
   */
  async sign(message: Uint8Array, messageType: 'DIGEST' | 'RAW'): Promise<Uint8Array> {
    if (messageType === 'DIGEST' && message.length !== 32) throw new Error('KMS DIGEST signing takes a 32-byte digest');
    const out = await this.kms.send(new SignCommand({ KeyId: this.keyId, Message: message, MessageType: messageType, SigningAlgorithm: 'ECDSA_SHA_256' }));
    if (!out.Signature) throw new Error(`KMS returned no signature for ${this.keyId}`);
    return out.Signature;
  }
}
