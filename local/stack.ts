/**
 * The whole exchange on one machine: DynamoDB Local, the SQS server, the HTTP gateway, the
 * queue pump, the scheduler and the event bus, all driving the handlers the cloud runs, on
 * compositions made here from explicit inputs (one runtime on the local engines, the
 * plugins' container driver): nothing is written to process.env or set at module level.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock, type Clock } from '../functions/platform/clock.ts';
import { loadConfig } from '../functions/platform/config.ts';
import { documentClient } from '../functions/platform/dynamo/client.ts';
import { enforceWriteRules } from './write-rules.ts';
import { createRuntime, type Runtime } from '../functions/platform/runtime.ts';
import { composeContexts, type Compositions } from '../functions/api/contexts.ts';
import { composePayments, loadPaymentsConfig } from '../functions/payments/index.ts';
import { localArtifacts } from './artifacts.ts';
import { platformEnvironment } from '../functions/definitions/environment.ts';
import { SqsSender } from '../functions/platform/queue.ts';
import { createKey, resolveKey } from '../functions/platform/auth/keys.ts';
import type { ScheduleId } from '../functions/definitions/schedules.ts';
import { startDynamo, type DynamoEngine } from './engines/dynamo.ts';
import { startSqs, type SqsEngine } from './engines/sqs.ts';
import { ensureQueues, ensureTables, type QueueUrls } from './provision.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { startQueuePump, type QueuePump } from './queue-pump.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';
import { LocalEventBus } from './event-bus.ts';
import { PLUGINS, startPlugins } from './plugins.ts';
import { jobsPlugin, type LocalJobsOptions } from './jobs.ts';
import { privacyPlugin } from './privacy.ts';
import { sandboxPlugin } from './sandbox/plugin.ts';
import { invoker } from './modules.ts';
import { claimRunDir } from './processes.ts';
import { isListening } from './engines/ports.ts';
import { startChain, type ChainAddresses, type LocalChain } from './chain.ts';

export interface LocalStackOptions {
  /** Gateway port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Keep everything in memory (nothing under .vracu/). */
  memory?: boolean;
  /** Where persisted data lives. Default `.vracu` in the working directory. */
  dataDir?: string;
  /** Attach to engines that are already running instead of starting them (tests). */
  dynamoEndpoint?: string;
  sqsEndpoint?: string;
  tablePrefix?: string;
  clock?: Clock;
  /** No progress output. */
  quiet?: boolean;
  /** Run the schedules on their timers (default true; tests call scheduler.runNow). */
  schedules?: boolean;
  /** Start the context plugins (the sandbox driver, the jobs context on it); default true. Without them jobs routes have no composition. */
  plugins?: boolean;
  /** The plugins' settings (VRACU_SANDBOX_*, MAX_AGENTS, JOB_TIMEOUT_MS, ...); read, never written. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The jobs context's own settings (win over `env`): where agent key files are, MAX_AGENTS. */
  jobs?: LocalJobsOptions;
  /** Print one line per request. */
  accessLog?: boolean;
  /** Where the built web console is (default console/dist, what `npm start` builds). */
  consoleDir?: string;
  /** Apply the route table's per-route throttles (default true; the stage default always applies). */
  routeThrottles?: boolean;
  log?: (line: string) => void;
  /** Also start a local EVM (anvil), deploy the exchange's contracts on it and turn the chain wallet on (`npm start -- --chain`). */
  chain?: boolean;
}

