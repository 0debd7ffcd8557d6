/**
 * AMD Key Distribution Service (VCEK Certificate and KDS Interface Specification, #57230):
 *   GET {base}/vcek/v1/{product}/{hwid}?blSPL=&teeSPL=&snpSPL=&ucodeSPL=   → the VCEK (DER)
 *       Turin: hwid is the first 8 bytes of CHIP_ID and fmcSPL comes first
 *   GET {base}/vcek/v1/{product}/cert_chain, /vlek/v1/{product}/cert_chain → ASK (or ASVK) + ARK (PEM)
 *   GET {base}/vcek/v1/{product}/crl                                        → the CRL (DER), signed by the ARK
 * KDS throttles (about one VCEK per 10 s per client): the cache in front of this matters.
 */
import { keyString, type CollateralKey, type CollateralRecord, type CollateralSource } from '../collateral/source.ts';
import { certificateRecord, crlRecord } from '../collateral/versions.ts';
import { bytesOf, getOk, type DriverOptions } from './http.ts';

export const AMD_KDS_BASE = 'https://kdsintf.amd.com';

export function vcekUrl(key: Extract<CollateralKey, { kind: 'amd-vcek' }>, base = AMD_KDS_BASE): string {
  const t = key.tcb;
  const turin = key.product === 'Turin';
  const hwid = turin ? key.hwid.slice(0, 16) : key.hwid;
  const q = turin
    ? `fmcSPL=${t.fmc ?? 0}&blSPL=${t.bootloader}&teeSPL=${t.tee}&snpSPL=${t.snp}&ucodeSPL=${t.microcode}`
    : `blSPL=${t.bootloader}&teeSPL=${t.tee}&snpSPL=${t.snp}&ucodeSPL=${t.microcode}`;
  return `${base}/vcek/v1/${key.product}/${hwid.toLowerCase()}?${q}`;
}

export const chainUrl = (product: string, signer: 'vcek' | 'vlek', base = AMD_KDS_BASE): string => `${base}/${signer}/v1/${product}/cert_chain`;
export const crlUrl = (product: string, base = AMD_KDS_BASE): string => `${base}/vcek/v1/${product}/crl`;

export class AmdKdsSource implements CollateralSource {
  constructor(private readonly o: DriverOptions & { base?: string }) {}

  async fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined> {
    const base = this.o.base ?? AMD_KDS_BASE;
    switch (key.kind) {
      case 'amd-vcek':
        return certificateRecord(keyString(key), await bytesOf(await getOk(this.o, vcekUrl(key, base), { accept: 'application/pkix-cert' })), atMs);
      case 'amd-chain':
        return certificateRecord(
          keyString(key),
          await bytesOf(await getOk(this.o, chainUrl(key.product, key.key, base), { accept: 'application/x-pem-file' })),
          atMs,
        );
      case 'amd-crl':
        return crlRecord(keyString(key), await bytesOf(await getOk(this.o, crlUrl(key.product, base), { accept: 'application/pkix-crl' })), atMs);
      default:
        return undefined;
    }
  }
}
