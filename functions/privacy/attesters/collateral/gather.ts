/**
 * Completes evidence with the collateral it needs from a CollateralSource (the DynamoDB cache in
 * front of the vendors, or files): the VCEK and the KDS CRL for SEV-SNP, the TCB info / QE
 * identity / CRLs of the quote's FMSPC for TDX, the driver and VBIOS RIMs for NVIDIA. What the
 * provider already sent is kept; nothing here decides trust (the verifier does, against the
 * pinned roots), so a source that lies can only make verification fail.
 */
import { X509Certificate } from 'node:crypto';
import type { Evidence } from '../verify.ts';
import { decodeTcb, parseSnpReport, productFromCpuid, type SnpProduct } from '../domain/snp/report.ts';
import { parseTdxQuote } from '../domain/tdx/quote.ts';
import { opaqueFacts, parseGpuReport } from '../domain/nvidia/spdm.ts';
import { toHex } from '../domain/bytes.ts';
import { MalformedEvidenceError } from '../domain/result.ts';
import type { TdxCollateral } from '../domain/tdx/collateral.ts';
import { commonName, parseCertificates } from '../x509/certs.ts';
import { extensionValue } from '../x509/extensions.ts';
import { children, hexOf, oidBytes, readOnly, sameBytes } from '../x509/der.ts';
import { driverRimId, vbiosRimId } from '../drivers/nvidia-rim.ts';
import type { CollateralSource } from './source.ts';

const SGX_EXTENSIONS = '1.2.840.113741.1.13.1';
const FMSPC = oidBytes('1.2.840.113741.1.13.1.4');

/** FMSPC (6 bytes, hex) from a PCK certificate's Intel SGX extension. */
export function pckFmspc(pck: X509Certificate): string | undefined {
  const ext = extensionValue(pck, SGX_EXTENSIONS);
  if (!ext) return undefined;
  for (const item of children(readOnly(ext))) {
    const [oid, value] = children(item);
    if (oid && value && sameBytes(oid.value, FMSPC) && value.tag === 0x04) return hexOf(value.value);
  }
  return undefined;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export interface GatherOptions {
  /** SEV-SNP v2 reports do not name their product: the one to fetch for (default Milan). */
  snpProduct?: SnpProduct;
  /** Also fetch the KDS CRL (SEV-SNP). Default true. */
  snpCrl?: boolean;
}

/** Evidence that does not parse is returned as it is: `verify` then reports it as malformed. */
export async function gatherCollateral(e: Evidence, source: CollateralSource, atMs: number, o: GatherOptions = {}): Promise<Evidence> {
  try {
    return await gather(e, source, atMs, o);
  } catch (err) {
    if (err instanceof MalformedEvidenceError) return e;
    throw err;
  }
}

async function gather(e: Evidence, source: CollateralSource, atMs: number, o: GatherOptions): Promise<Evidence> {
  switch (e.kind) {
    case 'snp': {
      const r = parseSnpReport(e.report);
      const product = (r.cpuid && productFromCpuid(r.cpuid)) ?? o.snpProduct ?? 'Milan';
      const certs = (e.certificates ?? []).flatMap((c) => parseCertificates(c));
      const out: Evidence = { ...e, certificates: [...(e.certificates ?? [])] };
      if (r.signingKey === 'vcek' && !certs.some((c) => commonName(c) === 'SEV-VCEK')) {
        const tcb = decodeTcb(r.reportedTcbRaw, product);
        const vcek = await source.fetch({ kind: 'amd-vcek', product, hwid: toHex(r.chipId), tcb }, atMs);
        if (vcek) out.certificates = [...out.certificates!, b64(vcek.body)];
      }
      if (o.snpCrl !== false && !e.crl) {
        const crl = await source.fetch({ kind: 'amd-crl', product }, atMs);
        if (crl) out.crl = b64(crl.body);
      }
      return out;
    }
    case 'tdx': {
      if (e.collateral) return e;
      const q = parseTdxQuote(e.quote);
      const [pck, ca] = parseCertificates(q.pckChainPem);
      const fmspc = pck ? pckFmspc(pck) : undefined;
      if (!fmspc || !ca) return e;
      const r = await source.fetch({ kind: 'tdx', fmspc, ca: commonName(ca).includes('Processor') ? 'processor' : 'platform' }, atMs);
      return r ? { ...e, collateral: JSON.parse(r.body) as TdxCollateral } : e;
    }
    case 'nvidia': {
      if (e.references?.rims?.length || e.references?.configured?.length) return e;
      const facts = opaqueFacts(parseGpuReport(e.report));
      const leaf = e.certificates.flatMap((c) => parseCertificates(c))[0];
      const chip = leaf ? commonName(leaf).split(' ')[0]! : 'GH100';
      const ids = [
        ...(facts.driverVersion ? [driverRimId(facts.driverVersion, chip)] : []),
        ...(facts.project && facts.projectSku && facts.chipSku && facts.vbiosVersion
          ? [vbiosRimId(facts.project, facts.projectSku, facts.chipSku, facts.vbiosVersion)]
          : []),
      ];
      const rims: { label: string; xml: string }[] = [];
      for (const id of ids) {
        const r = await source.fetch({ kind: 'nvidia-rim', id }, atMs);
        if (r) rims.push({ label: id, xml: Buffer.from(r.body, 'base64').toString('utf8') });
      }
      return { ...e, references: { rims } };
    }
  }
}
