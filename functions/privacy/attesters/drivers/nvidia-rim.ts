/**
 * NVIDIA's RIM service: GET {base}/v1/rim/{id} → {"id", "rim": base64 of the signed SWID tag, "sha256", …}.
 * Ids: driver `NV_GPU_DRIVER_{chip}_{driver version}`, VBIOS `NV_GPU_VBIOS_{project}_{project SKU}_{chip SKU}_{VBIOS
 * version without dots, upper case}` (as nvtrust builds them). The document is verified by the
 * verifier (nvidia/rim.ts); here only its transport digest is checked (of the document or of its base64:
 * the service's documentation does not say which).
 */
import { createHash } from 'node:crypto';
import { keyString, CollateralUnavailableError, type CollateralKey, type CollateralRecord, type CollateralSource } from '../collateral/source.ts';
import { rimRecord } from '../collateral/versions.ts';
import { getOk, type DriverOptions } from './http.ts';

export const NVIDIA_RIM_BASE = 'https://rim.attestation.nvidia.com';

export const driverRimId = (driverVersion: string, chip = 'GH100'): string => `NV_GPU_DRIVER_${chip}_${driverVersion}`;
export const vbiosRimId = (project: string, projectSku: string, chipSku: string, vbiosVersion: string): string =>
  `NV_GPU_VBIOS_${project}_${projectSku}_${chipSku}_${vbiosVersion.replace(/\./g, '').toUpperCase()}`;
export const rimUrl = (id: string, base = NVIDIA_RIM_BASE): string => `${base}/v1/rim/${encodeURIComponent(id)}`;

export class NvidiaRimSource implements CollateralSource {
  constructor(private readonly o: DriverOptions & { base?: string }) {}

  async fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined> {
    if (key.kind !== 'nvidia-rim') return undefined;
    const res = await getOk(this.o, rimUrl(key.id, this.o.base ?? NVIDIA_RIM_BASE), { accept: 'application/json' });
    const body = (await res.json().catch(() => ({}))) as { id?: unknown; rim?: unknown; sha256?: unknown };
    if (typeof body.rim !== 'string' || body.id !== key.id) throw new CollateralUnavailableError(`RIM service: no RIM ${key.id} in the answer`);
    const xml = Buffer.from(body.rim, 'base64').toString('utf8');
    const digests = [createHash('sha256').update(xml, 'utf8').digest('hex'), createHash('sha256').update(body.rim).digest('hex')];
    if (typeof body.sha256 === 'string' && !digests.includes(body.sha256.toLowerCase())) {
      throw new CollateralUnavailableError(`RIM service: ${key.id} does not match its sha256`);
    }
    return rimRecord(keyString(key), xml, atMs);
  }
}
