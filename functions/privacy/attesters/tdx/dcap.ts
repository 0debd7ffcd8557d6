/**
 * TCB status from Intel's collateral through @phala/dcap-qvl (Apache-2.0), anchored on our
 * pinned Intel SGX Root CA: it checks the TCB info and QE identity signatures, chains and dates,
 * the QE identity policy, and matches the platform's TCB level. Its errors are strings; they
 * are mapped to our codes here, in one place (unknown ones become `malformed`).
 */
import { QuoteVerifier } from '@phala/dcap-qvl/src/verify.js';
import { createHash, type X509Certificate } from 'node:crypto';
import type { FailureCode } from '../domain/result.ts';
import type { TdxCollateral } from '../domain/tdx/collateral.ts';
import type { TdxQuote } from '../domain/tdx/quote.ts';
import { parseCertificates, validFromMs, validToMs } from '../x509/certs.ts';

export type DcapOutcome = { ok: true; status: string; advisoryIds: string[] } | { ok: false; code: FailureCode; error: string };

const RULES: [RegExp, FailureCode][] = [
  [/revoked/i, 'revoked_cert'],
  [/expired|not yet valid|in the future/i, 'chain_expired'],
  [
    /Signature is invalid for (tcb_info|qe_identity)|certificate chain|too short|CaUsedAsEndEntity|QE (MRSIGNER|ISVPRODID|MISCSELECT|ATTRIBUTES) mismatch/i,
    'chain_untrusted',
  ],
  [/Fmspc mismatch|non-TDX TCB info|non-SGX TCB info|Unsupported QE Identity id|TEE quote must have version|Unsupported DCAP TEE type/i, 'wrong_product'],
  [/qe_report|QE report hash|ISV enclave report signature/i, 'bad_signature'],
  [/No matching TCB level|TCB status is invalid|below minimum required|No (TDX|SGX) components|No TCB levels/i, 'tcb_too_low'],
  [/Debug mode|SEPT_VE_DISABLE/i, 'debug_enabled'],
];

export function dcapCode(message: string): FailureCode {
  return RULES.find(([rx]) => rx.test(message))?.[1] ?? 'malformed';
}

const verifiers = new WeakMap<X509Certificate, QuoteVerifier>();

/**
 * What dcap-qvl's answer depends on, minus what changes per quote of one TD (REPORT_DATA, the
 * measurements, the signatures, which the caller checks every time): every byte of the
 * collateral (its signed texts, not only their signatures), the PCK chain, the QE report, and
 * the TD's TCB SVNs and attributes.
 */
function tcbInputsKey(q: TdxQuote, c: TdxCollateral, root: X509Certificate): string {
  const h = createHash('sha256');
  const texts = [c.tcb_info, c.tcb_info_signature, c.tcb_info_issuer_chain, c.qe_identity, c.qe_identity_signature, c.qe_identity_issuer_chain];
  for (const part of [...texts, c.pck_crl, c.pck_crl_issuer_chain, c.root_ca_crl, q.pckChainPem]) h.update(part).update('\0');
  const r = q.report;
  for (const b of [q.qeReport.raw, r.teeTcbSvn, r.tdAttributes, r.teeTcbSvn2 ?? new Uint8Array(), r.mrServiceTd ?? new Uint8Array(), root.raw]) h.update(b);
  return h.update(`${q.version}:${q.teeType}`).digest('hex');
}

/** When the answer holds: inside both collaterals' issue/nextUpdate and the signing chains' validity. */
function validityWindow(c: TdxCollateral): [number, number] {
  const t = JSON.parse(c.tcb_info) as { issueDate: string; nextUpdate: string };
  const q = JSON.parse(c.qe_identity) as { issueDate: string; nextUpdate: string };
  const certs = [...parseCertificates(c.tcb_info_issuer_chain), ...parseCertificates(c.qe_identity_issuer_chain)];
  return [
    Math.max(Date.parse(t.issueDate), Date.parse(q.issueDate), ...certs.map(validFromMs)),
    Math.min(Date.parse(t.nextUpdate), Date.parse(q.nextUpdate), ...certs.map(validToMs)),
  ];
}

const answers = new Map<string, { status: string; advisoryIds: string[]; fromMs: number; toMs: number }>();
const MAX_ANSWERS = 256;
export const clearDcapCache = (): void => answers.clear();

export function dcapTcbStatus(raw: Uint8Array, q: TdxQuote, collateral: TdxCollateral, root: X509Certificate, atMs: number): DcapOutcome {
  const key = tcbInputsKey(q, collateral, root);
  const hit = answers.get(key);
  if (hit && atMs >= hit.fromMs && atMs <= hit.toMs) return { ok: true, status: hit.status, advisoryIds: [...hit.advisoryIds] };
  let v = verifiers.get(root);
  if (!v) {
    v = QuoteVerifier.newWithRootCa(root.raw);
    verifiers.set(root, v);
  }
  try {
    const r = v.verify(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), collateral, Math.floor(atMs / 1000));
    const out = { status: r.status, advisoryIds: [...(r.advisory_ids ?? [])] };
    const [fromMs, toMs] = validityWindow(collateral);
    if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
    answers.set(key, { ...out, fromMs, toMs });
    return { ok: true, ...out };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    return { ok: false, code: dcapCode(message), error: `collateral: ${message}` };
  }
}
