/**
 * Intel Provisioning Certification Service, API v4 (no subscription key needed for these):
 *   GET {base}/tdx/certification/v4/tcb?fmspc={fmspc}           → {"tcbInfo":…,"signature":…}, header TCB-Info-Issuer-Chain
 *   GET {base}/tdx/certification/v4/qe/identity                  → {"enclaveIdentity":…,"signature":…}, header SGX-Enclave-Identity-Issuer-Chain
 *   GET {base}/sgx/certification/v4/pckcrl?ca={platform|processor}&encoding=der → the PCK CRL, header SGX-PCK-CRL-Issuer-Chain
 *   GET https://certificates.trustedservices.intel.com/IntelSGXRootCA.der        → the root CA CRL
 * Issuer chains come URL-encoded (PEM). TCB info and QE identity are kept as the exact signed
 * text of the response (domain/tdx/collateral.ts signedMember).
 */
import { keyString, CollateralUnavailableError, type CollateralKey, type CollateralRecord, type CollateralSource } from '../collateral/source.ts';
import { signedMember, type TdxCollateral } from '../domain/tdx/collateral.ts';
import { tdxRecord } from '../collateral/versions.ts';
import { bytesOf, getOk, type DriverOptions } from './http.ts';

export const INTEL_PCS_BASE = 'https://api.trustedservices.intel.com';
export const INTEL_ROOT_CRL_URL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';

export const tcbInfoUrl = (fmspc: string, base = INTEL_PCS_BASE): string => `${base}/tdx/certification/v4/tcb?fmspc=${fmspc.toUpperCase()}`;
export const qeIdentityUrl = (base = INTEL_PCS_BASE): string => `${base}/tdx/certification/v4/qe/identity`;
export const pckCrlUrl = (ca: 'platform' | 'processor', base = INTEL_PCS_BASE): string => `${base}/sgx/certification/v4/pckcrl?ca=${ca}&encoding=der`;

function issuerChain(res: Response, header: string): string {
  const v = res.headers.get(header);
  if (!v) throw new CollateralUnavailableError(`${res.url || 'PCS'}: no ${header} header`);
  return decodeURIComponent(v);
}

export class IntelPcsSource implements CollateralSource {
  constructor(private readonly o: DriverOptions & { base?: string; rootCrlUrl?: string }) {}

  async fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined> {
    if (key.kind !== 'tdx') return undefined;
    const base = this.o.base ?? INTEL_PCS_BASE;
    const json = { accept: 'application/json' };
    const [tcb, qe, pck, root] = await Promise.all([
      getOk(this.o, tcbInfoUrl(key.fmspc, base), json),
      getOk(this.o, qeIdentityUrl(base), json),
      getOk(this.o, pckCrlUrl(key.ca, base)),
      getOk(this.o, this.o.rootCrlUrl ?? INTEL_ROOT_CRL_URL),
    ]);
    let tcbInfo: { text: string; signature: string };
    let qeIdentity: { text: string; signature: string };
    try {
      tcbInfo = signedMember(await tcb.text(), 'tcbInfo');
      qeIdentity = signedMember(await qe.text(), 'enclaveIdentity');
    } catch (e) {
      throw new CollateralUnavailableError(`PCS answered with an unexpected body: ${(e as Error).message}`);
    }
    const c: TdxCollateral = {
      pck_crl_issuer_chain: issuerChain(pck, 'SGX-PCK-CRL-Issuer-Chain'),
      root_ca_crl: Buffer.from(await bytesOf(root)).toString('hex'),
      pck_crl: Buffer.from(await bytesOf(pck)).toString('hex'),
      tcb_info_issuer_chain: issuerChain(tcb, 'TCB-Info-Issuer-Chain'),
      tcb_info: tcbInfo.text,
      tcb_info_signature: tcbInfo.signature,
      qe_identity_issuer_chain: issuerChain(qe, 'SGX-Enclave-Identity-Issuer-Chain'),
      qe_identity: qeIdentity.text,
      qe_identity_signature: qeIdentity.signature,
    };
    return tdxRecord(keyString(key), c, atMs);
  }
}
