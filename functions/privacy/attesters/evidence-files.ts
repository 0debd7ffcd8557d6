/**
 * Evidence and collateral as the vendors' tools write them, read from files (for the CLI and
 * the offline collateral source): SEV-SNP reports in binary or hex (snpguest, virtee), KDS
 * certificates as PEM or DER, one file or a folder; DCAP quote files (binary, or hex);
 * PCS collateral JSON; nvtrust's hex report and PEM chain; RIM files or a folder of them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as z from 'zod';
import { fromHex } from './domain/bytes.ts';
import { MalformedEvidenceError } from './domain/result.ts';
import type { ReferenceSet } from './domain/nvidia/golden.ts';
import { signedMember, type TdxCollateral } from './domain/tdx/collateral.ts';

const HEX_TEXT = /^[\s0-9a-fA-F]*$/;

/** Binary as is; a file of only hex digits and whitespace is decoded. */
export function readBinaryOrHex(path: string, expectBytes?: number): Uint8Array {
  const raw = new Uint8Array(readFileSync(path));
  if (expectBytes !== undefined && raw.length === expectBytes) return raw;
  const text = Buffer.from(raw).toString('latin1');
  if (raw.length > 0 && HEX_TEXT.test(text) && /[0-9a-fA-F]/.test(text)) return fromHex(text, path);
  return raw;
}

const CERT_EXT = new Set(['.pem', '.der', '.cer', '.crt', '.testcer', '.txt', '']);

/** Files of a folder (sorted, so the order is the same everywhere), or the one file. */
function filesOf(path: string, exts: Set<string>): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .map((n) => join(path, n))
    .filter((p) => statSync(p).isFile() && exts.has(extname(p).toLowerCase()));
}

const looksLikeCertificate = (b: Uint8Array): boolean => b[0] === 0x30 || Buffer.from(b).includes('-----BEGIN CERTIFICATE-----');

/**
 * Each certificate file's bytes (PEM bundles and DER are both left to the verifier's parser).
 * In a folder, files that are neither PEM nor DER (a README, a licence) are skipped; a file
 * named on its own is always passed on.
 */
export function readCertificates(path: string): Uint8Array[] {
  const all = filesOf(path, CERT_EXT).map((p) => new Uint8Array(readFileSync(p)));
  return statSync(path).isDirectory() ? all.filter(looksLikeCertificate) : all;
}

/**
 * PCS collateral as a folder of the PCS responses themselves (go-tdx-guest's testdata layout):
 * the TCB info and QE identity bodies, the PCK and root CA CRLs (DER), and the issuer chains
 * (PEM) the PCS sends in headers. Files are recognised by name.
 */
function readPcsFolder(dir: string): TdxCollateral {
  const names = readdirSync(dir);
  const find = (rx: RegExp, what: string): string => {
    const n = names.find((x) => rx.test(x));
    if (!n) throw new MalformedEvidenceError(`${dir}: no ${what} file`);
    return join(dir, n);
  };
  const text = (rx: RegExp, what: string) => readFileSync(find(rx, what), 'utf8');
  const hex = (rx: RegExp, what: string) => readFileSync(find(rx, what)).toString('hex');
  try {
    const tcb = signedMember(text(/tcb_?info_response$/i, 'TCB info response'), 'tcbInfo');
    const qe = signedMember(text(/qe_?identity_response$/i, 'QE identity response'), 'enclaveIdentity');
    return {
      pck_crl_issuer_chain: text(/pck_?crl_issuer_chain/i, 'PCK CRL issuer chain'),
      root_ca_crl: hex(/root_?crl/i, 'root CA CRL'),
      pck_crl: hex(/^pck_?crl(\.der)?$/i, 'PCK CRL'),
      tcb_info_issuer_chain: text(/tcb_?info_issuer_chain/i, 'TCB info issuer chain'),
      tcb_info: tcb.text,
      tcb_info_signature: tcb.signature,
      qe_identity_issuer_chain: text(/qe_?identity_issuer_chain/i, 'QE identity issuer chain'),
      qe_identity: qe.text,
      qe_identity_signature: qe.signature,
    };
  } catch (e) {
    if (e instanceof MalformedEvidenceError) throw e;
    throw new MalformedEvidenceError(`${dir}: ${(e as Error).message}`);
  }
}

/** DER files (OCSP responses): one file, or every .der/.ocsp file of a folder. */
export const readDerFiles = (path: string): Uint8Array[] => filesOf(path, new Set(['.der', '.ocsp', '.resp'])).map((p) => new Uint8Array(readFileSync(p)));

/** A CRL file as KDS serves it (DER), or PEM text. */
export function readCrl(path: string): Uint8Array | string {
  const raw = readFileSync(path);
  return /-----BEGIN (X509 )?CRL-----/.test(raw.toString('latin1')) ? raw.toString('latin1') : new Uint8Array(raw);
}

/** The PCS collateral JSON (dcap-qvl's shape), or a folder of raw PCS responses. */
export function readTdxCollateral(path: string): TdxCollateral {
  if (statSync(path).isDirectory()) return readPcsFolder(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new MalformedEvidenceError(`${path}: not JSON (${(e as Error).message})`);
  }
  return json as TdxCollateral;
}

const configuredSchema = z.object({
  source: z.string().default('configured'),
  version: z.string().optional(),
  measurements: z.array(
    z.object({
      index: z.number().int().min(0),
      active: z.boolean().default(true),
      size: z.number().int().positive(),
      alternatives: z.array(z.string().regex(/^[0-9a-fA-F]+$/)).min(1),
    }),
  ),
});

/** RIM files (.swidtag / .xml) and configured lists (.json: { measurements: [{index, size, alternatives}] }). */
export function readReferences(path: string): { rims: { label: string; xml: string }[]; configured: ReferenceSet[] } {
  const rims: { label: string; xml: string }[] = [];
  const configured: ReferenceSet[] = [];
  for (const p of filesOf(path, new Set(['.swidtag', '.xml', '.json']))) {
    const text = readFileSync(p, 'utf8');
    if (extname(p).toLowerCase() === '.json') {
      const c = configuredSchema.parse(JSON.parse(text));
      configured.push({ ...c, measurements: c.measurements.map((m) => ({ ...m, alternatives: m.alternatives.map((a) => a.toLowerCase()) })) });
    } else {
      rims.push({ label: p.split('/').pop()!, xml: text });
    }
  }
  return { rims, configured };
}
