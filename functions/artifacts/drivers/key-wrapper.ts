/**
 * The key-wrapping port: seals a small secret (a file key) under a master key the exchange
 * never sees, bound to an encryption context. Unwrapping with any other context fails. KMS
 * Encrypt/Decrypt in the cloud (kms-key-wrapper.ts); AES-256-GCM under a local master key on
 * the local stack (local-key-wrapper.ts).
 */
export interface KeyWrapper {
  wrap(plaintext: Uint8Array, context: Record<string, string>): Promise<Uint8Array>;
  /** Throws KeyUnwrapError when the blob or the context is wrong. */
  unwrap(blob: Uint8Array, context: Record<string, string>): Promise<Uint8Array>;
}

export class KeyUnwrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyUnwrapError';
  }
}