export interface LocalStack {
  url: string;
  adminKey: string;
  runtime: Runtime;
  bus: LocalEventBus;
  scheduler: { runNow(id: ScheduleId): Promise<unknown> };
  pump: QueuePump;
  queues: QueueUrls;
  dataDir: string | null;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** DynamoDB Local's Java process, when this stack started it. */
  dynamoPid: number | null;
  /** What each context's handlers run on. */
  compositions: Compositions;
  /** The local chain the payments wallet uses, when started with `chain: true`. */
  chain: { rpcUrl: string; chainId: number; pid: number; addresses: ChainAddresses } | null;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const say = opts.quiet ? () => undefined : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const clock = opts.clock ?? systemClock;
  const dataDir = opts.memory ? null : resolve(opts.dataDir ?? '.vracu');
  const port = opts.port ?? 8787;
  // Found before any engine starts, so the message names the port and nothing is left half up.
  if (port !== 0 && (await isListening(port))) throw new PortInUseError(port);
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Every child process group is recorded here and reaped if this process dies (local/processes.ts).
  const runDir = dataDir ?? mkdtempSync(join(tmpdir(), 'vracu-run-'));
  const claim = claimRunDir(runDir);
  if (claim.staleStackPid !== undefined) {
    const left = claim.reaped.map((r) => `${r.what} (pid ${r.pid})`).join(', ');
    say(`a local stack (pid ${claim.staleStackPid}) did not stop cleanly on ${runDir}${left ? `: stopped what it left running: ${left}` : ''}`);
  }

  const stops: (() => Promise<void>)[] = [
    async () => {
      claim.release();
      if (!dataDir) rmSync(runDir, { recursive: true, force: true });
    },
  ];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let dynamo: DynamoEngine | undefined;
    let sqsEngine: SqsEngine | undefined;
    if (!opts.dynamoEndpoint) {
      say(`starting DynamoDB Local${dataDir ? ` (data in ${join(dataDir, 'dynamodb')})` : ' (in memory)'} ...`);
      dynamo = await startDynamo(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {});
      claim.registry.started(dynamo.pid, 'dynamodb-local');
      stops.push(async () => {
        await dynamo!.stop();
        claim.registry.ended(dynamo!.pid);
      });
    }
    if (!opts.sqsEndpoint) {
      say('starting the SQS server ...');
      sqsEngine = await startSqs(dataDir ? { dataDir: join(dataDir, 'sqs') } : {});
      stops.push(() => sqsEngine!.stop());
    }
    const dynamoEndpoint = opts.dynamoEndpoint ?? dynamo!.endpoint;
    const sqsEndpoint = opts.sqsEndpoint ?? sqsEngine!.endpoint;
    const prefix = opts.tablePrefix ?? 'vracu-local';

