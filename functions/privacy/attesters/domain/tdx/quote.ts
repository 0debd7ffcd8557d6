/**
 * Intel DCAP quote v4 and v5 with a TDX body (Intel TDX DCAP Quoting Library API, "Quote
 * Format"): a 48-byte header, the TD report (TD 1.0: 584 bytes; v5 adds a body descriptor and
 * may carry TD 1.5: 648 bytes), then the ECDSA signature data: the quote signature, the
 * attestation key, and certification data type 6 (the QE report, its signature by the PCK key,
 * the QE auth data, and the PCK chain as type 5). The quote signature covers header + body.
 */
import { MalformedEvidenceError } from '../result.ts';
import { Reader } from '../bytes.ts';

export const TEE_TYPE_TDX = 0x81;
export const ATT_KEY_ECDSA_P256 = 2;
export const CERT_TYPE_PCK_CHAIN = 5;
export const CERT_TYPE_QE_REPORT = 6;
const HEADER_BYTES = 48;
const TD10_BYTES = 584;
const TD15_BYTES = 648;
const QE_REPORT_BYTES = 384;
/** Anything longer is not a quote (the PCK chain is ~4 KB). */
export const MAX_QUOTE_BYTES = 64 * 1024;

export interface TdReport {
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  tdAttributes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  /** TD 1.5 only. */
  teeTcbSvn2?: Uint8Array;
  mrServiceTd?: Uint8Array;
}

export interface QeReport {
  raw: Uint8Array;
  cpuSvn: Uint8Array;
  miscSelect: number;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
}

export interface TdxQuote {
  version: 4 | 5;
  attestationKeyType: number;
  teeType: number;
  qeVendorId: Uint8Array;
  userData: Uint8Array;
  /** v5 body type: 2 TD 1.0, 3 TD 1.5 (v4: 2). */
  bodyType: number;
  report: TdReport;
  /** Header and body: what the attestation key signs. */
  signed: Uint8Array;
  /** r‖s, 64 bytes. */
  signature: Uint8Array;
  /** Uncompressed P-256 point without the 0x04 prefix, 64 bytes. */
  attestationKey: Uint8Array;
  qeReport: QeReport;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** The PCK chain PEM text (leaf first), from certification data type 5. */
  pckChainPem: string;
  /** Bytes after the signature data (tolerated, reported). */
  trailingBytes: number;
}

function tdReport(r: Reader, td15: boolean): TdReport {
  const rep: TdReport = {
    teeTcbSvn: r.take(16),
    mrSeam: r.take(48),
    mrSignerSeam: r.take(48),
    seamAttributes: r.take(8),
    tdAttributes: r.take(8),
    xfam: r.take(8),
    mrTd: r.take(48),
    mrConfigId: r.take(48),
    mrOwner: r.take(48),
    mrOwnerConfig: r.take(48),
    rtmr: [r.take(48), r.take(48), r.take(48), r.take(48)],
    reportData: r.take(64),
  };
  if (td15) {
    rep.teeTcbSvn2 = r.take(16);
    rep.mrServiceTd = r.take(48);
  }
  return rep;
}

function qeReport(raw: Uint8Array): QeReport {
  const r = new Reader(raw, 'QE report');
  const cpuSvn = r.take(16);
  const miscSelect = r.u32();
  r.skip(28);
  const attributes = r.take(16);
  const mrEnclave = r.take(32);
  r.skip(32);
  const mrSigner = r.take(32);
  r.skip(96);
  const isvProdId = r.u16();
  const isvSvn = r.u16();
  r.skip(60);
  return { raw, cpuSvn, miscSelect, attributes, mrEnclave, mrSigner, isvProdId, isvSvn, reportData: r.take(64) };
}

export function parseTdxQuote(bytes: Uint8Array): TdxQuote {
  if (bytes.length > MAX_QUOTE_BYTES) throw new MalformedEvidenceError(`a quote of ${bytes.length} bytes is larger than ${MAX_QUOTE_BYTES}`);
  const r = new Reader(bytes, 'TDX quote');
  const version = r.u16();
  if (version !== 4 && version !== 5) throw new MalformedEvidenceError(`quote version ${version} is not 4 or 5`);
  const attestationKeyType = r.u16();
  const teeType = r.u32();
  r.skip(4);
  const qeVendorId = r.take(16);
  const userData = r.take(20);
  if (r.offset !== HEADER_BYTES) throw new MalformedEvidenceError('quote header is not 48 bytes');
  if (attestationKeyType !== ATT_KEY_ECDSA_P256) throw new MalformedEvidenceError(`attestation key type ${attestationKeyType} is not ECDSA P-256`);
  let bodyType = 2;
  let td15 = false;
  if (version === 5) {
    bodyType = r.u16();
    const size = r.u32();
    if (bodyType === 2 && size === TD10_BYTES) td15 = false;
    else if (bodyType === 3 && size === TD15_BYTES) td15 = true;
    else throw new MalformedEvidenceError(`v5 body type ${bodyType} of ${size} bytes is not a TD report`);
  }
  const report = tdReport(r, td15);
  const signed = bytes.subarray(0, r.offset);
  const sigDataLen = r.u32();
  const sigStart = r.offset;
  const signature = r.take(64);
  const attestationKey = r.take(64);
  const certType = r.u16();
  const certLen = r.u32();
  if (certType !== CERT_TYPE_QE_REPORT) throw new MalformedEvidenceError(`certification data type ${certType} is not 6 (QE report)`);
  const cert = new Reader(r.take(certLen), 'QE report certification data');
  const qeRaw = cert.take(QE_REPORT_BYTES);
  const qeReportSignature = cert.take(64);
  const qeAuthData = cert.take(cert.u16());
  const innerType = cert.u16();
  const innerLen = cert.u32();
  if (innerType !== CERT_TYPE_PCK_CHAIN) throw new MalformedEvidenceError(`inner certification data type ${innerType} is not 5 (PCK chain)`);
  const pck = cert.take(innerLen);
  if (cert.remaining !== 0) throw new MalformedEvidenceError('QE report certification data has bytes past its PCK chain');
  if (r.offset - sigStart !== sigDataLen) throw new MalformedEvidenceError(`signature data is ${r.offset - sigStart} bytes, the quote says ${sigDataLen}`);
  return {
    version,
    attestationKeyType,
    teeType,
    qeVendorId,
    userData,
    bodyType,
    report,
    signed,
    signature,
    attestationKey,
    qeReport: qeReport(qeRaw),
    qeReportSignature,
    qeAuthData,
    pckChainPem: Buffer.from(pck).toString('latin1').replace(/\0+$/, ''),
    trailingBytes: r.remaining,
  };
}

/** TD_ATTRIBUTES (TDX module spec): TUD bit 0 DEBUG; SEC bit 28 SEPT_VE_DISABLE; bits 1–7, 8–27 reserved. */
export function tdAttributes(attr: Uint8Array) {
  const lo = Buffer.from(attr).readUInt32LE(0);
  return {
    debug: (attr[0]! & 0x01) !== 0,
    tudReserved: (attr[0]! & 0xfe) !== 0,
    septVeDisable: (lo & (1 << 28)) !== 0,
    secReserved: (lo & 0x0fffff00) !== 0,
    pks: (lo & (1 << 30)) !== 0,
    kl: lo >>> 31 === 1,
    perfmon: (attr[7]! & 0x80) !== 0,
  };
}
