/**
 * The local stack's key-wrapping port: AES-256-GCM under a local 32-byte master key, the
 * context bound as AAD (its RFC 8785 canonical JSON, so key order does not matter and any
 * changed, added or missing member fails). Blob = version (1) ‖ iv (12) ‖ ciphertext ‖ tag (16),
 * the shape DEPENDENCIES.md §3 gives for a local KMS stand-in.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalize } from '../../platform/canonical-json.ts';
import { KeyUnwrapError, type KeyWrapper } from './key-wrapper.ts';

const VERSION = 1;

export class LocalKeyWrapper implements KeyWrapper {
  private readonly master: Buffer;
  constructor(
    masterKey: Uint8Array,
    private readonly random: (n: number) => Uint8Array = randomBytes,
  ) {
    if (masterKey.length !== 32) throw new Error('the local wrapping key is 32 bytes');
    this.master = Buffer.from(masterKey);
  }

  async wrap(plaintext: Uint8Array, context: Record<string, string>): Promise<Uint8Array> {
    const iv = Buffer.from(this.random(12));
    const c = createCipheriv('aes-256-gcm', this.master, iv);
    c.setAAD(Buffer.from(canonicalize(context), 'utf8'));
    return Buffer.concat([Buffer.of(VERSION), iv, c.update(plaintext), c.final(), c.getAuthTag()]);
  }

  async unwrap(blob: Uint8Array, context: Record<string, string>): Promise<Uint8Array> {
    if (blob.length < 1 + 12 + 16 || blob[0] !== VERSION) throw new KeyUnwrapError('not a locally wrapped key');
    const d = createDecipheriv('aes-256-gcm', this.master, blob.subarray(1, 13));
    d.setAAD(Buffer.from(canonicalize(context), 'utf8'));
    d.setAuthTag(blob.subarray(blob.length - 16));
    const out = d.update(blob.subarray(13, blob.length - 16));
    try {
      d.final();
    } catch {
      out.fill(0);
      throw new KeyUnwrapError('the wrapped key or its context is wrong');
    }
    return out;
  }
}