    // IAM's table write rules do not exist locally: the client enforces them instead.
    const ddb = enforceWriteRules(new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
    const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    say('creating tables and queues from the shared definitions ...');
    await ensureTables(ddb, prefix);
    const queues = await ensureQueues(sqs, prefix);

    // The same contract a Lambda's environment follows, given as values, not via process.env.
    const config = loadConfig({
      ...platformEnvironment({ stage: 'local', tablePrefix: prefix, queueUrls: JSON.stringify(queues), eventBus: 'vracu-local' }),
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      SQS_ENDPOINT: sqsEndpoint,
      VRACU_VALIDATE_RESPONSES: (opts.env ?? process.env).VRACU_VALIDATE_RESPONSES ?? 'false',
    });
    const sender = new SqsSender(sqs, queues);
    const bus = new LocalEventBus(sender, () => clock.nowMs());
    const runtime = createRuntime(config, { clock, doc: documentClient(ddb), events: bus, queues: sender });
    stops.push(async () => {
      ddb.destroy();
      sqs.destroy();
    });

    let chain: LocalChain | undefined;
    if (opts.chain) {
      say(`starting a local EVM (anvil${dataDir ? `, chain kept in ${join(dataDir, 'chain')}` : ', in memory'}) ...`);
      chain = await startChain(dataDir ? { dataDir: join(dataDir, 'chain') } : {});
      say(chain.resumed ? 'resumed the kept chain and its contracts' : 'deployed the mock tokens, the oracle and ConversionRouter');
      claim.registry.started(chain.pid, 'anvil');
      stops.push(async () => {
        await chain!.stop();
        claim.registry.ended(chain!.pid);
      });
    }
    // The chain's settings as the cloud gives them (functions/definitions/environment.ts), on top of whatever the env says.
    const paymentsEnv = chain
      ? {
          ...(opts.env ?? process.env),
          VRACU_CHAIN_RPC_URL: chain.rpcUrl,
          VRACU_CHAIN_ROUTER: chain.addresses.router,
          VRACU_CHAIN_PRIVATE_KEY: chain.walletKey,
        }
      : (opts.env ?? process.env);

    const adminKey = await adminKeyFor(runtime, dataDir);
    const compositions = composeContexts(runtime);
    // Payments read their own settings (Stripe key and webhook secret; without a key, the offline Stripe).
    compositions.payments = composePayments({ rt: runtime, config: loadPaymentsConfig(paymentsEnv) });
    compositions.artifacts = await localArtifacts(runtime, sqsEndpoint, dataDir, prefix, opts.env ?? process.env);
    const plugins = opts.plugins === false ? [] : opts.jobs ? [sandboxPlugin, jobsPlugin(opts.jobs), privacyPlugin()] : PLUGINS;
    const started = await startPlugins({ runtime, bus, dataDir, log: say, env: opts.env ?? process.env, processes: claim.registry }, plugins, {
      artifacts: compositions.artifacts,
    });
    for (const h of started.handles) stops.push(() => h.stop());
    if (started.provided.jobs) compositions.jobs = started.provided.jobs;
    if (started.provided.privacy) compositions.privacy = started.provided.privacy;
    const invoke = invoker(compositions);

    const pump = startQueuePump(sqs, queues, invoke, say);
    stops.push(() => pump.stop());
    const scheduler: Scheduler = startScheduler({ enabled: opts.schedules ?? true, nowMs: () => clock.nowMs(), invoke, log: say });
    stops.push(async () => scheduler.stop());

    const gateway: Gateway = await startGateway({
      port: opts.port ?? 8787,
      invoke,
      consoleDir: opts.consoleDir,
      routeThrottles: opts.routeThrottles ?? true,
      nowMs: () => clock.nowMs(),
      ...(opts.accessLog ? { log: say } : {}),
    });
    stops.push(() => gateway.close());
    // Attested jobs' sidecars reach the exchange here.
    started.provided.driver?.setExchangeUrl?.(gateway.url);
    // Jobs a stack that died left RUNNING end (or resume) on their lease and deadline: check at once, not a minute from now.
    if (compositions.jobs && (opts.schedules ?? true))
      void scheduler.runNow('jobTimeouts').catch((err: unknown) => say(`job sweep at start failed: ${(err as Error).message}`));
    // Stop order: gateway, scheduler, pump, plugins, clients, engines.
    const ordered = [...stops];
    return {
      url: gateway.url,
      adminKey,
      runtime,
      bus,
      scheduler,
      pump,
      queues,
      dataDir,
      dynamoEndpoint,
      sqsEndpoint,
      dynamoPid: dynamo?.pid ?? null,
      compositions,
      chain: chain ? { rpcUrl: chain.rpcUrl, chainId: chain.chainId, pid: chain.pid, addresses: chain.addresses } : null,
      stop: async () => {
        for (const s of ordered.reverse()) await s().catch(() => undefined);
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A persisted stack keeps its admin key in `<dataDir>/admin.key` (0600); in memory a new one. */
async function adminKeyFor(rt: Runtime, dataDir: string | null): Promise<string> {
  const deps = { doc: rt.doc, table: rt.table('auth'), clock: rt.clock, ids: rt.ids };
  const file = dataDir ? join(dataDir, 'admin.key') : null;
  if (file && existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (await resolveKey(deps, secret)) return secret;
  }
  const created = await createKey(deps, { roles: ['admin'], principalId: 'admin', tenant: 'admin', label: 'local stack admin' });
  if (file) {
    writeFileSync(file, `${created.secret}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return created.secret;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} is already in use on 127.0.0.1: stop what listens there, or start with another port (npm start -- --port <n>, or --port 0 for a free one)`,
    );
    this.name = 'PortInUseError';
  }
}
