/** The sidecar's client of the exchange's privacy routes (the job credential in X-Job-Credential). */
import type { WireInput } from '../job-artifacts.ts';
import type { OutputGrant } from '../artifacts.ts';

export class PrivacyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PrivacyRefusal';
  }
  /** The session was cancelled or the job ended: stop the workload and zeroize at once. */
  get revoked(): boolean {
    return this.code === 'session_not_open' || this.code === 'job_credential_expired';
  }
}

export interface HandshakeReply {
  sessionId: string;
  attestationHash: string;
  step: number;
  dek: string;
  token: string;
  rotation: { intervalMs: number; graceMs: number; retryDelayMs: number; nextDueAt: string };
  /** The job's inputs, released by the gate to this attestation. */
  inputs?: WireInput[];
  outputs?: OutputGrant;
  /** The job certificate and the platform CA's (PEM), when the exchange has a CA. */
  tls?: { caCertificate: string; certificate: string; fingerprint: string; notAfter: string };
}

export class PrivacyClient {
  constructor(
    private readonly baseUrl: string,
    private readonly jobId: string,
    private readonly credential: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async post<T>(suffix: string, body: unknown): Promise<T> {
    const res = await this.fetchImpl(`${this.baseUrl.replace(/\/$/, '')}/v1/jobs/${this.jobId}/privacy/${suffix}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-job-credential': this.credential },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // a non-JSON answer: reported by status below
    }
    if (!res.ok)
      throw new PrivacyRefusal(
        res.status,
        String(parsed.code ?? 'http_error'),
        `${suffix}: ${res.status} ${String(parsed.code ?? '')} ${String(parsed.detail ?? '')}`.trim(),
      );
    return parsed as T;
  }

  nonce = (): Promise<{ nonce: string; expiresAt: string }> => this.post('nonce', {});
  handshake = (nonce: string, evidence: unknown, tlsKey?: { publicKey: string; proof: string }): Promise<HandshakeReply> =>
    this.post('handshake', { nonce, evidence, ...(tlsKey ? { tlsKey } : {}) });
  dek = (step: number): Promise<{ sessionId: string; step: number; dek: string; nextDueAt: string }> => this.post('dek', { step });
  ack = (step: number, certificateFingerprint: string): Promise<{ acknowledged: number }> => this.post('rotation', { step, certificateFingerprint });
}
