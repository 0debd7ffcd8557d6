/**
 * AMD SEV-SNP: the report's ECDSA P-384 signature by the VCEK or VLEK, the key's chain
 * VCEK → ASK → ARK (or VLEK → ASVK → ARK) to the ARK pinned for its product, the key's TCB and
 * chip id against the report, an optional KDS CRL, then the policy (domain/snp/policy.ts).
 */
import { verify as verifySignature, type X509Certificate } from 'node:crypto';
import type { Clock } from '../../../platform/clock.ts';
import { Findings, MalformedEvidenceError, rejected, type Verdict } from '../domain/result.ts';
import { constantTimeEqual, isAllZero } from '../domain/bytes.ts';
import { SNP_PRODUCTS, decodeTcb, parseSnpReport, productFromCpuid, type SnpProduct, type SnpReport } from '../domain/snp/report.ts';
import { applySnpPolicy, snpClaims, type SnpClaims, type SnpPolicy } from '../domain/snp/policy.ts';
import { PINNED, type TrustAnchors } from '../roots/trust.ts';
import { anchor, checkChain, commonName, parseCertificates, sha256Of, type ChainProblem } from '../x509/certs.ts';
import { amdKeyExtensions } from '../x509/extensions.ts';
import { checkRevocation, parseCrl } from '../x509/crl.ts';

export interface SnpEvidence {
  /** The 1184-byte report. */
  report: Uint8Array;
  /** The VCEK or VLEK (DER or PEM), optionally with the ASK/ASVK and ARK, as the provider or AMD's KDS sent them. */
  certificates?: readonly (Uint8Array | string)[];
  /** AMD KDS CRL of the product (DER or PEM); checked when given. */
  crl?: Uint8Array | string;
}

const SIGNING_CN = { vcek: 'SEV-VCEK', vlek: 'SEV-VLEK' } as const;

/** The intermediate's CN for a product and key kind: "SEV-Milan" signs VCEKs, "SEV-VLEK-Milan" signs VLEKs. */
const intermediateCn = (product: SnpProduct, key: 'vcek' | 'vlek') => (key === 'vcek' ? `SEV-${product}` : `SEV-VLEK-${product}`);

interface Chained {
  product: SnpProduct;
  chain: X509Certificate[];
  ark: X509Certificate;
  problems: ChainProblem[];
}

/** The product whose pinned ARK the key chains to, trying the product the key names first. */
function chainToPinnedArk(
  leaf: X509Certificate,
  supplied: X509Certificate[],
  key: 'vcek' | 'vlek',
  hint: SnpProduct | undefined,
  atMs: number,
  trust: TrustAnchors,
): Chained | undefined {
  const order = hint ? [hint, ...SNP_PRODUCTS.filter((p) => p !== hint)] : [...SNP_PRODUCTS];
  for (const product of order) {
    const roots = trust.amd[product];
    const ark = anchor(roots.ark);
    const pinnedMid = anchor(key === 'vcek' ? roots.ask : roots.asvk);
    // A supplied intermediate is used only if it is the right kind for the key; the pinned one is always a candidate.
    const mids = [...supplied.filter((c) => commonName(c) === intermediateCn(product, key) && sha256Of(c) !== sha256Of(pinnedMid)), pinnedMid];
    for (const mid of mids) {
      const problems = checkChain([leaf, mid], ark, atMs, `${key.toUpperCase()} chain (${product})`);
      if (problems.some((p) => p.code === 'chain_untrusted')) continue;
      return { product, chain: [leaf, mid], ark, problems };
    }
  }
  return undefined;
}

const productOfName = (name: string | undefined): SnpProduct | undefined => SNP_PRODUCTS.find((p) => name?.split('-')[0] === p);

function tcbMismatch(report: SnpReport, product: SnpProduct, ext: ReturnType<typeof amdKeyExtensions>): string[] {
  const tcb = decodeTcb(report.reportedTcbRaw, product);
  const out: string[] = [];
  for (const k of ['bootloader', 'tee', 'snp', 'microcode', 'fmc'] as const) {
    const want = ext[k];
    const have = tcb[k];
    if (k !== 'fmc' && want === undefined) out.push(`${k}: the key carries no ${k} SPL`);
    if (want !== undefined && have !== undefined && want !== have) out.push(`${k}: report ${have}, key ${want}`);
    if (k === 'fmc' && product === 'Turin' && want === undefined) out.push('fmc: the Turin key carries no fmcSPL');
  }
  return out;
}

