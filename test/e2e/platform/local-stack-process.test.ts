/**
 * `npm start` as a user runs it: a separate process that starts its own engines. Ctrl-C and
 * SIGTERM must stop everything it started: DynamoDB Local's Java process has been seen to
 * outlive a plain kill, so this checks that no process and no port is left behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { isListening } from '../../../local/engines/ports.ts';
import { TABLES, tableName, type TableId } from '../../../functions/definitions/tables.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { createKeyRoute } from '../../../functions/platform/api.ts';
import { attestationsRoute, getJobRoute, submitJobRoute } from '../../../functions/jobs/api.ts';
import { initAgents } from '../../../sdk/dispatcher/identities.ts';
import { registerAgent } from '../../../sdk/dispatcher/agents.ts';
import { VracuClient } from '../../../sdk/client.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NODE_BIN = join(ROOT, 'node_modules/node/bin');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Started {
  proc: ChildProcess;
  output: () => string;
  url: string;
  dynamoPort: number;
  dynamoPid: number;
  gatewayPort: number;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function start(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/local.ts'), '--port', '0', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 90_000;
  while (!/Ctrl-C stops everything/.test(out)) {
    if (proc.exitCode !== null) throw new Error(`local stack exited early:\n${out}`);
    if (Date.now() > until) throw new Error(`local stack did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /running at (http:\/\/[^\s]+)/.exec(out)![1]!;
  const m = /DynamoDB Local http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(out)!;
  return { proc, output: () => out, url, dynamoPort: Number(m[1]), dynamoPid: Number(m[2]), gatewayPort: Number(new URL(url).port) };
}

/** Pids (and command lines) of processes whose command line holds `needle`. */
function processesWith(needle: string): { pid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2]!.includes(needle) && !m[2]!.includes('ps -eo'))
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every item key of every table, on the engine at `port`. */
async function itemKeys(port: number): Promise<Set<string>> {
  const ddb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const keys = new Set<string>();
  for (const id of Object.keys(TABLES) as TableId[]) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb.send(new ScanCommand({ TableName: tableName('vracu-local', id), ExclusiveStartKey: start as never }));
      for (const it of out.Items ?? []) keys.add(`${id} ${it.pk?.S} ${it.sk?.S}`);
      start = out.LastEvaluatedKey;
    } while (start);
  }
  ddb.destroy();
  return keys;
}

async function stopWith(s: Started, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((r) => s.proc.once('exit', (code) => r(code)));
  s.proc.kill(signal);
  return exited;
}

