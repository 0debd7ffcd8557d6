/**
 * The `vault_transit` key broker (seed §2.10), over Vault's documented Transit HTTP API:
 * `POST /v1/<mount>/datakey/plaintext/<key>` {context, bits: 256} with `X-Vault-Token` gives a
 * fresh 256-bit key per step and its wrapped form; `POST /v1/<mount>/decrypt/<key>`
 * {ciphertext, context} unwraps one. The context (base64 of `jobId:attestationHash`) binds the
 * key to the job and its attestation: the transit key must be created with `derived=true`, so
 * Vault derives a different key per context and the wrong context cannot decrypt.
 */
import { jobInfo, type DataKey, type KeyBroker, type KeyRequest } from '../domain/broker.ts';
import { privacyError } from '../errors.ts';

export interface VaultTransitSettings {
  /** Vault's address, for example https://vault.internal:8200 */
  addr: string;
  token: string;
  /** Where the transit engine is mounted (default `transit`). */
  mount: string;
  /** The transit key's name. */
  key: string;
}

const contextOf = (jobId: string, attestationHash: string) => Buffer.from(jobInfo(jobId, attestationHash), 'utf8').toString('base64');

export class VaultTransitBroker implements KeyBroker {
  readonly name = 'vault_transit' as const;
  constructor(
    private readonly s: VaultTransitSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async dataKey(req: KeyRequest): Promise<DataKey & { ciphertext: string }> {
    const data = await this.post(`datakey/plaintext/${encodeURIComponent(this.s.key)}`, { context: contextOf(req.jobId, req.attestationHash), bits: 256 });
    const plaintext = Buffer.from(String(data.plaintext ?? ''), 'base64');
    if (plaintext.length !== 32) {
      plaintext.fill(0);
      throw new Error(`vault returned a ${plaintext.length}-byte data key, not a 32-byte one`);
    }
    return { plaintext, ciphertext: String(data.ciphertext) };
  }

  /** Unwraps a data key Vault wrapped for this job and attestation hash (the wrong context is refused by Vault). */
  async decrypt(ciphertext: string, jobId: string, attestationHash: string): Promise<Buffer> {
    const data = await this.post(`decrypt/${encodeURIComponent(this.s.key)}`, { ciphertext, context: contextOf(jobId, attestationHash) });
    return Buffer.from(String(data.plaintext ?? ''), 'base64');
  }

  private async post(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = `${this.s.addr.replace(/\/+$/, '')}/v1/${this.s.mount}/${path}`;
    const res = await this.fetchImpl(url, {
      method: 'POST',
      headers: { 'x-vault-token': this.s.token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch((e: Error) => {
      throw privacyError('key_broker_unavailable', `vault unreachable: ${e.message}`);
    });
    const json = (await res.json().catch(() => ({}))) as { data?: Record<string, unknown>; errors?: string[] };
    const errors = Array.isArray(json.errors) ? json.errors.map(String).join('; ') : '';
    if (!res.ok) throw privacyError('key_broker_unavailable', `vault answered ${res.status}: ${errors || 'no detail'}`, { upstreamStatus: res.status });
    if (!json.data) throw privacyError('key_broker_unavailable', `vault answered ${res.status} with no data`);
    return json.data;
  }
}
