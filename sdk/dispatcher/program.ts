/**
 * `vap-dispatcher` (seed 000): init, register, start, status, privacy, verify. It talks to
 * the exchange at VAP_API_URL with VRACU_API_KEY; keys live under VAP_DISPATCHER_CONFIG.
 * The exchange runs the pool (claims, queue, containers, signing); the dispatcher makes the
 * identities, registers them, brings up the local exchange when asked, and checks the proofs.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { Command } from 'commander';
import type { KmsSend } from '../../functions/platform/crypto/kms-key.ts';
import { VracuClient } from '../client.ts';
import { table } from '../cli/context.ts';
import { attestationsRoute, getJobRoute, listAgentsRoute, poolAttestationsRoute, poolStatusRoute } from '../../functions/jobs/api.ts';
import { jobHash } from '../../functions/jobs/domain/attestation.ts';
import { jobDocument } from '../../functions/jobs/domain/job.ts';
import { privacyGetRoute } from '../../functions/privacy/api.ts';
import type { PrivacyViewInput } from '../../functions/jobs/domain/release-log.ts';
import { initAgents } from './identities.ts';
import { registerAgent, registerKmsAgent } from './agents.ts';
import { privacyStats, verifyJob, type AttestedJob } from './privacy.ts';
import { agentKey, keyInLog } from '../key-log.ts';

export const DEFAULT_API_URL = 'http://127.0.0.1:8787';

export interface DispatcherEnv {
  url: string;
  apiKey: string | undefined;
  configDir: string;
  maxAgents: number;
}

export function dispatcherEnv(env: NodeJS.ProcessEnv = process.env): DispatcherEnv {
  const max = Number(env.MAX_AGENTS ?? 9);
  if (!Number.isInteger(max) || max < 1) throw new Error('MAX_AGENTS must be a positive integer');
  return {
    url: env.VAP_API_URL ?? DEFAULT_API_URL,
    apiKey: env.VRACU_API_KEY,
    configDir: (env.VAP_DISPATCHER_CONFIG ?? join(homedir(), '.vap', 'dispatcher')).replace(/^~(?=\/|$)/, homedir()),
    maxAgents: max,
  };
}

const ms = (v: number) => (v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

export async function poolStatusText(client: VracuClient): Promise<string> {
  const s = await client.call(poolStatusRoute);
  const rows = s.active.map((j) => ({
    job: j.jobId,
    status: j.status,
    agent: j.agent ?? '',
    container: j.containerId ? j.containerId.split('/').pop() : '',
    deadline: j.deadline ?? '',
  }));
  return [
    `Queue: ${s.busy}/${s.maxAgents}   waiting: ${s.queued}   agents registered: ${s.agents.length}`,
    '',
    table(rows, ['job', 'status', 'agent', 'container', 'deadline']),
  ].join('\n');
}

/**
 * `privacyFile`: a saved privacy view (the JSON of GET /v1/jobs/{id}/privacy); without it an
 * attested job's view is fetched with the caller's (the buyer's) key.
 */
export async function verifyOne(client: VracuClient, jobId: string, privacyFile?: string) {
  const [att, job, agents] = await Promise.all([
    client.call(attestationsRoute, { params: { id: jobId } }),
    client.call(getJobRoute, { params: { id: jobId } }),
    client.call(listAgentsRoute),
  ]);
  const keys = new Map(agents.agents.map((a) => [a.name, a.publicKey]));
  // The job hash is recomputed from the job as served, not taken from the attestation.
  const recomputed = jobHash(
    jobDocument({
      jobId: job.jobId,
      adapter: job.adapter,
      spec: job.spec,
      profile: job.profile,
      plan: job.plan as never,
      resources: job.resources,
      ...(job.privacy.tier === 'attested' ? { privacy: { tier: 'attested' as const, attesters: job.privacy.attesters } } : {}),
    }),
  );
  let privacy: PrivacyViewInput | undefined;
  if (privacyFile) privacy = JSON.parse(readFileSync(privacyFile, 'utf8')) as PrivacyViewInput;
  else if (job.privacy.tier === 'attested') privacy = await client.call(privacyGetRoute, { params: { id: jobId } });
  const result = verifyJob({ ...(att as AttestedJob), jobHash: recomputed }, keys, privacy);
  // The signing agent's key must be the one the key transparency log holds for it.
  const agent = att.creation?.agentId;
  const registered = agent === undefined ? undefined : keys.get(agent);
  const keyLog = registered === undefined ? undefined : await keyInLog(client, agentKey(registered, agent!));
  if (keyLog?.state === 'refused') {
    result.ok = false;
    result.problems.push(keyLog.why);
  }
  return { jobId, result, att, privacy, keyLog };
}

export interface DispatcherDeps {
  /** KMS for `register --kms-key` (default: a client for the environment's AWS region and credentials). */
  kms?: KmsSend;
}