// Each test starts one or two stacks (a JVM each): on a loaded machine that takes more than the default minute.
describe('npm start (bin/local.ts) as a process', { timeout: 240_000 }, () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s stops everything: no Java process, no port left', async (signal) => {
    const s = await start(['--memory']);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    expect(alive(s.dynamoPid)).toBe(true);
    const code = await stopWith(s, signal);
    expect(code).toBe(0);
    expect(alive(s.dynamoPid)).toBe(false);
    expect(await isListening(s.dynamoPort)).toBe(false);
    expect(await isListening(s.gatewayPort)).toBe(false);
  });

  it('persists under the data dir and keeps the admin key across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-data-'));
    try {
      const a = await start(['--data-dir', dir]);
      const key1 = /admin key:\s+(\S+)/.exec(a.output())![1];
      expect(statSync(join(dir, 'admin.key')).mode & 0o777).toBe(0o600);
      await stopWith(a, 'SIGTERM');
      const b = await start(['--data-dir', dir]);
      const key2 = /admin key:\s+(\S+)/.exec(b.output())![1];
      expect(key2).toBe(key1);
      const who = await fetch(`${b.url}/v1/whoami`, { headers: { 'x-api-key': key2! } });
      expect(who.status).toBe(200);
      expect(readFileSync(join(dir, 'admin.key'), 'utf8').trim()).toBe(key1);
      await stopWith(b, 'SIGTERM');
      expect(alive(b.dynamoPid)).toBe(false);
      expect(existsSync(join(dir, 'dynamodb'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how to install Java when it is missing', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/local.ts'), '--memory', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, PATH: NODE_BIN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(proc);
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/Java was not found/);
    expect(err).toMatch(/apt-get install -y openjdk-17-jre-headless/);
  });

  it('rejects a bad --port with a usage error', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/local.ts'), '--port', 'eighty'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    expect(await new Promise((r) => proc.once('exit', r))).toBe(2);
    expect(err).toMatch(/--port must be an integer/);
  });

  it('kill -9 of the stack leaves nothing running; npm start on the same data dir then works, keeps every item, runs one Java, and ends the job that was RUNNING, attested', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-crash-'));
    const data = join(dir, 'data');
    const vap = join(dir, 'dispatcher');
    const rand = seededPrng(917);
    initAgents(vap, 1, () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)));
    const env = { ...process.env, VAP_DISPATCHER_CONFIG: vap, MAX_AGENTS: '1' };
    try {
      const a = await start(['--data-dir', data], env);
      const admin = new VracuClient({ baseUrl: a.url, apiKey: /admin key:\s+(\S+)/.exec(a.output())![1]!, attempts: 1 });
      const provider = new VracuClient({ baseUrl: a.url, apiKey: (await admin.call(createKeyRoute, { body: { roles: ['provider'] } })).secret, attempts: 1 });
      await registerAgent(provider, vap, 'agent-1', 'ari1');
      const buyerKey = (await admin.call(createKeyRoute, { body: { roles: ['buyer'] } })).secret;
      const buyer = new VracuClient({ baseUrl: a.url, apiKey: buyerKey, attempts: 1 });
      const marker = `vracu-crash-${process.pid}-${Date.now()}`;
      const job = await buyer.call(submitJobRoute, {
        body: {
          adapter: 'render',
          spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', `sleep 600 # ${marker}`] },
          timeoutMs: 3000,
          memoryMb: 256,
        },
      });
      await until('RUNNING', async () => ((await buyer.call(getJobRoute, { params: { id: job.jobId } })).status === 'RUNNING' ? true : undefined));
      const sandboxes = await until('the sandbox process', () => {
        const ps = processesWith(marker);
        return ps.length ? ps : undefined;
      });
      const before = await itemKeys(a.dynamoPort);

      a.proc.kill('SIGKILL');
      await new Promise((r) => a.proc.once('exit', r));
      // The reaper notices the stack is gone and stops what it had started.
      await until('the orphans gone', () => (!alive(a.dynamoPid) && sandboxes.every((p) => !alive(p.pid)) ? true : undefined), 15_000);

      const b = await start(['--data-dir', data], env);
      expect(b.output()).toMatch(new RegExp(`a local stack \\(pid ${a.proc.pid}\\) did not stop cleanly`));
      expect(processesWith('DynamoDBLocal').filter((p) => p.args.includes(data))).toHaveLength(1);
      const after = await itemKeys(b.dynamoPort);
      expect([...before].filter((k) => !after.has(k) && !k.includes(' OUTBOX#'))).toEqual([]);
      // Past its deadline, the job the crash left RUNNING ends at the start sweep: its container is gone, attested as such.
      const again = new VracuClient({ baseUrl: b.url, apiKey: buyerKey, attempts: 1 });
      const ended = await until('the job ended', async () => {
        const j = await again.call(getJobRoute, { params: { id: job.jobId } });
        return ['COMPLETED', 'FAILED', 'ABORTED'].includes(j.status) ? j : undefined;
      });
      expect(ended).toMatchObject({ status: 'ABORTED', reason: 'timeout', attested: { creation: true, deletion: true } });
      const att = await again.call(attestationsRoute, { params: { id: job.jobId } });
      expect(att.deletion).toMatchObject({ stopReason: 'container_lost', exitCode: null });
      await stopWith(b, 'SIGTERM');
      expect(alive(b.dynamoPid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a data dir a live stack holds, and a port in use, naming them, before starting anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-busy-'));
    try {
      const a = await start(['--data-dir', dir]);
      const run = (args: string[]) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/local.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
          children.push(p);
          let err = '';
          p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          p.once('exit', (code) => resolve({ code, err }));
        });
      const busy = await run(['--data-dir', dir, '--port', '0']);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(new RegExp(`another local stack \\(pid ${a.proc.pid}\\) is running on`));
      const port = await run(['--memory', '--port', String(a.gatewayPort)]);
      expect(port.code).toBe(1);
      expect(port.err).toMatch(new RegExp(`port ${a.gatewayPort} is already in use`));
      expect(port.err).not.toMatch(/starting DynamoDB Local/);
      await stopWith(a, 'SIGTERM');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