/** ECDSA P-384 / SHA-384 over bytes 0x000–0x29F, R‖S as 48-byte big-endian integers. */
function reportSignedBy(report: SnpReport, key: X509Certificate): boolean {
  try {
    return verifySignature('sha384', report.signed, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.concat([report.signatureR, report.signatureS]));
  } catch {
    return false;
  }
}

export function verifySnp(evidence: SnpEvidence, challenge: Uint8Array, policy: SnpPolicy, clock: Clock, trust: TrustAnchors = PINNED): Verdict<SnpClaims> {
  const atMs = clock.nowMs();
  let report: SnpReport;
  let certs: X509Certificate[];
  try {
    report = parseSnpReport(evidence.report);
    certs = (evidence.certificates ?? []).flatMap((c) => parseCertificates(c, 'SEV-SNP certificate'));
  } catch (e) {
    if (e instanceof MalformedEvidenceError) return rejected('malformed', e.message);
    throw e;
  }
  const f = new Findings();
  if (report.signingKey === 'none') return rejected('bad_signature', 'the report is not signed (SIGNER_INFO: no key)');
  const key = report.signingKey;
  if (key === 'vlek' && !policy.allowVlek) f.fail('chain_untrusted', 'the report is signed by a VLEK; the policy accepts only VCEKs');
  // Several keys may be supplied (a folder of KDS downloads): the one whose signature is on the report, else the first.
  const candidates = certs.filter((c) => commonName(c) === SIGNING_CN[key] && !c.ca);
  const signer = candidates.find((c) => reportSignedBy(report, c));
  const leaf = signer ?? candidates[0];
  if (!leaf) return rejected('chain_untrusted', `no ${key.toUpperCase()} certificate was supplied (the report names a ${key.toUpperCase()})`);

  let ext: ReturnType<typeof amdKeyExtensions>;
  try {
    ext = amdKeyExtensions(leaf);
  } catch (e) {
    if (e instanceof MalformedEvidenceError) return rejected('malformed', `${key.toUpperCase()} extensions: ${e.message}`);
    throw e;
  }
  const named = productOfName(ext.productName);
  const chained = chainToPinnedArk(leaf, certs, key, named, atMs, trust);
  if (!chained) {
    f.fail('chain_untrusted', `the ${key.toUpperCase()} does not chain to a pinned AMD ARK (Milan, Genoa or Turin)`);
  } else {
    for (const p of chained.problems) f.fail(p.code, p.error);
    const product = chained.product;
    if (!policy.products.includes(product))
      f.fail('wrong_product', `the ${key.toUpperCase()} chains to ARK-${product}; the policy accepts ${policy.products.join(', ')}`);
    if (named && named !== product) f.fail('wrong_product', `the ${key.toUpperCase()} names ${ext.productName} but chains to ARK-${product}`);
    const cpuProduct = report.cpuid ? productFromCpuid(report.cpuid) : undefined;
    if (report.cpuid && cpuProduct !== product)
      f.fail(
        'wrong_product',
        `the report's CPUID (family 0x${report.cpuid.family.toString(16)}, model 0x${report.cpuid.model.toString(16)}) is not ${product}`,
      );
    const mismatch = tcbMismatch(report, product, ext);
    if (mismatch.length) f.fail('chain_untrusted', `the ${key.toUpperCase()} was issued for another TCB (${mismatch.join('; ')})`);
    if (key === 'vcek' && !report.maskChipKey) {
      const hwid = ext.hwid;
      const chip = product === 'Turin' ? report.chipId.subarray(0, 8) : report.chipId;
      if (!hwid || !constantTimeEqual(hwid, chip)) f.fail('chain_untrusted', 'the VCEK was issued to another chip (hwID ≠ CHIP_ID)');
    }
    if (key === 'vlek' && !isAllZero(report.chipId)) f.fail('malformed', 'a VLEK-signed report must carry an all-zero CHIP_ID');
    if (evidence.crl !== undefined) {
      try {
        for (const p of checkRevocation(parseCrl(evidence.crl), chained.ark, [chained.chain[1]!, leaf], atMs, 'AMD CRL')) f.fail(p.code, p.error);
      } catch (e) {
        if (!(e instanceof MalformedEvidenceError)) throw e;
        f.fail('malformed', e.message);
      }
    }
    applySnpPolicy(report, product, challenge, policy, f);
  }
  if (!signer) f.fail('bad_signature', `the report's signature does not verify with the ${key.toUpperCase()}`);
  return f.verdict(snpClaims(report, chained?.product ?? named ?? 'Milan'));
}
