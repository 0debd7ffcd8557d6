/**
 * Evidence providers (seed §7.2): what the sidecar proves its hardware with. `development`
 * (the local stack, tests) says it is one and a prod exchange refuses it; `configfs-tsm` asks
 * the Linux guest's TSM report interface (SEV-SNP and TDX guests) for a report over the
 * challenge: mkdir a report dir, write `inblob` (64 bytes), read `outblob` (and `auxblob`,
 * SEV-SNP's certificate table), and check `generation` did not change meanwhile (another
 * writer would have made the report over its own inblob). NVIDIA GPU evidence comes from the
 * driver's tooling, not yet wired here.
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpuReportData } from '../../functions/privacy/attesters/domain/challenge.ts';
import { developmentEvidence } from '../../functions/privacy/domain/development.ts';

export type AttesterName = 'snp' | 'tdx' | 'nvidia' | 'development';

export interface EvidenceProvider {
  /** Evidence for each attester, made over the challenge of this job and nonce. */
  evidence(attesters: readonly AttesterName[], jobId: string, nonce: Uint8Array): Promise<Record<string, unknown>>;
}

/** The file operations a report takes (the kernel's configfs; tests give a stand-in). */
export interface TsmIo {
  mkdir(dir: string): Promise<unknown>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  rmdir(dir: string): Promise<void>;
}

const FS_IO: TsmIo = { mkdir: (d) => mkdir(d), writeFile: (p, d) => writeFile(p, d), readFile: (p) => readFile(p), rmdir: (d) => rmdir(d) };

/** One configfs-tsm report over `inblob` (the REPORT_DATA): its outblob and auxblob. */
export async function tsmReport(
  root: string,
  inblob: Uint8Array,
  name = `vracu-${process.pid}-${Date.now()}`,
  io: TsmIo = FS_IO,
): Promise<{ outblob: Buffer; auxblob: Buffer | null }> {
  const dir = join(root, name);
  await io.mkdir(dir);
  try {
    const before = (await io.readFile(join(dir, 'generation'))).toString('utf8').trim();
    await io.writeFile(join(dir, 'inblob'), inblob);
    const outblob = await io.readFile(join(dir, 'outblob'));
    const auxblob = await io.readFile(join(dir, 'auxblob')).catch(() => null);
    const after = (await io.readFile(join(dir, 'generation'))).toString('utf8').trim();
    // Each write of inblob bumps generation once; any other change means a racing writer.
    if (Number(after) !== Number(before) + 1) throw new Error(`configfs-tsm generation moved from ${before} to ${after}: another writer raced this report`);
    return { outblob, auxblob };
  } finally {
    await io.rmdir(dir).catch(() => undefined);
  }
}

export function sidecarEvidence(opts: { tsmDir: string; io?: TsmIo }): EvidenceProvider {
  return {
    async evidence(attesters, jobId, nonce) {
      const out: Record<string, unknown> = {};
      for (const a of attesters) {
        if (a === 'development') out.development = developmentEvidence(jobId, nonce);
        else if (a === 'snp' || a === 'tdx') {
          const { outblob } = await tsmReport(opts.tsmDir, cpuReportData(jobId, nonce), undefined, opts.io);
          out[a] = a === 'snp' ? { report: outblob.toString('base64') } : { quote: outblob.toString('base64') };
        } else throw new Error(`no evidence provider for ${a} in this sidecar`);
      }
      return out;
    },
  };
}