export function dispatcherProgram(
  env: NodeJS.ProcessEnv = process.env,
  out: (s: string) => void = (s) => process.stdout.write(s),
  deps: DispatcherDeps = {},
): Command {
  const say = (s: string) => out(`${s}\n`);
  const cfg = () => dispatcherEnv(env);
  const client = () => new VracuClient({ baseUrl: cfg().url, apiKey: cfg().apiKey });
  const program = new Command('vap-dispatcher').description('ephemeral job containers with signed creation and deletion attestations').showHelpAfterError();

  program
    .command('init')
    .description('create N agent identities (secp256k1 keys as WIF, identity, SOUL.md) under VAP_DISPATCHER_CONFIG')
    .option('-n, --number <n>', 'how many agents', '9')
    .action((o: { number: string }) => {
      const made = initAgents(cfg().configDir, Number(o.number));
      say(`created ${made.length} identities in ${cfg().configDir}/agents (files 0600, directories 0700)`);
      say(table(made.map((a) => ({ agent: a.name, identity: a.identity, publicKey: a.publicKey }))));
      say('\nnext: vap-dispatcher register agent-1 ari1   (for each agent)');
    });

  program
    .command('register <agent> <name>')
    .description('register an identity with the exchange (its public key and <name>.agentplatform@)')
    .option('--kms-key <key-id>', "the identity's key is this KMS key (ECC_SECG_P256K1; the cloud), not its key file: e.g. alias/vracu-prod-agent-1")
    .action(async (agent: string, name: string, o: { kmsKey?: string }) => {
      if (o.kmsKey) {
        const kms = deps.kms ?? new KMSClient({});
        const r = await registerKmsAgent(client(), kms, agent, name, o.kmsKey);
        say(`${r.created ? 'registered' : 'already registered:'} ${agent} as ${r.identity} with KMS key ${o.kmsKey} (public key ${r.publicKey})`);
        return;
      }
      const r = await registerAgent(client(), cfg().configDir, agent, name);
      say(r.created ? `registered ${agent} as ${r.identity}` : `${agent} was already registered as ${r.identity}`);
    });

  program
    .command('start')
    .description('run the pool: locally (no VAP_API_URL, or --local) bring up the local exchange with these identities; else watch the exchange')
    .option('--local', 'start the local exchange even if VAP_API_URL is set')
    .option('--port <port>', 'local gateway port', '8787')
    .option('--memory', 'keep the local exchange in memory (default: persist in .vracu/)')
    .option('--once', 'print the status once and exit (after starting)')
    .option('--interval <ms>', 'status refresh interval', '2000')
    .action(async (o: { local?: boolean; port: string; memory?: boolean; once?: boolean; interval: string }) => {
      const local = o.local || !env.VAP_API_URL;
      let c = client();
      let stop: (() => Promise<void>) | undefined;
      if (local) {
        await import('../../local/process-defaults.ts');
        const { startLocal } = await import('./local.ts');
        const started = await startLocal({ configDir: cfg().configDir, maxAgents: cfg().maxAgents, port: Number(o.port), memory: Boolean(o.memory), log: say });
        c = started.client;
        stop = started.stop;
        say(`exchange at ${started.url}   admin key: ${started.adminKey}`);
        say(`registered ${started.registered.length} agents; MAX_AGENTS=${cfg().maxAgents}`);
      }
      const show = async () => say(`\n${new Date().toISOString()}\n${await poolStatusText(c)}`);
      await show();
      if (o.once) {
        await stop?.();
        return;
      }
      const timer = setInterval(() => void show().catch((e: unknown) => say(`status failed: ${(e as Error).message}`)), Number(o.interval));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(timer);
      await stop?.();
    });

  program
    .command('status')
    .description('active jobs and Queue: busy/MAX_AGENTS')
    .action(async () => say(await poolStatusText(client())));

  program
    .command('privacy')
    .description('attestation statistics: created, destroyed, verified (offline), missing, container lifetimes')
    .option('--limit <n>', 'how many recent jobs', '200')
    .action(async (o: { limit: string }) => {
      const c = client();
      const [jobs, agents] = await Promise.all([c.call(poolAttestationsRoute, { query: { limit: o.limit } }), c.call(listAgentsRoute)]);
      const s = privacyStats(jobs.jobs as AttestedJob[], new Map(agents.agents.map((a) => [a.name, a.publicKey])));
      say(`jobs ended:          ${s.jobs}`);
      say(`with a container:    ${s.withContainer}`);
      say(`✅ created:          ${s.created}`);
      say(`✅ destroyed:        ${s.destroyed}`);
      say(`verified (offline):  ${s.verified}/${s.withContainer}`);
      say(`missing:             ${s.missing}`);
      if (s.lifetimeMs) say(`container lifetime:  min ${ms(s.lifetimeMs.min)}, p50 ${ms(s.lifetimeMs.p50)}, max ${ms(s.lifetimeMs.max)}`);
      for (const f of s.failed) say(`  ✗ ${f.jobId}: ${f.problems.join(', ')}`);
      if (s.failed.length) process.exitCode = 1;
    });

  program
    .command('verify <job-id>')
    .description(
      "fetch a job's attestations and verify them offline against the registered public key; an attested job's key-release log is checked against them",
    )
    .option('--privacy-file <path>', 'check the release log of this saved privacy view (JSON of GET /v1/jobs/{id}/privacy) instead of fetching it')
    .action(async (jobId: string, o: { privacyFile?: string }) => {
      const { result, att, privacy, keyLog } = await verifyOne(client(), jobId, o.privacyFile);
      if (result.ok) {
        say(`✅ ${jobId}: creation and deletion attestations verify (agent ${att.creation?.agentId}, container ${att.creation?.containerId})`);
        if (keyLog?.state === 'included')
          say(`   agent key in the key transparency log: leaf ${keyLog.leafIndex} of the signed tree head of size ${keyLog.treeSize}`);
        if (keyLog?.state === 'pending') say('   agent key logged after the latest signed tree head: the next head includes it (check again then)');
        if (privacy) say(`   key-release log agrees: ${privacy.releases.length} release(s) for ${privacy.attestationHash ?? 'no attestation hash'}`);
        if (result.lifetimeMs !== undefined) say(`   container lived ${ms(result.lifetimeMs)}: ${att.creation?.createdAt} → ${att.deletion?.destroyedAt}`);
      } else {
        say(`✗ ${jobId}: ${result.problems.join(', ')}`);
        process.exitCode = 1;
      }
    });

  return program;
}
