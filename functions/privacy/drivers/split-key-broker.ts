/**
 * The `split_key` broker (seed §2.5, §2.6): the primary share from the inner broker (KMS in the
 * cloud, static locally), XOR the remote share from the share service, then
 * DEK = HKDF-SHA256(combined, salt = session salt, info = `sessionId:step`). The broker is
 * called only after the gate passed, so the two halves meet only for an attested session; no
 * single party (the exchange's KMS key or the share service) holds a job's key. Every
 * intermediate buffer is zeroed.
 */
import { hkdfSync } from 'node:crypto';
import { stepInfo, type DataKey, type KeyBroker, type KeyRequest } from '../domain/broker.ts';
import { privacyError } from '../errors.ts';

export interface ShareServiceSettings {
  url: string;
  credential: string;
}

export class SplitKeyBroker implements KeyBroker {
  readonly name = 'split_key' as const;
  constructor(
    private readonly primary: KeyBroker,
    private readonly share: ShareServiceSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async dataKey(req: KeyRequest): Promise<DataKey> {
    const [p, r] = await Promise.allSettled([this.primary.dataKey(req), this.remoteShare(req)]);
    // One half failed: wipe the other before refusing.
    if (p.status === 'rejected' || r.status === 'rejected') {
      if (p.status === 'fulfilled') p.value.plaintext.fill(0);
      if (r.status === 'fulfilled') r.value.fill(0);
      throw p.status === 'rejected' ? p.reason : (r as PromiseRejectedResult).reason;
    }
    const primary = p.value;
    const remote = r.value;
    const combined = Buffer.alloc(32);
    try {
      for (let i = 0; i < 32; i++) combined[i] = primary.plaintext[i]! ^ remote[i]!;
      const ab = new Uint8Array(hkdfSync('sha256', combined, Buffer.from(req.saltHex, 'hex'), Buffer.from(stepInfo(req.sessionId, req.step), 'utf8'), 32));
      const plaintext = Buffer.from(ab);
      ab.fill(0);
      return { plaintext };
    } finally {
      combined.fill(0);
      primary.plaintext.fill(0);
      remote.fill(0);
    }
  }

  private async remoteShare(req: KeyRequest): Promise<Buffer> {
    const res = await this.fetchImpl(`${this.share.url.replace(/\/+$/, '')}/v1/shares`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.share.credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jobId: req.jobId, sessionId: req.sessionId, attestationHash: req.attestationHash, step: req.step }),
    }).catch((e: Error) => {
      throw privacyError('key_broker_unavailable', `the share service is unreachable: ${e.message}`);
    });
    const body = (await res.json().catch(() => ({}))) as { share?: string; error?: string };
    if (!res.ok)
      throw privacyError('key_broker_unavailable', `the share service answered ${res.status}: ${body.error ?? 'no detail'}`, { upstreamStatus: res.status });
    const share = Buffer.from(String(body.share ?? ''), 'base64');
    if (share.length !== 32) throw privacyError('key_broker_unavailable', `the share service returned a ${share.length}-byte share, not 32`);
    return share;
  }
}
