/**
 * NVIDIA GPU attestation report: the SPDM 1.1 GET_MEASUREMENTS request (DSP0274 §10.11: version
 * 0x11, code 0xE0, param1 bit 0 = signature requested, param2 0xFF = all blocks, the 32-byte
 * requester nonce, the slot) followed by the MEASUREMENTS response (code 0x60: number of
 * blocks, a 24-bit record length, DMTF measurement blocks, the responder nonce, opaque data as
 * NVIDIA's type/length/value items, and a 96-byte ECDSA P-384 signature over request ‖ response
 * without the signature). Parsed by structure: bytes after the signature are tolerated and counted.
 */
import { MalformedEvidenceError } from '../result.ts';
import { Reader } from '../bytes.ts';

export const SPDM_VERSION_11 = 0x11;
export const GET_MEASUREMENTS = 0xe0;
export const MEASUREMENTS = 0x60;
export const SPDM_NONCE_BYTES = 32;
export const P384_SIGNATURE_BYTES = 96;
const REQUEST_BYTES = 4 + SPDM_NONCE_BYTES + 1;
/** A report longer than this is not a report. */
export const MAX_REPORT_BYTES = 64 * 1024;

/** NVIDIA's opaque data item types (as nvtrust names them). */
export const OPAQUE = {
  certIssuerName: 1,
  driverVersion: 3,
  gpuInfo: 4,
  vbiosVersion: 6,
  nvdec0Status: 11,
  measurementCount: 12,
  chipSku: 15,
  project: 17,
  projectSku: 18,
  featureFlag: 36,
} as const;
export const NVDEC_ENABLED = 0xaa;
export const NVDEC_DISABLED = 0x55;

export interface MeasurementBlock {
  index: number;
  dmtfType: number;
  value: Uint8Array;
}

export interface GpuReport {
  request: { version: number; param1: number; param2: number; nonce: Uint8Array; slot: number };
  response: { version: number; param1: number; param2: number; blocks: MeasurementBlock[]; nonce: Uint8Array; opaque: Map<number, Uint8Array> };
  /** request ‖ response up to the signature: what the device key signs. */
  signed: Uint8Array;
  /** r‖s, 48 bytes each. */
  signature: Uint8Array;
  trailingBytes: number;
}

function blocks(record: Uint8Array, count: number): MeasurementBlock[] {
  const r = new Reader(record, 'measurement record');
  const out: MeasurementBlock[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const index = r.u8();
    const spec = r.u8();
    const size = r.u16();
    if (spec !== 0x01) throw new MalformedEvidenceError(`measurement block ${index} is not in the DMTF format (specification 0x${spec.toString(16)})`);
    const m = new Reader(r.take(size), `measurement block ${index}`);
    const dmtfType = m.u8();
    const value = m.take(m.u16());
    if (m.remaining !== 0) throw new MalformedEvidenceError(`measurement block ${index} has bytes past its value`);
    if (seen.has(index)) throw new MalformedEvidenceError(`measurement block ${index} appears twice`);
    seen.add(index);
    out.push({ index, dmtfType, value });
  }
  if (r.remaining !== 0) throw new MalformedEvidenceError('the measurement record has bytes past its blocks');
  return out;
}

function opaqueItems(data: Uint8Array): Map<number, Uint8Array> {
  const r = new Reader(data, 'opaque data');
  const out = new Map<number, Uint8Array>();
  while (r.remaining > 0) {
    const type = r.u16();
    const value = r.take(r.u16());
    if (out.has(type)) throw new MalformedEvidenceError(`opaque data item ${type} appears twice`);
    out.set(type, value);
  }
  return out;
}

export function parseGpuReport(bytes: Uint8Array): GpuReport {
  if (bytes.length > MAX_REPORT_BYTES) throw new MalformedEvidenceError(`a GPU report of ${bytes.length} bytes is larger than ${MAX_REPORT_BYTES}`);
  const r = new Reader(bytes, 'GPU attestation report');
  const version = r.u8();
  const code = r.u8();
  if (version !== SPDM_VERSION_11 || code !== GET_MEASUREMENTS) {
    throw new MalformedEvidenceError(`the report does not start with an SPDM 1.1 GET_MEASUREMENTS request (${version.toString(16)} ${code.toString(16)})`);
  }
  const param1 = r.u8();
  const param2 = r.u8();
  const nonce = r.take(SPDM_NONCE_BYTES);
  const slot = r.u8();
  if (r.offset !== REQUEST_BYTES) throw new MalformedEvidenceError('request is not 37 bytes');
  if ((param1 & 1) !== 1) throw new MalformedEvidenceError('the request did not ask for a signature');
  const rv = r.u8();
  const rc = r.u8();
  if (rv !== SPDM_VERSION_11 || rc !== MEASUREMENTS)
    throw new MalformedEvidenceError(`the response is not an SPDM 1.1 MEASUREMENTS response (${rv.toString(16)} ${rc.toString(16)})`);
  const rp1 = r.u8();
  const rp2 = r.u8();
  const count = r.u8();
  const recordLen = r.u24();
  const record = blocks(r.take(recordLen), count);
  const rnonce = r.take(SPDM_NONCE_BYTES);
  const opaque = opaqueItems(r.take(r.u16()));
  const signed = bytes.subarray(0, r.offset);
  const signature = r.take(P384_SIGNATURE_BYTES);
  return {
    request: { version, param1, param2, nonce, slot },
    response: { version: rv, param1: rp1, param2: rp2, blocks: record, nonce: rnonce, opaque },
    signed,
    signature,
    trailingBytes: r.remaining,
  };
}

const text = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString('latin1').replace(/\0+$/, '') : undefined);

/** The VBIOS version as nvtrust prints it: the first half reversed, then the first byte of the second half ("96.00.5e.00.01"). */
export function vbiosVersion(b: Uint8Array | undefined): string | undefined {
  if (!b || b.length < 2) return undefined;
  const half = b.length / 2;
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  return [...b.subarray(0, Math.floor(half))].reverse().map(hex).join('.') + `.${hex(b[Math.floor(half)]!)}`;
}

function nvdecStatus(b: Uint8Array | undefined): 'enabled' | 'disabled' | 'invalid' | undefined {
  if (b === undefined) return undefined;
  if (b.length === 1 && b[0] === NVDEC_DISABLED) return 'disabled';
  if (b.length === 1 && b[0] === NVDEC_ENABLED) return 'enabled';
  return 'invalid';
}

export function opaqueFacts(report: GpuReport) {
  const o = report.response.opaque;
  const nvdec = o.get(OPAQUE.nvdec0Status);
  return {
    driverVersion: text(o.get(OPAQUE.driverVersion)),
    vbiosVersion: vbiosVersion(o.get(OPAQUE.vbiosVersion)),
    project: text(o.get(OPAQUE.project)),
    projectSku: text(o.get(OPAQUE.projectSku)),
    chipSku: text(o.get(OPAQUE.chipSku)),
    nvdec0: nvdecStatus(nvdec),
  };
}
