/**
 * NVIDIA GPU (Hopper CC): the SPDM MEASUREMENTS signature (ECDSA P-384 over request ‖ response
 * without the signature) by the device's attestation-key certificate, that certificate's chain
 * to the pinned NVIDIA device root, the nonce, and the measurements against reference values:
 * signed RIMs (verified against the pinned RIM root) or a configured list.
 */
import { verify as verifySignature, type X509Certificate } from 'node:crypto';
import type { Clock } from '../../../platform/clock.ts';
import { Findings, MalformedEvidenceError, rejected, type Verdict } from '../domain/result.ts';
import { parseGpuReport, opaqueFacts, type GpuReport } from '../domain/nvidia/spdm.ts';
import { compareMeasurements, mergeGolden, type ReferenceSet } from '../domain/nvidia/golden.ts';
import { applyNvidiaPolicy, nvidiaClaims, type CcMode, type NvidiaClaims, type NvidiaPolicy } from '../domain/nvidia/policy.ts';
import { PINNED, type TrustAnchors } from '../roots/trust.ts';
import { anchor, checkChain, commonName, parseCertificates, sha256Of } from '../x509/certs.ts';
import { checkOcsp, parseOcsp, statusFor, type ParsedOcsp } from '../x509/ocsp.ts';
import { verifyRim } from './rim.ts';

export interface NvidiaEvidence {
  /** Request ‖ response bytes (nvtrust writes them as hex text). */
  report: Uint8Array;
  /** The GPU's attestation-key chain, leaf first (nvtrust: a PEM bundle). */
  certificates: readonly (Uint8Array | string)[];
  /** The host's CC mode as the driver states it (unsigned; optional). */
  ccMode?: CcMode;
  /** OCSP responses (DER) for the chain's certificates, as NVIDIA's OCSP service answers; each is checked when given. */
  ocsp?: readonly Uint8Array[];
  /** Reference values: signed RIM documents (driver and VBIOS) and/or configured lists. */
  references?: { rims?: { label: string; xml: string }[]; configured?: ReferenceSet[] };
}

/** Each certificate below the root against its OCSP response, where one is given (or required). */
function checkChainOcsp(chain: X509Certificate[], root: X509Certificate, ocsp: ParsedOcsp[], required: boolean, atMs: number, f: Findings): void {
  const path = [...chain];
  if (path.length && sha256Of(path[path.length - 1]!) === sha256Of(root)) path.pop();
  path.push(root);
  for (let i = 0; i < path.length - 1; i++) {
    const [cert, issuer] = [path[i]!, path[i + 1]!];
    const r = ocsp.find((p) => statusFor(p, cert, issuer));
    if (r) for (const p of checkOcsp(r, cert, issuer, atMs, 'GPU certificate chain')) f.fail(p.code, p.error);
    else if (required) f.fail('chain_untrusted', `no OCSP response for ${commonName(cert)}`);
  }
}

export function verifyNvidia(
  evidence: NvidiaEvidence,
  challenge: Uint8Array,
  policy: NvidiaPolicy,
  clock: Clock,
  trust: TrustAnchors = PINNED,
): Verdict<NvidiaClaims> {
  const atMs = clock.nowMs();
  let report: GpuReport;
  let chain: X509Certificate[];
  let ocsp: ParsedOcsp[];
  try {
    report = parseGpuReport(evidence.report);
    chain = evidence.certificates.flatMap((c) => parseCertificates(c, 'GPU certificate'));
    ocsp = (evidence.ocsp ?? []).map(parseOcsp);
  } catch (e) {
    if (e instanceof MalformedEvidenceError) return rejected('malformed', e.message);
    throw e;
  }
  if (chain.length === 0) return rejected('chain_untrusted', 'no GPU certificate chain was supplied');
  const f = new Findings();
  const leaf = chain[0]!;
  const leafCn = commonName(leaf);
  const root = anchor(trust.nvidiaDevice);
  for (const p of checkChain(chain, root, atMs, 'GPU certificate chain')) f.fail(p.code, p.error);
  checkChainOcsp(chain, root, ocsp, policy.requireOcsp, atMs, f);
  if (leaf.ca) f.fail('chain_untrusted', `${leafCn} is a CA certificate, not a device key`);
  if (policy.products && !policy.products.some((p) => leafCn.startsWith(p))) f.fail('wrong_product', `${leafCn} is not one of ${policy.products.join(', ')}`);

  let sigOk = false;
  try {
    sigOk = verifySignature('sha384', report.signed, { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, report.signature);
  } catch {
    sigOk = false;
  }
  if (!sigOk) f.fail('bad_signature', `the measurements are not signed by ${leafCn}`);

  applyNvidiaPolicy(report, challenge, evidence.ccMode, policy, f);

  const sets: ReferenceSet[] = [...(evidence.references?.configured ?? [])];
  const o = opaqueFacts(report);
  for (const rim of evidence.references?.rims ?? []) {
    const v = verifyRim(rim.xml, rim.label, atMs, f, trust.nvidiaRim);
    if (!v) continue;
    if (policy.requireRimVersionMatch && v.version) {
      const matches = [o.driverVersion, o.vbiosVersion].some((x) => x !== undefined && x.toLowerCase() === v.version!.toLowerCase());
      if (!matches) f.fail('measurement_mismatch', `${rim.label} is for version ${v.version}; the GPU runs driver ${o.driverVersion}, VBIOS ${o.vbiosVersion}`);
    }
    const gpu = leafCn.split(' ')[0];
    if (v.product && gpu && v.product !== gpu) f.fail('measurement_mismatch', `${rim.label} is for ${v.product}; the GPU is ${gpu}`);
    sets.push(v);
  }
  let compared = { matched: 0, compared: 0 };
  if (sets.length === 0) {
    if (policy.requireReferenceValues) f.fail('measurement_mismatch', 'no reference values (RIMs or a configured list): measurements cannot be compared');
  } else {
    compared = compareMeasurements(report.response.blocks, mergeGolden(sets, f), o.nvdec0 === 'disabled', f);
  }
  return f.verdict(nvidiaClaims(report, leafCn, evidence.ccMode, { ...compared, sources: sets.map((s) => s.source) }));
}
