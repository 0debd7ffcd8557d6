/**
 * `npm start` as a user runs it: a separate process that starts its own engines. Ctrl-C and
 * SIGTERM must stop everything it started: DynamoDB Local's Java process has been seen to
 * outlive a plain kill, so this checks that no process and no port is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isListening } from '../../../local/engines/ports.ts';

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

async function stopWith(s: Started, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((r) => s.proc.once('exit', (code) => r(code)));
  s.proc.kill(signal);
  return exited;
}

describe('npm start (bin/local.ts) as a process', () => {
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
});
