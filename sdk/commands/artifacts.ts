/**
 * `vracu artifacts put|list|rm`, `vracu keys encryption`, `vracu jobs download`: sealing happens on
 * this machine. `put` seals the file (a fresh key, AES-256-GCM chunks) to a temporary file,
 * registers it (the exchange wraps the file key with KMS, bound to this buyer, and keeps only
 * the wrapped blob), uploads the ciphertext with the presigned PUT (over the part size, in
 * presigned parts, four at a time, with progress on stderr) and completes. `download`
 * checks the job's deletion attestation (signature against the agent registry's key) and each
 * output's Merkle root against the root it signs (the recorded one must agree), opens its HPKE-sealed file key
 * with the private key `keys encryption` wrote (0600), and decrypts; a failed check is named
 * and leaves no partial plaintext.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  completeArtifactRoute,
  createArtifactRoute,
  deleteArtifactRoute,
  encryptionKeyRoute,
  jobArtifactRoute,
  jobArtifactsRoute,
  listArtifactsRoute,
  resignPartsRoute,
} from '../../functions/artifacts/api.ts';
import { generateEncryptionKeyPair, openFileKey } from '../../functions/platform/crypto/hpke.ts';
import { newFileKey, SealedFileError } from '../../functions/platform/crypto/sealed-file.ts';
import { bodyBytes, openToFile, RootMismatchError, sealFile } from '../../functions/platform/crypto/sealed-files.ts';
import { uploadFile } from '../../functions/platform/http/presigned-upload.ts';
import { table, type CliContext } from '../cli/context.ts';
import { attestationsRoute, listAgentsRoute } from '../../functions/jobs/api.ts';
import { fieldsExpected, type AttestedOutput } from '../../functions/jobs/domain/attestation.ts';
import { verifySignature } from '../../functions/jobs/domain/verify.ts';

/** Where `keys encryption` keeps the pair: --key-file, VRACU_ENCRYPTION_KEY_FILE, or ~/.vracu/encryption-key.json. */
export const keyFileOf = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string =>
  resolve(flag ?? env.VRACU_ENCRYPTION_KEY_FILE ?? join(homedir(), '.vracu', 'encryption-key.json'));

function findCommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function registerArtifacts(program: Command, ctx: CliContext): void {
  const artifacts = program.command('artifacts').description('job inputs, encrypted on this machine before they leave it');
  artifacts
    .command('put <file>')
    .description('seal a file locally (AES-256-GCM, a fresh key), upload the ciphertext; prints the artifact id to name as a job input')
    .option('--job-input <name>', 'the file name the job reads it as (default: the file name)')
    .option('--chunk-size <bytes>', 'plaintext bytes per sealed chunk (default 1 MiB)')
    .action(async (file: string, o: { jobInput?: string; chunkSize?: string }) => {
      const name = o.jobInput ?? basename(file);
      const sealedPath = join(tmpdir(), `vracu-seal-${process.pid}-${Date.now()}`);
      const key = newFileKey();
      try {
        const sealed = await sealFile(file, sealedPath, key, o.chunkSize ? Number(o.chunkSize) : undefined);
        const created = await ctx
          .client()
          .call(createArtifactRoute, { body: { name, size: sealed.size, merkleRoot: sealed.merkleRoot, fileKey: Buffer.from(key).toString('base64') } });
        const total = sealed.size;
        const progress =
          created.upload.method === 'MULTIPART' && !ctx.json()
            ? (sent: number) => process.stderr.write(`\ruploading ${created.artifact.artifactId}: ${Math.floor((100 * sent) / total)} % of ${total} bytes`)
            : undefined;
        let multipart;
        try {
          const aid = created.artifact.artifactId;
          // Parts whose URLs would expire before they start are signed again (a slow link, a large file).
          const refresh = async (partNumbers: number[]) => (await ctx.client().call(resignPartsRoute, { params: { aid }, body: { partNumbers } })).parts;
          multipart = await uploadFile(sealedPath, created.upload, { refresh, ...(progress ? { onProgress: progress } : {}) });
        } catch (e) {
          throw new Error(`upload of ${created.artifact.artifactId} failed: ${(e as Error).message}`);
        } finally {
          if (progress) process.stderr.write('\n');
        }
        const done = await ctx
          .client()
          .call(completeArtifactRoute, { params: { aid: created.artifact.artifactId }, body: multipart ? { parts: multipart.parts } : {} });
        ctx.print(
          { ...done, input: { name, artifactId: done.artifactId }, parts: multipart?.parts.length ?? 1 },
          () =>
            `uploaded ${done.artifactId} (${done.size} sealed bytes${multipart ? ` in ${multipart.parts.length} parts` : ''}, Merkle root ${done.merkleRoot})\nname it in a job: vracu jobs submit ... --input ${name}=${done.artifactId}`,
        );
      } finally {
        key.fill(0);
        await rm(sealedPath, { force: true });
      }
    });

  artifacts
    .command('list')
    .description('your inputs, newest first (a deleted one stays listed as deleted for 30 days)')
    .option('--limit <n>', 'page size', '25')
    .option('--cursor <c>', 'the `next` of a previous page')
    .action(async (o: { limit: string; cursor?: string }) => {
      const page = await ctx.client().call(listArtifactsRoute, { query: { limit: o.limit, ...(o.cursor ? { cursor: o.cursor } : {}) } });
      ctx.print(
        page,
        (d: typeof page) =>
          table(
            d.artifacts.map((a) => ({ artifact: a.artifactId, name: a.name, size: a.size, state: a.state, created: a.createdAt })),
            ['artifact', 'name', 'size', 'state', 'created'],
          ) + (d.next ? `\nnext page: --cursor ${d.next}` : ''),
      );
    });

  artifacts
    .command('rm <artifactId>')
    .description('delete one of your inputs: its wrapped key and its ciphertext (a job that names it afterwards fails input_not_available)')
    .action(async (artifactId: string) => {
      const a = await ctx.client().call(deleteArtifactRoute, { params: { aid: artifactId } });
      ctx.print(a, (d: typeof a) => `deleted ${d.artifactId} (${d.name}) at ${d.deletedAt ?? ''}`.trim());
    });

  const keys = findCommand(program, 'keys', 'manage keys');
  keys
    .command('encryption')
    .description('make this machine an X25519 key pair (private half 0600, never sent) and register the public half: job outputs are sealed to it')
    .option('--key-file <path>', 'where the pair is kept (env VRACU_ENCRYPTION_KEY_FILE, default ~/.vracu/encryption-key.json)')
    .option('--rotate', 'make a new pair even if the file exists (outputs sealed to the old key need the old file)')
    .action(async (o: { keyFile?: string; rotate?: boolean }) => {
      const path = keyFileOf(o.keyFile);
      let publicKey: string;
      if (existsSync(path) && !o.rotate) publicKey = (JSON.parse(readFileSync(path, 'utf8')) as { publicKey: string }).publicKey;
      else {
        const pair = await generateEncryptionKeyPair();
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        publicKey = Buffer.from(pair.publicKey).toString('hex');
        writeFileSync(path, `${JSON.stringify({ kem: 'X25519', publicKey, privateKey: Buffer.from(pair.privateKey).toString('hex') })}\n`, { mode: 0o600 });
        chmodSync(path, 0o600);
        pair.privateKey.fill(0);
      }
      const reg = await ctx.client().call(encryptionKeyRoute, { body: { publicKey } });
      ctx.print({ ...reg, keyFile: path }, () => `registered encryption key ${reg.publicKey}\nprivate key in ${path} (0600): keep it to read job outputs`);
    });

  const jobs = findCommand(program, 'jobs', 'run jobs');
  jobs
    .command('download <jobId>')
    .description("fetch a job's outputs, check each Merkle root, open the sealed key with your private key and decrypt into --out")
    .option('--out <dir>', 'where the plain files go (default ./<jobId>)')
    .option('--key-file <path>', 'the pair `vracu keys encryption` wrote')
    .action(async (jobId: string, o: { out?: string; keyFile?: string }) => {
      const client = ctx.client();
      const out = resolve(o.out ?? jobId);
      const pair = JSON.parse(readFileSync(keyFileOf(o.keyFile), 'utf8')) as { privateKey: string };
      const privateKey = Buffer.from(pair.privateKey, 'hex');
      const list = await client.call(jobArtifactsRoute, { params: { id: jobId } });
      // The roots to check against are the signed deletion attestation's, under the registry's key.
      const signed = await signedOutputs(client, jobId);
      const rows: Record<string, unknown>[] = [];
      let failed = 0;
      mkdirSync(out, { recursive: true, mode: 0o700 });
      try {
        for (const a of list.artifacts.filter((x) => x.kind === 'output')) {
          const row: Record<string, unknown> = { name: a.name, size: a.artifact?.size, merkleRoot: a.artifact?.merkleRoot };
          try {
            if (!signed.ok) throw new Error(`check failed: deletion attestation (${signed.problem})`);
            const attested = signed.outputs.find((x) => x.artifactId === a.artifactId);
            if (!attested || attested.name !== a.name) throw new Error('check failed: deletion attestation (this output is not in it)');
            if (a.artifact?.state === 'expired')
              throw new Error(`expired at ${a.artifact.expiresAt} (outputs are kept for a set number of days, then deleted)`);
            const got = await client.call(jobArtifactRoute, { params: { id: jobId, aid: a.artifactId } });
            if (got.artifact.merkleRoot !== attested.merkleRoot || got.artifact.size !== attested.size)
              throw new Error(
                `check failed: Merkle root (the exchange records ${got.artifact.merkleRoot}, the deletion attestation signs ${attested.merkleRoot})`,
              );
            if (!got.sealedKey) throw new Error('no sealed key recorded');
            let fileKey: Uint8Array;
            try {
              fileKey = await openFileKey(privateKey, Buffer.from(got.sealedKey, 'base64'), { jobId, name: a.name });
            } catch {
              throw new Error('check failed: the sealed file key does not open with this private key (another key, or not sealed for this job and name)');
            }
            const res = await fetch(got.download.url);
            if (!res.ok) throw new Error(`download refused by storage: HTTP ${res.status}`);
            try {
              await openToFile(bodyBytes(res.body), join(out, a.name), fileKey, attested.merkleRoot);
            } finally {
              fileKey.fill(0);
            }
            row.check = 'ok';
          } catch (e) {
            failed++;
            row.check =
              e instanceof RootMismatchError
                ? `check failed: Merkle root (${e.message})`
                : e instanceof SealedFileError
                  ? `check failed: decryption (${e.reason}: ${e.message})`
                  : (e as Error).message;
          }
          rows.push(row);
        }
        // An output the attestation signs that the exchange no longer lists is a failure too.
        if (signed.ok)
          for (const x of signed.outputs)
            if (!list.artifacts.some((a) => a.kind === 'output' && a.artifactId === x.artifactId)) {
              failed++;
              rows.push({
                name: x.name,
                size: x.size,
                merkleRoot: x.merkleRoot,
                check: 'check failed: missing (signed in the deletion attestation, not listed by the exchange)',
              });
            }
      } finally {
        privateKey.fill(0);
      }
      ctx.print(
        { jobId, out, outputs: rows },
        () => `${table(rows, ['name', 'size', 'merkleRoot', 'check'])}\n${rows.length - failed} of ${rows.length} outputs in ${out}`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}

type SignedOutputs = { ok: true; outputs: AttestedOutput[] } | { ok: false; problem: string };

/** The outputs the job's deletion attestation signs, once its signature checks against the agent registry's key (never the key that came with it). */
async function signedOutputs(client: ReturnType<CliContext['client']>, jobId: string): Promise<SignedOutputs> {
  const att = await client.call(attestationsRoute, { params: { id: jobId } });
  const d = att.deletion as Record<string, unknown> | null;
  if (!d) return { ok: false, problem: 'missing: the job has not ended' };
  const agentName = att.creation?.agentId ?? att.agent?.name;
  const agent = (await client.call(listAgentsRoute)).agents.find((a) => a.name === agentName);
  if (!agent) return { ok: false, problem: `agent ${String(agentName)} is not in the registry` };
  if (!fieldsExpected(d, 'deletion')) return { ok: false, problem: 'unexpected fields' };
  if (d.jobId !== jobId) return { ok: false, problem: 'another job' };
  if (!verifySignature(d, agent.publicKey)) return { ok: false, problem: 'signature invalid' };
  return { ok: true, outputs: (d.outputs as AttestedOutput[] | undefined) ?? [] };
}
