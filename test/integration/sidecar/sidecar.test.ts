/**
 * The sidecar as the container runs it: bundled into one file (as the Dockerfile does; local/sandbox/sidecar-bundle.ts),
 * started as a child process with no node_modules around it.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSidecar, type SidecarReport } from '../../../sidecar/sidecar.ts';
import { zeroizeFiles } from '../../../sidecar/cleanup.ts';
import { SIDECAR_READY_PATH } from '../../../functions/definitions/job-task.ts';
import { sidecarBundle } from '../../../local/sandbox/sidecar-bundle.ts';

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vracu-sidecar-test-'));
  bundle = await sidecarBundle();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  report: SidecarReport;
  ms: number;
}

function freshWorkDir(): string {
  const w = join(dir, `work-${Math.random().toString(36).slice(2)}`);
  mkdirSync(w);
  return w;
}

function runBundle(command: string[], env: Record<string, string>, opts: { sigtermOn?: string } = {}): Promise<Run> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [bundle, '--', ...command], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (opts.sigtermOn && stdout.includes(opts.sigtermOn)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const last = stderr.trim().split('\n').at(-1) ?? '{}';
      resolve({ code, stdout, stderr, report: JSON.parse(last) as SidecarReport, ms: Date.now() - t0 });
    }),
  );
}

describe('sidecar (bundled, as a child process)', () => {
  it('runs the workload, streams its output, passes its exit code and wipes the work dir', async () => {
    const work = freshWorkDir();
    const r = await runBundle(['sh', '-c', 'echo to-stdout; echo to-stderr >&2; pwd; echo data > result.bin; mkdir -p sub && touch sub/x; exit 5'], {
      VRACU_JOB_ID: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
      VRACU_WORK_DIR: work,
    });
    expect(r.code).toBe(5);
    expect(r.stdout).toBe(`to-stdout\n${work}\n`);
    expect(r.stderr.startsWith('to-stderr\n')).toBe(true);
    expect(r.report).toMatchObject({
      type: 'sidecar:completed',
      jobId: 'job_01JD3Q4W5X6Y7Z8A9B0C1D2E3F',
      exitCode: 5,
      workloadExitCode: 5,
      timedOut: false,
      stopped: false,
      attestationHash: null,
      wipedDirs: [work],
    });
    expect(existsSync(work)).toBe(true);
    expect(readdirSync(work)).toEqual([]);
  });

  it('keeps its own settings from the workload and passes the rest of the task env', async () => {
    const r = await runBundle(['env'], {
      VRACU_JOB_ID: 'job_1',
      VRACU_WORK_DIR: freshWorkDir(),
      VRACU_SIDECAR_TOKEN: 'sidecar-only-9d1c',
      JOB_INPUT: 's3://in',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('sidecar-only-9d1c');
    expect(r.stdout).toContain('JOB_INPUT=s3://in');
    expect(r.stdout).toContain('VRACU_JOB_ID=job_1');
  });

  it('ends the workload at the deadline: exit 124, timedOut, nothing left behind', async () => {
    const work = freshWorkDir();
    const r = await runBundle(['sh', '-c', 'touch partial; sleep 30'], {
      VRACU_JOB_ID: 'job_1',
      VRACU_WORK_DIR: work,
      VRACU_JOB_TIMEOUT_MS: '300',
      VRACU_SIDECAR_STOP_GRACE_MS: '200',
    });
    expect(r.code).toBe(124);
    expect(r.report).toMatchObject({ timedOut: true, exitCode: 124, wipedDirs: [work] });
    expect(r.ms).toBeLessThan(5000);
    expect(readdirSync(work)).toEqual([]);
  });

  it('forwards a stop (SIGTERM from StopTask) to the workload, then still wipes', async () => {
    const work = freshWorkDir();
    const r = await runBundle(['sh', '-c', 'touch partial; echo started; sleep 30'], { VRACU_JOB_ID: 'job_1', VRACU_WORK_DIR: work }, { sigtermOn: 'started' });
    expect(r.report).toMatchObject({ stopped: true, timedOut: false, signal: 'SIGTERM', workloadExitCode: 143, wipedDirs: [work] });
    expect(r.code).toBe(143);
    expect(readdirSync(work)).toEqual([]);
  });

  it.each([
    ['no job id', 78, ['true'], {}, /VRACU_JOB_ID/],
    ['no command', 78, [], { VRACU_JOB_ID: 'job_1' }, /no workload command/],
    ['a bad timeout', 78, ['true'], { VRACU_JOB_ID: 'job_1', VRACU_JOB_TIMEOUT_MS: '-5' }, /VRACU_JOB_TIMEOUT_MS/],
    ['a command that does not exist', 127, ['no-such-binary-vracu'], { VRACU_JOB_ID: 'job_1' }, /could not start/],
  ])('fails with %s: exit %i and a report saying why', async (_n, code, cmd, env, why) => {
    const r = await runBundle(cmd, { VRACU_WORK_DIR: freshWorkDir(), ...env });
    expect(r.code).toBe(code);
    expect(r.report.type).toBe('sidecar:failed');
    expect(r.report.error).toMatch(why);
  });
});

/** Task metadata v4 as ECS serves it (fields trimmed to a realistic subset). */
function taskMetadata(workload: { KnownStatus: string; ExitCode?: number }) {
  const container = (name: string, extra: object) => ({
    DockerId: `c13b4cb40f1f4fe4a2971f76ae5a47ad-${name === 'sidecar' ? '3524788186' : '1125391210'}`,
    Name: name,
    DockerName: name,
    Image: `111122223333.dkr.ecr.us-east-1.amazonaws.com/vracu-dev-${name}:1`,
    ImageID: 'sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6',
    Labels: { 'com.amazonaws.ecs.container-name': name, 'com.amazonaws.ecs.task-definition-family': 'vracu-dev-job' },
    DesiredStatus: 'RUNNING',
    KnownStatus: 'RUNNING',
    Limits: { CPU: 0 },
    CreatedAt: '2026-11-23T12:00:10.1Z',
    StartedAt: '2026-11-23T12:00:11.2Z',
    Type: 'NORMAL',
    ...extra,
  });
  return {
    Cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/vracu-dev-jobs',
    TaskARN: 'arn:aws:ecs:us-east-1:111122223333:task/vracu-dev-jobs/c13b4cb40f1f4fe4a2971f76ae5a47ad',
    Family: 'vracu-dev-job',
    Revision: '7',
    DesiredStatus: 'RUNNING',
    KnownStatus: 'RUNNING',
    Limits: { CPU: 1, Memory: 2048 },
    LaunchType: 'FARGATE',
    Containers: [container('sidecar', {}), container('workload', workload)],
  };
}

