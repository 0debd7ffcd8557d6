/**
 * The sidecar's attested path against a small stand-in for the exchange's privacy routes (the
 * real routes run in test/e2e/privacy): the DEK file is 0600 and readable by the workload, the
 * credential never reaches the workload, a rotation overwrites the key, a refusal that ends the
 * session stops the workload and zeroizes at once, a failed handshake leaves no key behind.
 * The configfs-tsm provider is driven by replayed real evidence in a stand-in report dir.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSidecar } from '../../../sidecar/sidecar.ts';
import { sidecarEvidence, tsmReport, type TsmIo } from '../../../sidecar/privacy/evidence.ts';
import { writeDek } from '../../../sidecar/privacy/dek-file.ts';
import { cpuReportData } from '../../../functions/privacy/attesters/domain/challenge.ts';
import { fixture } from '../../unit/privacy/attesters/fixtures.ts';

const JOB = 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F';
const CRED = `vj_${'c'.repeat(43)}`;
const key = (b: number) => Buffer.alloc(32, b).toString('base64');

let dir: string;
let server: Server;
let url: string;
let calls: { path: string; body: Record<string, unknown>; credential: string | undefined }[];
/** How the stand-in answers each call, by route suffix. */
let answer: (suffix: string, body: Record<string, unknown>, n: number) => [number, unknown] | [number, unknown, number];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vracu-sidecar-privacy-'));
  calls = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const suffix = String(req.url).split('/').at(-1)!;
      calls.push({ path: String(req.url), body, credential: req.headers['x-job-credential'] as string | undefined });
      const [status, out, delayMs = 0] = answer(suffix, body, calls.filter((c) => c.path.endsWith(suffix)).length);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' });
        res.end(JSON.stringify(out));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const rotation = { intervalMs: 1000, graceMs: 700, retryDelayMs: 100, nextDueAt: '2026-01-01T00:00:00.000Z' };
const handshakeOk = (suffix: string): [number, unknown] | undefined => {
  if (suffix === 'nonce') return [200, { nonce: 'ab'.repeat(32), expiresAt: '2026-01-01T00:00:00.000Z' }];
  if (suffix === 'handshake') return [200, { sessionId: 'ses_1', attestationHash: `sha256:${'e'.repeat(64)}`, step: 0, dek: key(1), token: 't', rotation }];
  return undefined;
};

async function run(script: string) {
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const secrets = join(dir, 'secrets');
  const stderr = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  let err = '';
  stderr.on('data', (c) => (err += c));
  const report = await runSidecar({
    env: {
      PATH: process.env.PATH,
      VRACU_JOB_ID: JOB,
      VRACU_WORK_DIR: work,
      VRACU_JOB_TIMEOUT_MS: '20000',
      VRACU_SIDECAR_STOP_GRACE_MS: '500',
      VRACU_SIDECAR_JOB_CREDENTIAL: CRED,
      VRACU_SIDECAR_EXCHANGE_URL: url,
      VRACU_SIDECAR_ATTESTERS: 'development',
      VRACU_SIDECAR_SECRETS_DIR: secrets,
    },
    argv: ['--', 'sh', '-c', script],
    stdout,
    stderr,
    nowMs: () => Date.now(),
  });
  return { report, out, err, dek: join(secrets, 'dek') };
}

