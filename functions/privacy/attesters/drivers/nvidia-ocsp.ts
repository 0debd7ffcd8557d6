/**
 * NVIDIA's OCSP responder: POST {base}/ with an OCSPRequest (Content-Type application/ocsp-request)
 * for one certificate of the GPU or RIM chain, CertID hashed with SHA-384 and a nonce, as nvtrust
 * asks; the answer is the DER OCSPResponse the verifier checks (x509/ocsp.ts). Here the nonce
 * echo is checked (a replayed response is refused before it reaches the verifier). OCSP answers
 * are short-lived and are not cached.
 */
import type { X509Certificate } from 'node:crypto';
import { CollateralUnavailableError } from '../collateral/source.ts';
import { ocspRequest, parseOcsp } from '../x509/ocsp.ts';
import { sameBytes } from '../x509/der.ts';
import type { DriverOptions } from './http.ts';

export const NVIDIA_OCSP_URL = 'https://ocsp.ndis.nvidia.com/';

export class NvidiaOcspClient {
  constructor(private readonly o: DriverOptions & { url?: string }) {}

  /** The DER OCSP response for `cert` issued by `issuer`; `nonce` from the caller's random source. */
  async status(cert: X509Certificate, issuer: X509Certificate, nonce: Uint8Array): Promise<Uint8Array> {
    const url = this.o.url ?? NVIDIA_OCSP_URL;
    let res: Response;
    try {
      res = await this.o.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        body: ocspRequest(cert, issuer, nonce),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new CollateralUnavailableError(`POST ${url}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new CollateralUnavailableError(`POST ${url}: HTTP ${res.status}`, res.status);
    const der = new Uint8Array(await res.arrayBuffer());
    let echoed: Uint8Array | undefined;
    try {
      echoed = parseOcsp(der).nonce;
    } catch (e) {
      throw new CollateralUnavailableError(`POST ${url}: ${(e as Error).message}`);
    }
    if (!echoed || !sameBytes(echoed, nonce)) throw new CollateralUnavailableError(`POST ${url}: the response does not echo the request's nonce`);
    return der;
  }
}
