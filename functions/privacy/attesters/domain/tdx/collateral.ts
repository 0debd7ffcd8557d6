/**
 * TDX collateral in the shape Intel's PCS answers with, as @phala/dcap-qvl takes it: the PCK
 * CRL and root CA CRL (hex DER), TCB info and QE identity as the **exact signed JSON text** with
 * their signatures (hex r‖s) and issuer chains (PEM). Re-serialising the JSON would break the
 * signature, so the text is carried as is.
 */
import * as z from 'zod';

export const tdxCollateralSchema = z.object({
  pck_crl_issuer_chain: z.string().includes('BEGIN CERTIFICATE'),
  root_ca_crl: z.string().regex(/^[0-9a-fA-F]+$/),
  pck_crl: z.string().regex(/^[0-9a-fA-F]+$/),
  tcb_info_issuer_chain: z.string().includes('BEGIN CERTIFICATE'),
  tcb_info: z.string().startsWith('{'),
  tcb_info_signature: z.string().regex(/^[0-9a-fA-F]{128}$/),
  qe_identity_issuer_chain: z.string().includes('BEGIN CERTIFICATE'),
  qe_identity: z.string().startsWith('{'),
  qe_identity_signature: z.string().regex(/^[0-9a-fA-F]{128}$/),
});

export type TdxCollateral = z.output<typeof tdxCollateralSchema>;

/**
 * The exact text of `member` in a PCS response body `{"tcbInfo":{...},"signature":"..."}` (or
 * `enclaveIdentity`), without re-serialising: the bytes Intel signed.
 */
export function signedMember(body: string, member: 'tcbInfo' | 'enclaveIdentity'): { text: string; signature: string } {
  const key = `"${member}":`;
  const start = body.indexOf(key);
  if (start < 0) throw new SyntaxError(`the response has no ${member}`);
  let i = start + key.length;
  while (body[i] === ' ') i++;
  if (body[i] !== '{') throw new SyntaxError(`${member} is not an object`);
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let j = i; j < body.length; j++) {
    const c = body[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      end = j + 1;
      break;
    }
  }
  if (end < 0) throw new SyntaxError(`${member} is not closed`);
  const signature = (JSON.parse(body) as { signature?: unknown }).signature;
  if (typeof signature !== 'string') throw new SyntaxError('the response has no signature');
  return { text: body.slice(i, end), signature };
}

/** nextUpdate of the TCB info and QE identity, the earlier of the two: when this collateral must be replaced. */
export function collateralNextUpdateMs(c: TdxCollateral): number {
  const t = Date.parse((JSON.parse(c.tcb_info) as { nextUpdate: string }).nextUpdate);
  const q = Date.parse((JSON.parse(c.qe_identity) as { nextUpdate: string }).nextUpdate);
  return Math.min(t, q);
}

/** issueDate of the TCB info (what "newer collateral" is judged by) and its tcbEvaluationDataNumber. */
export function collateralIssue(c: TdxCollateral): { issueMs: number; evaluationDataNumber: number; fmspc: string } {
  const t = JSON.parse(c.tcb_info) as { issueDate: string; tcbEvaluationDataNumber: number; fmspc: string };
  return { issueMs: Date.parse(t.issueDate), evaluationDataNumber: t.tcbEvaluationDataNumber, fmspc: t.fmspc.toLowerCase() };
}
