/**
 * The jobs context's one composition function. Its inputs are explicit: the runtime, the
 * parsed jobs config, THE container driver (ECS in the cloud, the sandbox on the local
 * stack), how agents sign (key files locally, KMS in the cloud) and, for tests, a fault
 * hook. A Lambda entry composes it from its environment (`jobsContext`); the local stack
 * composes it from its plugins (local/jobs.ts). Signers and agents are cached here, per
 * composition, never in module state.
 */
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { KMSClient } from '@aws-sdk/client-kms';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Composition, HasRuntime } from '../platform/compose.ts';
import type { StoreCtx } from '../platform/dynamo/store.ts';
import { runtimeFromEnv, type Runtime } from '../platform/runtime.ts';
import { ControlPlaneEnv, EcsEnv, parseEnv } from '../definitions/environment.ts';
import { loadJobsConfig, type JobsConfig } from './config.ts';
import type { Signer } from './domain/attestation.ts';
import type { Agent } from './domain/job.ts';
import type { ContainerDriver } from './drivers/driver.ts';
import { EcsDriver } from './drivers/ecs.ts';
import { cloudLogs, cloudLogsClient } from './drivers/cloud-logs.ts';
import type { LogSource } from './domain/logs.ts';
import { localLogs } from './store/logs.ts';
import { KmsSigner } from './drivers/kms-signer.ts';
import { exchangePoolPlacer, type Placer } from './drivers/placement.ts';
import { composeProviders, directoryPlacer } from '../providers/index.ts';
import { withOracle, type MarketDeps } from '../market/index.ts';
import { composeControlPlane, type ControlPlaneDeps } from '../control-plane/index.ts';

export interface JobsDeps extends HasRuntime {
  cfg: JobsConfig;
  store: StoreCtx;
  driver(): Promise<ContainerDriver>;
  signerFor(agent: Agent): Promise<Signer>;
  /** Registered agents never change (name, identity, key): each is read once per composition. */
  agents: Map<string, Agent>;
  /** Where a job's output is read from (CloudWatch for ECS, the job's log items locally). */
  logs: LogSource;
  /** Fault injection: called at named points between steps; a test throws to simulate a crash. */
  fault(point: string): void;
  /** Which provider a job runs on (drivers/placement.ts). */
  placer: Placer;
  /** The market (through its index.ts): billing a finished job against the buyer's RCs. */
  market: MarketDeps;
  /** The control plane (through its index.ts): a billed job's metered usage and its signed receipt. */
  controlPlane: ControlPlaneDeps;
}

/** Loads an agent's key file and checks it holds the registered public key. */
export type KeyFileSigner = (path: string, expectedPublicKeyHex: string) => Promise<Signer>;

export interface JobsInputs {
  rt: Runtime;
  config: JobsConfig;
  /** The one driver seam: what launches, stops and describes containers. */
  driver: ContainerDriver | (() => ContainerDriver);
  /** Signs for agents whose keys are files (`config.signer = local`: the local stack). */
  keyFileSigner?: KeyFileSigner;
  /** KMS for `config.signer = kms` (default: a client for the runtime's region). */
  kms?: () => KMSClient;
  /** Where job output is read (default: CloudWatch Logs when jobs run on ECS, else the job's log items). */
  logs?: LogSource;
  fault?: (point: string) => void;
  /** Placement on providers (default: every job on the exchange's own pool). */
  placer?: Placer;
  /** The market the billing consumer applies finished jobs to (default: composed on `rt`). */
  market?: MarketDeps;
  /** Slices and receipts (default: composed on `rt`, development signing keys on local and test stages). */
  controlPlane?: ControlPlaneDeps;
}

export function composeJobs(i: JobsInputs): JobsDeps {
  const { rt, config: cfg } = i;
  let driver: ContainerDriver | undefined = typeof i.driver === 'function' ? undefined : i.driver;
  const signers = new Map<string, Promise<Signer>>();
  let kms: KMSClient | undefined;
  const resolveSigner = async (agent: Agent): Promise<Signer> => {
    if (cfg.signer === 'kms') {
      kms ??= i.kms?.() ?? new KMSClient({ region: rt.config.AWS_REGION });
      const signer = new KmsSigner(kms, agent.kmsKeyId ?? `${cfg.agentKeyAliasPrefix}${agent.name}`);
      const pub = bytesToHex(await signer.publicKey());
      if (pub !== agent.publicKey) throw new Error(`KMS key of agent ${agent.name} does not match its registered public key`);
      return signer;
    }
    if (!i.keyFileSigner)
      throw new Error('VRACU_AGENT_SIGNER=local signs with key files, which only the local stack gives; in the cloud set VRACU_AGENT_SIGNER=kms');
    return i.keyFileSigner(join(cfg.dispatcherDir, 'agents', agent.name, 'keys.json'), agent.publicKey);
  };
  const store = { doc: rt.doc, table: rt.table('jobs') };
  return {
    rt,
    cfg,
    store,
    async driver() {
      driver ??= (i.driver as () => ContainerDriver)();
      return driver;
    },
    signerFor(agent) {
      const key = `${agent.name}:${agent.publicKey}`;
      let s = signers.get(key);
      if (!s) {
        s = resolveSigner(agent);
        signers.set(key, s);
        s.catch(() => signers.delete(key));
      }
      return s;
    },
    agents: new Map(),
    logs: i.logs ?? (cfg.driver === 'ecs' ? cloudLogs(() => cloudLogsClient(rt.config.AWS_REGION), cfg.logGroup) : localLogs(store)),
    fault: i.fault ?? (() => undefined),
    placer: i.placer ?? exchangePoolPlacer,
    market: i.market ?? withOracle(rt),
    controlPlane: i.controlPlane ?? composeControlPlane(rt),
  };
}

/** The driver of a Lambda: ECS. The local sandbox exists only on the local stack, which gives it to composeJobs itself. */
export function cloudDriver(rt: Runtime, cfg: JobsConfig, env: Readonly<Record<string, string | undefined>>): () => ContainerDriver {
  return () => {
    if (cfg.driver !== 'ecs') {
      throw new Error(
        'VRACU_CONTAINER_DRIVER=local: the local sandbox runs only on the local stack, which gives its driver to composeJobs; in the cloud set VRACU_CONTAINER_DRIVER=ecs',
      );
    }
    return new EcsDriver(new ECSClient({ region: rt.config.AWS_REGION }), parseEnv(EcsEnv, env, 'ECS driver configuration'));
  };
}

export const jobsContext: Composition<JobsDeps> = {
  context: 'jobs',
  fromEnv(env) {
    const rt = runtimeFromEnv(env);
    const config = loadJobsConfig(env);
    const signingSeed = parseEnv(ControlPlaneEnv, env, 'control-plane environment').VRACU_RECEIPT_SIGNING_SEED;
    return composeJobs({
      rt,
      config,
      driver: cloudDriver(rt, config, env),
      placer: directoryPlacer(composeProviders(rt)),
      controlPlane: composeControlPlane(rt, { signingSeed }),
    });
  },
};