/** A local stand-in for the ECS agent's metadata endpoint: the workload stops after `runningFor` polls. */
async function metadataServer(runningFor: number, exitCode: number | undefined): Promise<{ uri: string; polls: () => number; close: () => Promise<void> }> {
  let polls = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/v4/c13b4cb4-1125391210/task') {
      res.writeHead(404).end();
      return;
    }
    polls++;
    const body =
      polls === 1
        ? null
        : taskMetadata(polls > runningFor ? { KnownStatus: 'STOPPED', ...(exitCode !== undefined ? { ExitCode: exitCode } : {}) } : { KnownStatus: 'RUNNING' });
    // the first poll fails, as the endpoint can right at start
    if (!body) res.writeHead(503).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { uri: `http://127.0.0.1:${port}/v4/c13b4cb4-1125391210`, polls: () => polls, close: () => new Promise((r) => server.close(() => r())) };
}

describe("sidecar watch mode (the workload is the task's other container)", () => {
  it('follows the workload container through task metadata, exits with its code, wipes the shared volume', async () => {
    const md = await metadataServer(3, 3);
    const work = freshWorkDir();
    writeFileSync(join(work, 'output.bin'), 'result');
    try {
      const r = await runBundle([], { VRACU_JOB_ID: 'job_1', VRACU_WORK_DIR: work, ECS_CONTAINER_METADATA_URI_V4: md.uri });
      expect(r.code).toBe(3);
      expect(r.report).toMatchObject({ type: 'sidecar:completed', exitCode: 3, workloadExitCode: 3, timedOut: false, wipedDirs: [work] });
      expect(md.polls()).toBeGreaterThanOrEqual(4);
      expect(readdirSync(work)).toEqual([]);
    } finally {
      await md.close();
    }
  });

  it('ends the task at the deadline: exit 124 (the exchange reads it as a timeout)', async () => {
    const md = await metadataServer(1_000_000, undefined);
    try {
      const r = await runBundle([], {
        VRACU_JOB_ID: 'job_1',
        VRACU_WORK_DIR: freshWorkDir(),
        ECS_CONTAINER_METADATA_URI_V4: md.uri,
        VRACU_JOB_TIMEOUT_MS: '1500',
      });
      expect(r.code).toBe(124);
      expect(r.report).toMatchObject({ timedOut: true, exitCode: 124 });
    } finally {
      await md.close();
    }
  });

  it('on SIGTERM (StopTask) wipes and exits 143', async () => {
    const md = await metadataServer(1_000_000, undefined);
    const work = freshWorkDir();
    writeFileSync(join(work, 'partial.bin'), 'x');
    try {
      const child = spawn(process.execPath, [bundle], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', VRACU_JOB_ID: 'job_1', VRACU_WORK_DIR: work, ECS_CONTAINER_METADATA_URI_V4: md.uri },
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // once it is polling, it is running our code
      while (md.polls() < 2) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(143);
      expect(JSON.parse(stderr.trim().split('\n').at(-1)!)).toMatchObject({ stopped: true, exitCode: 143, wipedDirs: [work] });
      expect(readdirSync(work)).toEqual([]);
    } finally {
      await md.close();
    }
  });
});

describe('sidecar readiness (its ECS health check; the workload container dependsOn it HEALTHY)', () => {
  const quiet = () => {
    const out = new PassThrough();
    out.resume();
    return out;
  };
  const watchIo = (work: string, uri: string) => ({
    env: { PATH: process.env.PATH, VRACU_JOB_ID: 'job_ready', VRACU_WORK_DIR: work, ECS_CONTAINER_METADATA_URI_V4: uri },
    argv: [],
    stdout: quiet(),
    stderr: quiet(),
    nowMs: () => Date.UTC(2026, 10, 23, 12),
  });

  it('writes the marker only after the handshake, before following the workload', async () => {
    rmSync(SIDECAR_READY_PATH, { force: true });
    const md = await metadataServer(0, 0);
    let seenDuringHandshake: boolean | undefined;
    try {
      const report = await runSidecar({
        ...watchIo(freshWorkDir(), md.uri),
        handshake: {
          async perform() {
            seenDuringHandshake = existsSync(SIDECAR_READY_PATH);
            return { attestationHash: null, workloadEnv: {}, secretFiles: [] };
          },
        },
      });
      expect(report).toMatchObject({ exitCode: 0 });
      expect(seenDuringHandshake).toBe(false);
      expect(readFileSync(SIDECAR_READY_PATH, 'utf8')).toBe('job_ready\n');
    } finally {
      await md.close();
      rmSync(SIDECAR_READY_PATH, { force: true });
    }
  });

  it('a failed handshake never writes it (ECS never starts the workload)', async () => {
    rmSync(SIDECAR_READY_PATH, { force: true });
    const md = await metadataServer(0, 0);
    try {
      const report = await runSidecar({
        ...watchIo(freshWorkDir(), md.uri),
        handshake: {
          async perform() {
            throw new Error('evidence rejected');
          },
        },
      });
      expect(report).toMatchObject({ type: 'sidecar:failed', exitCode: 70 });
      expect(existsSync(SIDECAR_READY_PATH)).toBe(false);
    } finally {
      await md.close();
    }
  });
});

describe('sidecar handshake seam and zeroization (in process)', () => {
  const io = (work: string, argv: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    err.resume();
    return {
      io: {
        env: { PATH: process.env.PATH, VRACU_JOB_ID: 'job_1', VRACU_WORK_DIR: work },
        argv,
        stdout: out,
        stderr: err,
        nowMs: () => Date.UTC(2026, 10, 23, 12),
      },
      stdout: () => stdout,
    };
  };

  it('gives the workload what the handshake returns and zeroizes its secret files afterwards', async () => {
    const work = freshWorkDir();
    const keyDir = mkdtempSync(join(tmpdir(), 'vracu-dek-'));
    const dek = join(keyDir, 'dek.bin');
    const witness = join(keyDir, 'witness');
    const t = io(work, ['sh', '-c', 'cat "$DEK_PATH"']);
    const report = await runSidecar({
      ...t.io,
      handshake: {
        async perform() {
          writeFileSync(dek, 'KEY-MATERIAL-1234');
          linkSync(dek, witness); // same inode: shows what was left on disk
          return { attestationHash: 'sha256:abc', workloadEnv: { DEK_PATH: dek }, secretFiles: [dek] };
        },
      },
    });
    expect(t.stdout()).toBe('KEY-MATERIAL-1234');
    expect(report).toMatchObject({ exitCode: 0, attestationHash: 'sha256:abc', zeroizedFiles: 1, startedAt: '2026-11-23T12:00:00.000Z' });
    expect(existsSync(dek)).toBe(false);
    expect(readFileSync(witness)).toEqual(Buffer.alloc(17));
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('a stop requested before the workload started (during the handshake) ends it at once', async () => {
    const work = freshWorkDir();
    const t = io(work, ['sh', '-c', 'echo started; sleep 30']);
    const t0 = Date.now();
    const report = await runSidecar({
      ...t.io,
      env: { ...t.io.env, VRACU_SIDECAR_STOP_GRACE_MS: '100' },
      // main.ts remembers a SIGTERM that came early and calls stop as soon as it can.
      onStop: (stop) => {
        stop();
        return () => undefined;
      },
    });
    expect(report).toMatchObject({ stopped: true, timedOut: false, wipedDirs: [work] });
    expect(report.exitCode).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('does not start the workload when the handshake fails, and still wipes', async () => {
    const work = freshWorkDir();
    writeFileSync(join(work, 'input.bin'), 'x');
    const t = io(work, ['sh', '-c', 'echo ran']);
    const report = await runSidecar({
      ...t.io,
      handshake: {
        async perform() {
          throw new Error('evidence rejected');
        },
      },
    });
    expect(report).toMatchObject({ type: 'sidecar:failed', exitCode: 70, error: 'handshake failed: evidence rejected', wipedDirs: [work] });
    expect(t.stdout()).toBe('');
    expect(readdirSync(work)).toEqual([]);
  });

  it('zeroizeFiles skips missing files and counts the rest', async () => {
    const d = mkdtempSync(join(tmpdir(), 'vracu-z-'));
    writeFileSync(join(d, 'a'), Buffer.alloc(3 << 20, 7));
    expect(await zeroizeFiles([join(d, 'a'), join(d, 'missing')])).toBe(1);
    expect(readdirSync(d)).toEqual([]);
    rmSync(d, { recursive: true, force: true });
  });
});
