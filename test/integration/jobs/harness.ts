/**
 * The jobs context on the real engines: DynamoDB Local, the SQS server, the local event
 * bus (EVENT_RULES route task events to their queue) and the real local sandbox driver.
 * A hand-turned pump delivers queue messages to the real consumers with Lambda's
 * contract, so tests can hold a queue, reorder its messages, or crash a step.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createRuntime, type Runtime } from '../../../functions/platform/runtime.ts';
import { SqsSender } from '../../../functions/platform/queue.ts';
import { seededPrng } from '../../../functions/platform/ids.ts';
import type { QueueId as AnyQueueId } from '../../../functions/definitions/queues.ts';

/** The queues the jobs context consumes (billing included: the providers' tests pump it by name). */
type QueueId = Extract<AnyQueueId, 'jobSteps' | 'taskEvents' | 'jobBilling'>;
import { LocalEventBus, type EventEnvelope } from '../../../local/event-bus.ts';
import { LocalSandboxDriver } from '../../../local/sandbox/driver.ts';
import { loadJobsConfig, type JobsConfig } from '../../../functions/jobs/config.ts';
import { composeJobs, type JobsDeps } from '../../../functions/jobs/deps.ts';
import { signerFromKeyFile } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { encodeWif } from '../../../functions/jobs/domain/wif.ts';
import { KeySigner } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { putAgent } from '../../../functions/jobs/store/agent-store.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import type { Job } from '../../../functions/jobs/domain/job.ts';
import { isTerminal } from '../../../functions/jobs/domain/lifecycle.ts';
import { handler as stepHandler } from '../../../functions/jobs/handlers/step-consumer.ts';
import { handler as taskHandler } from '../../../functions/jobs/handlers/task-event-consumer.ts';
import { handler as billingHandler } from '../../../functions/jobs/handlers/billing-consumer.ts';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { directoryPlacer } from '../../../functions/providers/index.ts';

export interface Harness {
  env: TestEnv;
  rt: Runtime;
  d: JobsDeps;
  bus: LocalEventBus;
  driver: LocalSandboxDriver;
  agents: { name: string; identity: string; publicKey: string }[];
  addAgent(i: number): Promise<void>;
  /** Delivers what is visible on the queues (all, or the ones named) once; returns how many. */
  pumpOnce(only?: QueueId[]): Promise<number>;
  /** Pumps until `done` holds. */
  pumpUntil(done: () => Promise<boolean> | boolean, opts?: { only?: QueueId[]; timeoutMs?: number }): Promise<void>;
  /** Takes visible messages off a queue without delivering them. */
  take(queue: QueueId): Promise<Message[]>;
  deliver(queue: QueueId, bodies: unknown[]): Promise<SQSBatchResponse>;
  visible(queue: QueueId): Promise<number>;
  waitTerminal(jobId: string, timeoutMs?: number): Promise<Job>;
  jobEvents(jobId: string): EventEnvelope[];
  /** Sets (or clears) the fault hook the composition calls at named points: a test throws to simulate a crash. */
  setFault(hook: ((point: string) => void) | undefined): void;
  close(): Promise<void>;
}

