/**
 * NVIDIA's signed reference values (RIM: an ISO/IEC 19770-2 SWID tag, XML-DSig enveloped,
 * C14N 1.1, ECDSA P-384 / SHA-384), verified with xml-crypto plus the three algorithms it does
 * not ship: C14N 1.1 (registered as C14N 1.0, which is the same canonical form when the
 * document has no xml:id or xml:base, asserted below), SHA-384, and ECDSA-SHA384 (r‖s).
 * The signer's chain (in KeyInfo) must reach the pinned NVIDIA RIM root. Measurements are read
 * only from what the signature covered (getSignedReferences), never from the document as
 * received, so a wrapped or appended element cannot add golden values.
 */
import { createHash, verify as verifySignature, type X509Certificate } from 'node:crypto';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { C14nCanonicalization, SignedXml, type HashAlgorithm, type SignatureAlgorithm } from 'xml-crypto';
import { Findings, MalformedEvidenceError } from '../domain/result.ts';
import type { GoldenMeasurement, ReferenceSet } from '../domain/nvidia/golden.ts';
import { NVIDIA_RIM_ROOT } from '../roots/nvidia.ts';
import type { PinnedCert } from '../roots/pinned.ts';
import { anchor, checkChain, parseCertificates, validFromMs } from '../x509/certs.ts';

/** A time inside every certificate's validity (when there is one), so that the signature pass reports no date problems. */
const chainMidpointMs = (chain: X509Certificate[]): number => Math.max(...chain.map(validFromMs));

const C14N11 = 'http://www.w3.org/2006/12/xml-c14n11';
const SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384';
const ECDSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SWID_NS = 'http://standards.iso.org/iso/19770/-2/2015/schema.xsd';
const HASH_NS = 'http://www.w3.org/2001/04/xmlenc#sha384';
/** RIMs are ~20 KB; refuse anything far larger before parsing. */
const MAX_RIM_BYTES = 1024 * 1024;

class C14n11AsC14n10 extends C14nCanonicalization {
  override getAlgorithmName() {
    return C14N11 as never;
  }
}

class Sha384 implements HashAlgorithm {
  getAlgorithmName() {
    return SHA384 as never;
  }
  getHash(xml: string): string {
    return createHash('sha384').update(xml, 'utf8').digest('base64');
  }
}

class EcdsaSha384 implements SignatureAlgorithm {
  getAlgorithmName() {
    return ECDSA_SHA384 as never;
  }
  getSignature(): never {
    throw new Error('signing RIMs is not supported');
  }
  verifySignature(material: string, key: Parameters<SignatureAlgorithm['verifySignature']>[1], signatureValue: string): boolean {
    try {
      return verifySignature('sha384', Buffer.from(material, 'utf8'), { key: key as never, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'));
    } catch {
      return false;
    }
  }
}

export interface VerifiedRim extends ReferenceSet {
  product?: string;
  signerChain: X509Certificate[];
}

function elements(root: Element | Document, ns: string, local: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, local) as unknown as ArrayLike<Element>);
}

function golden(doc: Document | Element): { version?: string; product?: string; measurements: GoldenMeasurement[] } {
  const meta = elements(doc, SWID_NS, 'Meta')[0];
  const measurements: GoldenMeasurement[] = [];
  for (const r of elements(doc, SWID_NS, 'Resource')) {
    if (r.getAttribute('type') !== 'Measurement') continue;
    const index = Number(r.getAttribute('index'));
    const alternatives = Number(r.getAttribute('alternatives') ?? '1');
    const size = Number(r.getAttribute('size'));
    if (!Number.isInteger(index) || !Number.isInteger(alternatives) || !Number.isInteger(size))
      throw new MalformedEvidenceError('RIM: a Resource has no integer index, size or alternatives');
    const values: string[] = [];
    for (let i = 0; i < alternatives; i++) {
      const h = r.getAttributeNS(HASH_NS, `Hash${i}`);
      if (!h || !/^[0-9a-fA-F]+$/.test(h)) throw new MalformedEvidenceError(`RIM: measurement ${index} lacks Hash${i}`);
      values.push(h.toLowerCase());
    }
    measurements.push({ index, active: r.getAttribute('active') === 'True', size, alternatives: values });
  }
  const out: { version?: string; product?: string; measurements: GoldenMeasurement[] } = { measurements };
  const version = meta?.getAttribute('colloquialVersion');
  const product = meta?.getAttribute('product');
  if (version) out.version = version;
  if (product) out.product = product;
  return out;
}

function parseXml(xml: string): Document {
  let fatal: string | undefined;
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && (fatal ??= msg)) }).parseFromString(xml, 'text/xml');
  } catch (e) {
    fatal ??= (e as Error).message;
  }
  if (fatal || !doc?.documentElement) throw new MalformedEvidenceError(`RIM is not XML: ${fatal ?? 'empty'}`);
  return doc;
}

