/**
 * Artifacts throughput (`npm run bench:artifacts`): for each size, the sidecar's real paths
 * against the S3 API of a fauxqs server in a process of its own, with presigned URLs from the artifacts
 * object store: sealOutputs (seal with a fresh key, HPKE-seal the key, upload: one PUT, or
 * parts over the part size) and materializeInputs (GET, authenticate every chunk, check the
 * Merkle root, write the plaintext), each side by side with a copy of the same file on the same
 * disk and with the same bytes moved without crypto, so the ratios say what the encryption
 * and the store cost on this machine at this load.
 * Writes "## Artifacts" in docs/performance.md (only that section) and prints it.
 *
 * Options: --sizes MB,MB,... (default 1,100,1024), --runs N (per size, best of N; default 3; one run from 1 GB),
 * --no-write. Exit code 1 when a decrypted file differs from its source.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { S3ObjectStore, s3Client } from '../functions/artifacts/drivers/object-store.ts';
import { completeUpload, presignUpload, type UploadDeps } from '../functions/artifacts/usecases/uploads.ts';
import { uploadFile } from '../functions/platform/http/presigned-upload.ts';
import { generateEncryptionKeyPair, openFileKey } from '../functions/platform/crypto/hpke.ts';
import { newFileKey } from '../functions/platform/crypto/sealed-file.ts';
import { openToFile, sealFile } from '../functions/platform/crypto/sealed-files.ts';
import { materializeInputs, sealOutputs } from '../sidecar/artifacts.ts';
import { writeSection } from './support/performance-doc.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SECTION = '## Artifacts';
const BUCKET = 'vracu-bench-artifacts';
const MB = 1 << 20;
/** The exchange's default part size (VRACU_ARTIFACT_PART_BYTES). */
const PART_BYTES = 8 * MB;

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,100,1024' },
    runs: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SIZES = opts.sizes.split(',').map(Number);
const RUNS = Number(opts.runs);

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; left -= MB) if (!out.write(randomBytes(Math.min(MB, left)))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: MB })) h.update(c as Buffer);
  return h.digest('hex');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

interface Row {
  mb: number;
  runs: number;
  /** A plain copy of the file on the same disk (fs.copyFile, what cp does). */
  diskCopy: number;
  /** The crypto alone, disk to disk: sealFile, and openToFile reading the sealed file. */
  sealDisk: number;
  openDisk: number;
  sealUp: number;
  plainUp: number;
  downOpen: number;
  plainDown: number;
}