export async function jobsHarness(
  opts: { agents?: number; maxAgents?: number; seed?: number; config?: Partial<JobsConfig>; placer?: 'directory' } = {},
): Promise<Harness> {
  let bus: LocalEventBus | undefined;
  let rt: Runtime | undefined;
  // The runtime publishes to the local bus, whose rules route task events to their queue.
  const env = await testEnv({
    queues: true,
    seed: opts.seed ?? 7,
    runtime: ({ config, clock, doc, ids, sqs }) => {
      const sender = new SqsSender(sqs, config.VRACU_QUEUE_URLS);
      bus = new LocalEventBus(sender, () => clock.nowMs());
      rt = createRuntime(config, { clock, doc, ids, events: bus, queues: sender });
      return rt;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'vracu-dispatcher-'));
  const base = loadJobsConfig({ VAP_DISPATCHER_CONFIG: dir, MAX_AGENTS: String(opts.maxAgents ?? 9), VRACU_JOB_IMAGES: 'ghcr.io/vracu/*,local/*' });
  const cfg: JobsConfig = { ...base, ...opts.config };
  const driver = new LocalSandboxDriver({ publisher: bus!, clock: env.clock, stopGraceMs: 300 });
  let faultHook: ((point: string) => void) | undefined;
  const d = composeJobs({
    rt: rt!,
    config: cfg,
    driver,
    keyFileSigner: signerFromKeyFile,
    fault: (p) => faultHook?.(p),
    // Placement on the directory's providers (tests of providers); without it, the exchange pool.
    ...(opts.placer === 'directory' ? { placer: directoryPlacer(env.compositions.providers) } : {}),
  });
  env.compositions.jobs = d;

  const rand = seededPrng(opts.seed ?? 7);
  const agents: Harness['agents'] = [];
  async function addAgent(i: number): Promise<void> {
    const secret = Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256));
    const signer = new KeySigner(secret);
    const name = `agent-${i}`;
    const identity = `ari${i}.agentplatform@`;
    mkdirSync(join(dir, 'agents', name), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'agents', name, 'keys.json'), JSON.stringify({ wif: encodeWif(secret), identity, publicKey: signer.publicKeyHex }), {
      mode: 0o600,
    });
    await putAgent(d.store, {
      name,
      identity,
      publicKey: signer.publicKeyHex,
      ownerId: 'prn_provider',
      tenant: 'provider',
      registeredAt: new Date(env.clock.nowMs()).toISOString(),
    });
    agents.push({ name, identity, publicKey: signer.publicKeyHex });
  }
  for (let i = 1; i <= (opts.agents ?? 9); i++) await addAgent(i);

  const step = stepHandler.with(d);
  const task = taskHandler.with(d);
  const billing = billingHandler.with(d);
  const handlers: Record<QueueId, (e: SQSEvent) => Promise<SQSBatchResponse>> = {
    jobSteps: (e) => step(e, {} as never),
    taskEvents: (e) => task(e, {} as never),
    // Terminal job events also reach the billing queue (EVENT_RULES); tests of billing pump it by name.
    jobBilling: (e) => billing(e, {} as never),
  };
  const toEvent = (msgs: { id: string; body: string }[]): SQSEvent => ({
    Records: msgs.map((m) => ({
      messageId: m.id,
      receiptHandle: m.id,
      body: m.body,
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn',
      awsRegion: 'us-east-1',
    })),
  });

  async function take(queue: QueueId): Promise<Message[]> {
    const out = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.queues![queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    return out.Messages ?? [];
  }

  async function pumpOnce(only: QueueId[] = ['jobSteps', 'taskEvents']): Promise<number> {
    let n = 0;
    for (const q of only) {
      const msgs = await take(q);
      if (!msgs.length) continue;
      n += msgs.length;
      const res = await handlers[q](toEvent(msgs.map((m) => ({ id: m.MessageId!, body: m.Body ?? '' }))));
      const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of msgs)
        if (!failed.has(m.MessageId!)) await env.sqs.send(new DeleteMessageCommand({ QueueUrl: env.queues![q], ReceiptHandle: m.ReceiptHandle! }));
    }
    return n;
  }

  async function pumpUntil(done: () => Promise<boolean> | boolean, o: { only?: QueueId[]; timeoutMs?: number } = {}): Promise<void> {
    const until = Date.now() + (o.timeoutMs ?? 20_000);
    while (!(await done())) {
      if (Date.now() > until) throw new Error('pumpUntil: condition not reached in time');
      if ((await pumpOnce(o.only)) === 0) await new Promise((r) => setTimeout(r, 25));
    }
  }

  return {
    env,
    rt: rt!,
    d,
    bus: bus!,
    driver,
    agents,
    addAgent,
    pumpOnce,
    pumpUntil,
    take,
    deliver: (q, bodies) => handlers[q](toEvent(bodies.map((b, i) => ({ id: `m${i}`, body: JSON.stringify(b) })))),
    async visible(q) {
      const out = await env.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: env.queues![q], AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
    async waitTerminal(jobId, timeoutMs) {
      let job: Job | null = null;
      await pumpUntil(
        async () => {
          job = await getJob(d.store, jobId);
          return Boolean(job && isTerminal(job.status));
        },
        timeoutMs ? { timeoutMs } : {},
      );
      return job!;
    },
    jobEvents: (jobId) => bus!.events.filter((e) => e.detail.jobId === jobId && e['detail-type'] === 'Job State Changed'),
    setFault(hook) {
      faultHook = hook;
    },
    async close() {
      faultHook = undefined;
      await driver.close();
    },
  };
}
