/**
 * KMS as the key-wrapping port: Encrypt/Decrypt of a symmetric key with EncryptionContext
 * (AWS KMS API Reference, Encrypt and Decrypt). Decrypt names the KeyId too, so a blob made
 * under another key is refused rather than decrypted under whatever key made it. A wrong
 * context is InvalidCiphertextException, mapped to KeyUnwrapError.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { KeyUnwrapError, type KeyWrapper } from './key-wrapper.ts';

export class KmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly kms: Pick<KMSClient, 'send'>,
    private readonly keyId: string,
  ) {}

  async wrap(plaintext: Uint8Array, context: Record<string, string>): Promise<Uint8Array> {
    const out = await this.kms.send(
      new EncryptCommand({ KeyId: this.keyId, Plaintext: plaintext, EncryptionContext: context, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no CiphertextBlob');
    return out.CiphertextBlob;
  }

  async unwrap(blob: Uint8Array, context: Record<string, string>): Promise<Uint8Array> {
    try {
      const out = await this.kms.send(
        new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: blob, EncryptionContext: context, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
      );
      if (!out.Plaintext) throw new Error('KMS Decrypt returned no Plaintext');
      return out.Plaintext;
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'InvalidCiphertextException' || name === 'IncorrectKeyException') throw new KeyUnwrapError(`KMS refused to unwrap: ${name}`);
      throw e;
    }
  }
}
