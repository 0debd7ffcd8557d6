/**
 * `vracu attest verify`: checks hardware attestation evidence offline, as an operator would
 * before trusting a provider. Reads the formats the vendors' tools write; prints the verdict,
 * the failure code or the claims (`--json`: one object {valid, code?, error?, claims?}); a
 * rejected or unreadable piece of evidence ends in AttestationRejectedError (exit 1).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { fromHex } from '../../functions/privacy/attesters/domain/bytes.ts';
import { MalformedEvidenceError, type Verdict } from '../../functions/privacy/attesters/domain/result.ts';
import { SNP_REPORT_BYTES } from '../../functions/privacy/attesters/domain/snp/report.ts';
import { verify, type AttestationPolicy, type Evidence } from '../../functions/privacy/attesters/verify.ts';
import {
  readBinaryOrHex,
  readCertificates,
  readCrl,
  readDerFiles,
  readReferences,
  readTdxCollateral,
} from '../../functions/privacy/attesters/evidence-files.ts';

const KINDS = ['snp', 'tdx', 'nvidia'] as const;
type Kind = (typeof KINDS)[number];

export class AttestationRejectedError extends Error {
  constructor(readonly code: string) {
    super(`evidence rejected (${code})`);
    this.name = 'AttestationRejectedError';
  }
}

interface VerifyOptions {
  type: string;
  evidence: string;
  certs?: string;
  collateral?: string;
  reference?: string;
  nonce?: string;
  at?: string;
  policy?: string;
  ccMode?: string;
  ocsp?: string;
}

function evidenceFrom(o: VerifyOptions, kind: Kind): Evidence {
  switch (kind) {
    case 'snp':
      return {
        kind,
        report: readBinaryOrHex(o.evidence, SNP_REPORT_BYTES),
        certificates: o.certs ? readCertificates(o.certs) : [],
        ...(o.collateral ? { crl: readCrl(o.collateral) } : {}),
      };
    case 'tdx':
      return { kind, quote: readBinaryOrHex(o.evidence), ...(o.collateral ? { collateral: readTdxCollateral(o.collateral) } : {}) };
    case 'nvidia':
      return {
        kind,
        report: readBinaryOrHex(o.evidence),
        certificates: o.certs ? readCertificates(o.certs) : [],
        ...(o.reference ? { references: readReferences(o.reference) } : {}),
        ...(o.ccMode ? { ccMode: o.ccMode as 'on' | 'off' | 'devtools' } : {}),
        ...(o.ocsp ? { ocsp: readDerFiles(o.ocsp) } : {}),
      };
  }
}

/** The evidence's own challenge field, for --nonce omitted: the verdict then says nothing about freshness. */
function challengeOf(ev: Evidence): Uint8Array {
  if (ev.kind === 'snp') return ev.report.subarray(0x50, 0x90);
  if (ev.kind === 'nvidia') return ev.report.subarray(4, 36);
  const off = ev.quote[0] === 5 ? 48 + 6 : 48;
  return ev.quote.subarray(off + 520, off + 584);
}

/** Offline defaults: what the files given can prove is checked, the rest is reported as not evaluated. */
function policyFrom(o: VerifyOptions): AttestationPolicy {
  const file = o.policy ? (JSON.parse(readFileSync(o.policy, 'utf8')) as AttestationPolicy) : {};
  return {
    snp: { ...file.snp },
    tdx: { requireCollateral: Boolean(o.collateral), ...file.tdx },
    nvidia: { requireReferenceValues: Boolean(o.reference), ...file.nvidia },
  };
}

function human(v: Verdict, notes: string[]): string {
  if (!v.valid) return [`INVALID  ${v.code}`, `  ${v.error}`, ...notes].join('\n');
  const rows = Object.entries(v.claims).map(([k, val]) => `  ${k.padEnd(18)} ${typeof val === 'object' ? JSON.stringify(val) : String(val)}`);
  return ['VALID', ...rows, ...notes].join('\n');
}

export function registerAttest(program: Command, ctx: CliContext): void {
  const attest = program.command('attest').description('hardware attestation evidence (offline)');
  attest
    .command('verify')
    .description('verify SEV-SNP, TDX or NVIDIA GPU evidence against the pinned vendor roots; exit 0 only when valid')
    .requiredOption('--type <kind>', `one of: ${KINDS.join(', ')}`)
    .requiredOption('--evidence <file>', 'SNP report (binary or hex), DCAP quote file, or nvtrust hex report')
    .option('--certs <file|dir>', 'SNP: VCEK/VLEK (+ ASK, ARK), PEM or DER; NVIDIA: the GPU certificate chain (PEM)')
    .option('--collateral <file>', 'TDX: PCS collateral JSON (TCB info, QE identity, CRLs); SNP: the KDS CRL')
    .option('--reference <file|dir>', 'NVIDIA: RIM files (.swidtag/.xml) or a JSON list of golden measurements')
    .option('--nonce <hex>', 'the exact REPORT_DATA (64 bytes) or SPDM nonce (32 bytes) expected; omitted: not checked')
    .option('--at <ISO time>', 'verification time (default now): certificates and collateral expire')
    .option('--policy <file>', 'JSON {snp?, tdx?, nvidia?} policy (docs/attestation.md)')
    .option('--cc-mode <mode>', 'NVIDIA: the CC mode the host reports (on, off, devtools)')
    .option('--ocsp <file|dir>', 'NVIDIA: OCSP responses (DER) for the GPU chain, checked when given')
    .action((o: VerifyOptions) => {
      if (!(KINDS as readonly string[]).includes(o.type)) throw new Error(`--type must be one of ${KINDS.join(', ')}`);
      const kind = o.type as Kind;
      const atMs = o.at ? Date.parse(o.at) : Date.now();
      if (Number.isNaN(atMs)) throw new Error(`--at ${o.at} is not an ISO time`);
      const notes: string[] = [];
      let verdict: Verdict;
      try {
        const ev = evidenceFrom(o, kind);
        if (!o.nonce) notes.push('note: no --nonce given, so freshness (the challenge binding) was not checked');
        const challenge = o.nonce ? fromHex(o.nonce, '--nonce') : challengeOf(ev);
        verdict = verify(ev, challenge, policyFrom(o), { nowMs: () => atMs });
      } catch (e) {
        if (!(e instanceof MalformedEvidenceError)) throw e;
        verdict = { valid: false, code: 'malformed', error: e.message };
      }
      if (verdict.valid && kind === 'tdx' && !o.collateral) notes.push('note: no --collateral, so the TCB status was not evaluated');
      if (verdict.valid && kind === 'nvidia' && !o.reference) notes.push('note: no --reference, so measurements were not compared');
      const out = verdict.valid ? { valid: true, claims: verdict.claims } : { valid: false, code: verdict.code, error: verdict.error };
      ctx.print(out, () => human(verdict, notes));
      if (!verdict.valid) throw new AttestationRejectedError(verdict.code);
    });
}
