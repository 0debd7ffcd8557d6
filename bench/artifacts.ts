/**
 * Artifacts throughput (`npm run bench:artifacts`): for each size, the sidecar's real paths
 * against the S3 API of the embedded fauxqs server, with presigned URLs from the artifacts
 * object store: sealOutputs (seal with a fresh key, HPKE-seal the key, PUT) and
 * materializeInputs (GET, authenticate every chunk, check the Merkle root, write the
 * plaintext), each side by side with a plain copy of the same file (PUT the plaintext, GET it
 * into a file), so the ratio says what the encryption costs on this machine at this load.
 * Writes "## Artifacts" in docs/performance.md (only that section) and prints it.
 *
 * Options: --sizes MB,MB,... (default 1: the embedded fauxqs S3 answers HTTP 413 to a 100 MB PUT, so larger sizes need real S3), --runs N (per size, best of N; default 3),
 * --no-write. Exit code 1 when a decrypted file differs from its source.
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startSqs } from '../local/engines/sqs.ts';
import { S3ObjectStore, s3Client } from '../functions/artifacts/drivers/object-store.ts';
import { generateEncryptionKeyPair, openFileKey } from '../functions/platform/crypto/hpke.ts';
import { materializeInputs, sealOutputs } from '../sidecar/artifacts.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SECTION = '## Artifacts';
const BUCKET = 'vracu-bench-artifacts';
const MB = 1 << 20;

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1' },
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
  sealUp: number;
  plainUp: number;
  downOpen: number;
  plainDown: number;
}

async function main(): Promise<boolean> {
  const sqs = await startSqs();
  const s3 = s3Client('us-east-1', sqs.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const store = new S3ObjectStore(s3, BUCKET);
  const dir = await mkdtemp(join(tmpdir(), 'vracu-bench-artifacts-'));
  const buyer = await generateEncryptionKeyPair();
  const rows: Row[] = [];
  let ok = true;
  try {
    for (const mb of SIZES) {
      const outDir = join(dir, `out-${mb}`);
      await mkdir(outDir);
      const src = join(outDir, 'result.bin');
      await writeRandomFile(src, mb * MB);
      const want = await sha256(src);
      const best = { sealUp: Infinity, plainUp: Infinity, downOpen: Infinity, plainDown: Infinity };
      for (let run = 0; run < RUNS; run++) {
        const now = Date.now();
        // Plain copy: the same bytes up and down with presigned URLs, no crypto.
        const plainKey = `plain/${mb}/${run}`;
        const put = await store.presignPut(plainKey, (await stat(src)).size, 900, now);
        best.plainUp = Math.min(
          best.plainUp,
          await timed(async () => {
            const res = await fetch(put.url, {
              method: 'PUT',
              headers: put.headers,
              body: Readable.toWeb(createReadStream(src)) as ReadableStream<Uint8Array>,
              duplex: 'half',
            } as RequestInit);
            await res.arrayBuffer();
            if (!res.ok) throw new Error(`plain PUT: HTTP ${res.status}`);
          }),
        );
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

        // Sealed: the sidecar's output path, then its input path on the same object.
        const artifactId = `art${mb}r${run}`;
        const key = `outputs/bench/${artifactId}`;
        const grant = { recipientPublicKey: Buffer.from(buyer.publicKey).toString('hex'), maxBytes: 5 * 1024 * MB, slots: [{ artifactId }] };
        let sealed: Awaited<ReturnType<typeof sealOutputs>> = [];
        best.sealUp = Math.min(
          best.sealUp,
          await timed(
            async () =>
              (sealed = await sealOutputs(
                'bench',
                outDir,
                grant,
                (_a, size) => store.presignPut(key, size, 900, now).then((u) => ({ ...u, method: 'PUT' as const })),
                { scratchDir: dir },
              )),
          ),
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
      rows.push({ mb, ...best });
      process.stderr.write(`${mb} MB done\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    s3.destroy();
    await sqs.stop();
  }
  const rate = (mb: number, s: number) => (mb / s).toFixed(0);
  const table = [
    '| size | seal + upload MB/s | plain upload MB/s | ratio | download + open MB/s | plain download MB/s | ratio |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.mb >= 1024 ? `${r.mb / 1024} GB` : `${r.mb} MB`} | ${rate(r.mb, r.sealUp)} | ${rate(r.mb, r.plainUp)} | ${(r.sealUp / r.plainUp).toFixed(2)}× | ${rate(r.mb, r.downOpen)} | ${rate(r.mb, r.plainDown)} | ${(r.downOpen / r.plainDown).toFixed(2)}× |`,
    ),
  ].join('\n');
  const [l1, l5, l15] = loadavg().map((l) => l.toFixed(2));
  const body = `
\`npm run bench:artifacts\` (bench/artifacts.ts), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${l1} / ${l5} / ${l15} at the end (shared machine), Node ${process.version}.
Best of ${RUNS} runs per size. The sidecar's own code paths against the S3 API of the embedded fauxqs server (loopback, presigned URLs): **seal + upload** is \`sealOutputs\` (fresh file key, AES-256-GCM chunks of 1 MiB with the Merkle root, HPKE-sealed key, sealed to a scratch file, then one streamed PUT); **download + open** is \`materializeInputs\` (streamed GET, every chunk authenticated, root checked, plaintext renamed into place). **Plain** moves the same bytes with the same URLs and no crypto. Ratio = sealed time / plain time (1.00× = encryption free).

${table}

The sealed path writes the ciphertext to disk once before the PUT (so a failed upload can be retried without re-reading the workload's output) and the plain one does not: that extra write is part of the ratio. Against real S3 the network dominates and the ratio falls toward 1.
`;
  const report = `${SECTION}\n${body}`;
  process.stdout.write(`${report}\n`);
  if (!opts['no-write']) {
    const path = join(ROOT, 'docs', 'performance.md');
    const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
    writeFileSync(path, replaceSection(doc, SECTION, body));
  }
  return ok;
}

function replaceSection(doc: string, heading: string, body: string): string {
  const start = doc.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) return `${doc.trimEnd()}\n\n${section}`;
  const next = doc.indexOf('\n## ', start + heading.length);
  return `${doc.slice(0, start)}${section}${next < 0 ? '' : doc.slice(next)}`;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
