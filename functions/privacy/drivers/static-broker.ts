/**
 * The `static` key broker (development only; config.ts refuses it in prod): no KMS, keys
 * derived from a configured seed. The job key = HKDF-SHA256(seed, salt = configured salt,
 * info = `jobId:attestationHash`); each step's DEK = HKDF-SHA256(job key, salt = session
 * salt, info = `sessionId:step`), so every step rotates the key and a different attestation
 * hash gives unrelated keys. Intermediate buffers are zeroed.
 */
import { hkdfSync } from 'node:crypto';
import { jobInfo, stepInfo, type DataKey, type KeyBroker, type KeyRequest } from '../domain/broker.ts';

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string): Buffer => {
  const out = Buffer.alloc(32);
  const ab = new Uint8Array(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), 32));
  out.set(ab);
  ab.fill(0);
  return out;
};

export class StaticBroker implements KeyBroker {
  readonly name = 'static' as const;
  constructor(
    private readonly seed: Uint8Array,
    private readonly salt: Uint8Array,
  ) {
    if (seed.length < 32) throw new RangeError('the static broker seed must be at least 32 bytes');
  }

  async dataKey(req: KeyRequest): Promise<DataKey> {
    const jobKey = hkdf(this.seed, this.salt, jobInfo(req.jobId, req.attestationHash));
    try {
      return { plaintext: hkdf(jobKey, Buffer.from(req.saltHex, 'hex'), stepInfo(req.sessionId, req.step)) };
    } finally {
      jobKey.fill(0);
    }
  }
}