/** AES-256-GCM alone over 1 MiB buffers in memory, MB/s: the bound on sealing and opening with one core. */
function aesGcmRate(): number {
  const key = randomBytes(32);
  const buf = randomBytes(MB);
  const n = 200;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
    c.update(buf);
    c.final();
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Above this size a run takes minutes here: one run, not best of N. */
const ONE_RUN_FROM_MB = 1024;

/**
 * The S3 server in a process of its own, as on the local stack (the stack holds it, the job's
 * sidecar is another process): in this process it would share one event loop with the code
 * under test.
 */
async function startStoreProcess(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const script = `import { startFauxqs } from 'fauxqs';
const s = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
process.stdout.write(String(s.port) + '\\n');
process.stdin.resume();
process.stdin.on('end', async () => { await s.stop(); process.exit(0); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  if (!Number.isInteger(port)) throw new Error(`the S3 server did not start: ${line.toString()}`);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

async function main(): Promise<boolean> {
  const sqs = await startStoreProcess();
  const s3 = s3Client('us-east-1', sqs.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // The context's own upload plans: one PUT up to the part size, presigned parts above it.
  const uploads: UploadDeps = { cfg: { partBytes: PART_BYTES, urlTtlS: 900 }, objects: new S3ObjectStore(s3, BUCKET) };
  const store = uploads.objects;
  const dir = await mkdtemp(join(tmpdir(), 'vracu-bench-artifacts-'));
  const buyer = await generateEncryptionKeyPair();
  const rows: Row[] = [];
  let ok = true;
  /** Up as the exchange's plan says, completed as the exchange does. */
  const upload = async (key: string, path: string, size: number, now: number) => {
    const parts = await uploadFile(path, await presignUpload(uploads, key, size, now));
    if (parts) await completeUpload(uploads, key, size, parts, key);
  };
  try {
    for (const mb of SIZES) {
      const runs = mb >= ONE_RUN_FROM_MB ? 1 : RUNS;
      const outDir = join(dir, `out-${mb}`);
      await mkdir(outDir);
      const src = join(outDir, 'result.bin');
      await writeRandomFile(src, mb * MB);
      const want = await sha256(src);
      const size = (await stat(src)).size;
      const best = { diskCopy: Infinity, sealDisk: Infinity, openDisk: Infinity, sealUp: Infinity, plainUp: Infinity, downOpen: Infinity, plainDown: Infinity };
      for (let run = 0; run < runs; run++) {
        const now = Date.now();
        const copy = join(dir, `copy-${mb}-${run}`);
        best.diskCopy = Math.min(best.diskCopy, await timed(() => copyFile(src, copy)));
        await rm(copy, { force: true });
        const diskKey = newFileKey();
        const sealedCopy = join(dir, `sealed-${mb}-${run}`);
        let diskRoot = '';
        best.sealDisk = Math.min(best.sealDisk, await timed(async () => (diskRoot = (await sealFile(src, sealedCopy, diskKey)).merkleRoot)));
        const openedCopy = join(dir, `opened-${mb}-${run}`);
        best.openDisk = Math.min(
          best.openDisk,
          await timed(() => openToFile(createReadStream(sealedCopy, { highWaterMark: MB }), openedCopy, diskKey, diskRoot)),
        );
        await rm(sealedCopy, { force: true });
        await rm(openedCopy, { force: true });

        // Plain: the same bytes up and down with the same presigned requests, no crypto.
        const plainKey = `plain/${mb}/${run}`;
        best.plainUp = Math.min(best.plainUp, await timed(() => upload(plainKey, src, size, now)));
        const get = await store.presignGet(plainKey, 900, now);
        const plainDest = join(dir, `plain-${mb}-${run}`);
        best.plainDown = Math.min(
          best.plainDown,
          await timed(async () => {
            const res = await fetch(get.url);
            if (!res.ok || !res.body) throw new Error(`plain GET: HTTP ${res.status}`);
            await pipeline(Readable.fromWeb(res.body as never), createWriteStream(plainDest));
          }),
        );
        await rm(plainDest, { force: true });
        await store.remove(plainKey);

        // Sealed: the sidecar's output path (and the report's completion), then its input path on the same object.
        const artifactId = `art${mb}r${run}`;
        const key = `outputs/bench/${artifactId}`;
        const grant = { recipientPublicKey: Buffer.from(buyer.publicKey).toString('hex'), maxBytes: 5 * 1024 * MB, slots: [{ artifactId }] };
        let sealed: Awaited<ReturnType<typeof sealOutputs>> = [];
        best.sealUp = Math.min(
          best.sealUp,
          await timed(async () => {
            sealed = await sealOutputs('bench', outDir, grant, (_id, n) => presignUpload(uploads, key, n, now), { scratchDir: dir });
            const m = sealed[0]!.multipart;
            if (m) await completeUpload(uploads, key, sealed[0]!.size, m, key);
          }),
        );
        const out = sealed[0]!;
        const fileKey = await openFileKey(buyer.privateKey, Buffer.from(out.sealedKey, 'base64'), { jobId: 'bench', name: out.name });
        const inDir = join(dir, `in-${mb}-${run}`);
        await mkdir(inDir);
        const download = await store.presignGet(key, 900, now);
        best.downOpen = Math.min(
          best.downOpen,
          await timed(() => materializeInputs(inDir, [{ name: 'input.bin', merkleRoot: out.merkleRoot, size: out.size, fileKey, download }])),
        );
        if ((await sha256(join(inDir, 'input.bin'))) !== want) {
          ok = false;
          process.stderr.write(`FAIL: ${mb} MB run ${run}: decrypted bytes differ from the source\n`);
        }
        await rm(inDir, { recursive: true, force: true });
        await store.remove(key);
      }
      await rm(outDir, { recursive: true, force: true });
      rows.push({ mb, runs, ...best });
      process.stderr.write(`${mb} MB done\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    s3.destroy();
    await sqs.stop();
  }
  const rate = (mb: number, s: number) => (mb / s).toFixed(0);
  const label = (mb: number) => (mb >= 1024 ? `${mb / 1024} GB` : `${mb} MB`);
  const crypto = [
    '| size | seal, disk to disk MB/s | ÷ disk copy | open, disk to disk MB/s | ÷ disk copy |',
    '|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${label(r.mb)} | ${rate(r.mb, r.sealDisk)} | ${(r.diskCopy / r.sealDisk).toFixed(2)} | ${rate(r.mb, r.openDisk)} | ${(r.diskCopy / r.openDisk).toFixed(2)} |`,
    ),
  ].join('\n');
  const table = [
    '| size | runs | disk copy MB/s | seal + upload MB/s | ÷ disk copy | ÷ plain upload | download + open MB/s | ÷ disk copy | ÷ plain download |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${label(r.mb)} | ${r.runs} | ${rate(r.mb, r.diskCopy)} | ${rate(r.mb, r.sealUp)} | ${(r.diskCopy / r.sealUp).toFixed(2)} | ${(r.plainUp / r.sealUp).toFixed(2)} (plain ${rate(r.mb, r.plainUp)}) | ${rate(r.mb, r.downOpen)} | ${(r.diskCopy / r.downOpen).toFixed(2)} | ${(r.plainDown / r.downOpen).toFixed(2)} (plain ${rate(r.mb, r.plainDown)}) |`,
    ),
  ].join('\n');
  const gb = rows.find((r) => r.mb === 1024);
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const [l1, l5, l15] = loadavg().map((l) => l.toFixed(2));
  const body = `
\`npm run bench:artifacts\` (bench/artifacts.ts), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${l1} / ${l5} / ${l15} at the end (shared machine), Node ${process.version}.
Best of ${RUNS} runs per size (one run from ${label(ONE_RUN_FROM_MB)}). The sidecar's own code paths against the S3 API of a fauxqs server in its own process, as on the local stack (loopback, presigned URLs, objects in memory): **seal + upload** is \`sealOutputs\` (fresh file key, AES-256-GCM chunks of 1 MiB with the Merkle root, HPKE-sealed key, sealed to a scratch file, then the upload: one PUT up to ${PART_BYTES / MB} MiB, above it parts of ${PART_BYTES / MB} MiB four at a time, completed as the report does); **download + open** is \`materializeInputs\` (streamed GET, every chunk authenticated, root checked, plaintext renamed into place). **Disk copy** is \`fs.copyFile\` of the same file on the same disk; **plain** moves the same bytes with the same presigned requests and no crypto. A ratio is the other path's time over this one's (1.00 = as fast; the target is ≥ 0.5 of a disk copy).

${table}
The encryption alone, with no store: \`sealFile\` (the same file to a sealed file on the same disk) and \`openToFile\` (back), against the same disk copy. For scale, AES-256-GCM by itself runs at ${aesGcmRate().toFixed(0)} MB/s on one core of this machine (1 MiB buffers in memory): sealing reads, encrypts, hashes (SHA-256 of every record) and writes each chunk one after the other on one thread, so it reaches a fraction of that; overlapping those steps (the crypto in a worker thread while the next chunk is read) is where ≥ 0.5 of a disk copy would have to come from.

${crypto}
${gb ? `\nThe sidecar's time before the workload for 1 GB of inputs is the download + open above: ${(gb.downOpen).toFixed(1)} s (the handshake's release of the key adds one request).\n` : ''}
The local S3 server bounds both paths: the plain upload, with no crypto at all, reaches ${range(rows.map((r) => r.diskCopy / r.plainUp))} of a disk copy, so no path through it meets ≥ 0.5 of one here; the ÷ plain columns say what sealing and opening cost on top of moving the bytes.
The sealed path writes the ciphertext to disk once before the upload (so a failed part can be retried without re-reading the workload's output) and the plain one does not: that extra write is part of its ratio. The disk copy never leaves the kernel's page cache here, so it is an upper bound no network store reaches; against real S3 the network dominates both paths.
`;
  const report = `${SECTION}\n${body}`;
  process.stdout.write(`${report}\n`);
  if (!opts['no-write']) {
    writeSection(SECTION, body);
  }
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