type RimCheck = { rim?: Omit<VerifiedRim, 'source'> & { version?: string }; problems: Findings['list'] };
const checked = new Map<string, RimCheck>();
const MAX_CHECKED = 64;
export const clearRimCache = (): void => checked.clear();

/**
 * Verifies one RIM at `atMs` and returns its reference values; problems go to `f` (bad
 * signature, chain). Returns undefined when nothing trustworthy could be read. The XML
 * signature check (~100 ms: canonicalising 20 KB) is done once per distinct document; the
 * signer chain's dates are checked on every call.
 */
export function verifyRim(xml: string, label: string, atMs: number, f: Findings, root: PinnedCert = NVIDIA_RIM_ROOT): VerifiedRim | undefined {
  const key = `${root.sha256}:${createHash('sha256').update(xml).digest('hex')}`;
  let c = checked.get(key);
  if (!c) {
    const g = new Findings();
    const rim = verifyRimSignature(xml, label, g, root);
    c = { ...(rim ? { rim } : {}), problems: g.list };
    if (checked.size >= MAX_CHECKED) checked.delete(checked.keys().next().value!);
    checked.set(key, c);
  }
  for (const p of c.problems) f.fail(p.code, p.error.replace(/^[^:]*:/, `${label}:`));
  if (!c.rim) return undefined;
  for (const p of checkChain(c.rim.signerChain, anchor(root), atMs, `${label} signer chain`)) f.fail(p.code, p.error);
  return { ...c.rim, source: `${label}${c.rim.version ? ` ${c.rim.version}` : ''}` };
}

/** Everything but the dates: parse, signer chain signatures, XML signature, signed golden values. */
function verifyRimSignature(xml: string, label: string, f: Findings, root: PinnedCert): (Omit<VerifiedRim, 'source'> & { version?: string }) | undefined {
  if (xml.length > MAX_RIM_BYTES) {
    f.fail('malformed', `${label}: larger than ${MAX_RIM_BYTES} bytes`);
    return undefined;
  }
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (e) {
    if (!(e instanceof MalformedEvidenceError)) throw e;
    f.fail('malformed', `${label}: ${e.message}`);
    return undefined;
  }
  if (/\sxml:(id|base)\s*=/.test(xml)) {
    f.fail('malformed', `${label}: carries xml:id or xml:base, where C14N 1.1 differs from 1.0`);
    return undefined;
  }
  const sigs = elements(doc, DSIG_NS, 'Signature');
  if (sigs.length !== 1) {
    f.fail('bad_signature', `${label}: has ${sigs.length} signatures, not one`);
    return undefined;
  }
  const certB64 = elements(sigs[0]!, DSIG_NS, 'X509Certificate').map((e) => (e.textContent ?? '').replace(/\s+/g, ''));
  let chain: X509Certificate[];
  try {
    chain = certB64.flatMap((b) => parseCertificates(new Uint8Array(Buffer.from(b, 'base64')), `${label} signer certificate`));
  } catch (e) {
    if (!(e instanceof MalformedEvidenceError)) throw e;
    f.fail('malformed', e.message);
    return undefined;
  }
  if (chain.length === 0) {
    f.fail('chain_untrusted', `${label}: no signer certificate in KeyInfo`);
    return undefined;
  }
  // Dates are the caller's (verifyRim) to check at its clock; here only the signatures.
  for (const p of checkChain(chain, anchor(root), chainMidpointMs(chain), `${label} signer chain`)) if (p.code !== 'chain_expired') f.fail(p.code, p.error);

  const sx = new SignedXml({ publicCert: chain[0]!.toString(), getCertFromKeyInfo: () => null });
  sx.CanonicalizationAlgorithms[C14N11 as never] = C14n11AsC14n10 as never;
  sx.HashAlgorithms[SHA384 as never] = Sha384 as never;
  sx.SignatureAlgorithms[ECDSA_SHA384 as never] = EcdsaSha384 as never;
  let ok = false;
  let signedXml: string | undefined;
  try {
    sx.loadSignature(sigs[0]! as never);
    ok = sx.checkSignature(xml);
    const refs = sx.getSignedReferences();
    const wholeDocument = sx.getReferences().length === 1 && sx.getReferences()[0]!.uri === '';
    if (ok && (!wholeDocument || refs.length !== 1)) {
      f.fail('bad_signature', `${label}: the signature does not cover the whole document (one reference, URI="")`);
      return undefined;
    }
    signedXml = refs[0];
  } catch {
    ok = false;
  }
  if (!ok || !signedXml) {
    f.fail('bad_signature', `${label}: the XML signature does not verify`);
    return undefined;
  }
  try {
    const g = golden(parseXml(signedXml));
    return { ...g, signerChain: chain };
  } catch (e) {
    if (!(e instanceof MalformedEvidenceError)) throw e;
    f.fail('malformed', `${label}: ${e.message}`);
    return undefined;
  }
}