describe('the attested sidecar', () => {
  it('writes the DEK 0600 for the workload, keeps the credential from it, rotates, and zeroizes at the end', async () => {
    answer = (suffix, body) =>
      handshakeOk(suffix) ??
      (suffix === 'dek' ? [200, { sessionId: 'ses_1', step: body.step, dek: key(2), nextDueAt: '' }] : [200, { sessionId: 'ses_1', acknowledged: body.step }]);
    const r = await run(
      'stat -c %a "$VRACU_DEK_PATH"; od -An -tx1 -N2 "$VRACU_DEK_PATH"; env | grep -c VRACU_SIDECAR_ || true; sleep 0.8; od -An -tx1 -N2 "$VRACU_DEK_PATH"',
    );
    expect(r.report).toMatchObject({ type: 'sidecar:completed', exitCode: 0, attestationHash: `sha256:${'e'.repeat(64)}`, zeroizedFiles: 1, revoked: null });
    expect(r.report.keySteps.slice(0, 2)).toEqual([0, 1]);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => l.trim());
    expect(lines).toEqual(['600', '01 01', '0', '02 02']);
    expect(existsSync(r.dek)).toBe(false);
    expect(calls.every((c) => c.credential === CRED)).toBe(true);
    expect(calls.map((c) => c.path.split('/').at(-1)).slice(0, 4)).toEqual(['nonce', 'handshake', 'dek', 'rotation']);
    expect(calls.find((c) => c.path.endsWith('handshake'))!.body).toMatchObject({
      nonce: 'ab'.repeat(32),
      evidence: { development: { reportData: expect.any(String) } },
    });
  });

  it('a workload that ends while a rotation is in flight: the report waits for it, and no key is written after the zeroize', async () => {
    // The next key is answered 600 ms late: the workload (0.5 s) ends first; the step is not written, the file is gone.
    answer = (suffix, body) =>
      handshakeOk(suffix) ??
      (suffix === 'dek'
        ? [200, { sessionId: 'ses_1', step: body.step, dek: key(2), nextDueAt: '' }, 600]
        : [200, { sessionId: 'ses_1', acknowledged: body.step }]);
    const late = await run('sleep 0.5');
    expect(late.report).toMatchObject({ zeroizedFiles: 1, keySteps: [0] });
    await new Promise((r) => setTimeout(r, 800));
    expect(existsSync(late.dek)).toBe(false);
    expect(calls.some((c) => c.path.endsWith('rotation'))).toBe(false);

    // The acknowledgement is answered late instead: the report holds the acknowledged step.
    calls = [];
    answer = (suffix, body) =>
      handshakeOk(suffix) ??
      (suffix === 'dek'
        ? [200, { sessionId: 'ses_1', step: body.step, dek: key(2), nextDueAt: '' }]
        : [200, { sessionId: 'ses_1', acknowledged: body.step }, 600]);
    const acked = await run('sleep 0.5');
    expect(acked.report).toMatchObject({ zeroizedFiles: 1, keySteps: [0, 1] });
    expect(existsSync(acked.dek)).toBe(false);
  });

  it('a rotation refused because the session ended stops the workload and zeroizes at once', async () => {
    answer = (suffix) => handshakeOk(suffix) ?? [409, { code: 'session_not_open', detail: 'session ses_1 is revoked' }];
    const started = Date.now();
    const r = await run('sleep 15');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.report).toMatchObject({ revoked: 'session_not_open', stopped: true, zeroizedFiles: 1, keySteps: [0] });
    expect(existsSync(r.dek)).toBe(false);
  });

  it('a failed handshake: exit 70, the workload never starts, no key file', async () => {
    answer = (suffix) => (suffix === 'nonce' ? handshakeOk(suffix)! : [403, { code: 'attestation_failed' }]);
    const r = await run('echo must-not-run');
    expect(r.report).toMatchObject({ type: 'sidecar:failed', exitCode: 70, error: expect.stringContaining('attestation_failed') });
    expect(r.out).not.toContain('must-not-run');
    expect(existsSync(r.dek)).toBe(false);
  });

  it('refuses a credential without the exchange URL (bad settings, 78)', async () => {
    const r = await runSidecar({
      env: { VRACU_JOB_ID: JOB, VRACU_WORK_DIR: dir, VRACU_SIDECAR_JOB_CREDENTIAL: CRED, VRACU_SIDECAR_ATTESTERS: 'development' },
      argv: ['--', 'true'],
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      nowMs: () => Date.now(),
    });
    expect(r).toMatchObject({ exitCode: 78, error: expect.stringContaining('VRACU_SIDECAR_EXCHANGE_URL') });
  });
});

describe('DEK file', () => {
  it('overwrites the old key with zeros before writing the new one, in place, 0600', async () => {
    const p = join(dir, 'dek');
    await writeDek(p, Buffer.alloc(32, 0xaa));
    expect(statSync(p).mode & 0o777).toBe(0o600);
    await writeDek(p, Buffer.alloc(16, 0xbb));
    expect(readFileSync(p)).toEqual(Buffer.alloc(16, 0xbb));
  });
});

describe('configfs-tsm evidence provider', () => {
  /** A stand-in for the kernel's report dir: writing inblob makes outblob (here: a replayed real report) and bumps generation. */
  function fakeTsm(outblob: Uint8Array, extraBumps = 0) {
    const files = new Map<string, Buffer>();
    const inblobs: Buffer[] = [];
    const io: TsmIo = {
      mkdir: async (d) => void files.set(join(d, 'generation'), Buffer.from('4\n')),
      writeFile: async (p, data) => {
        inblobs.push(Buffer.from(data));
        const d = p.slice(0, p.lastIndexOf('/'));
        files.set(join(d, 'outblob'), Buffer.from(outblob));
        files.set(join(d, 'generation'), Buffer.from(`${5 + extraBumps}\n`));
      },
      readFile: async (p) => {
        const f = files.get(p);
        if (!f) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
        return f;
      },
      rmdir: async () => undefined,
    };
    return { io, inblobs };
  }
  const report = fixture('sev-snp', 'go-sev-guest', 'attestation.bin');
  const nonce = Buffer.alloc(32, 5);

  it('asks for a report over the challenge of the job and nonce and passes the replayed SEV-SNP report on', async () => {
    const { io, inblobs } = fakeTsm(report);
    const ev = await sidecarEvidence({ tsmDir: '/sys/kernel/config/tsm/report', io }).evidence(['snp'], JOB, nonce);
    expect(inblobs).toEqual([Buffer.from(cpuReportData(JOB, nonce))]);
    expect(Buffer.from((ev.snp as { report: string }).report, 'base64').equals(Buffer.from(report))).toBe(true);
  });
  it('refuses a report another writer raced (generation moved by more than one)', async () => {
    const { io } = fakeTsm(report, 1);
    await expect(tsmReport('/tsm', cpuReportData(JOB, nonce), 'r', io)).rejects.toThrow(/another writer/);
  });
  it('has no provider for NVIDIA evidence yet, and says so', async () => {
    await expect(sidecarEvidence({ tsmDir: '/tsm' }).evidence(['nvidia'], JOB, nonce)).rejects.toThrow(/no evidence provider for nvidia/);
  });
});
