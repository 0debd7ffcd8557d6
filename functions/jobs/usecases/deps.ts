/**
 * What the jobs use cases need, resolved once per container: the runtime, the jobs config,
 * the table, the container driver (through the drivers' `driverFor`), and a signer per
 * agent (key files locally, KMS in the cloud). Tests swap the driver and the fault hook.
 * The key-file signer is registered by the local stack (`setKeyFileSigner`), so Lambda
 * bundles do not carry secp256k1 signing code they never run.
 */
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Runtime } from '../../platform/runtime.ts';
import { jobsConfig, type JobsConfig } from '../config.ts';
import type { ContainerDriver } from '../drivers/driver.ts';
import { driverFor } from '../drivers/select.ts';
import type { Signer } from '../domain/attestation.ts';
import type { Agent } from '../domain/job.ts';
import type { StoreCtx } from '../../platform/dynamo/store.ts';
import { KmsSigner } from '../signing/kms-signer.ts';

export interface JobsDeps {
  rt: Runtime;
  cfg: JobsConfig;
  store: StoreCtx;
  driver(): Promise<ContainerDriver>;
  signerFor(agent: Agent): Promise<Signer>;
  /** Fault injection: called at named points between steps; a test throws to simulate a crash. */
  fault(point: string): void;
}

/** Loads an agent's key file and checks it holds the registered public key. */
export type KeyFileSigner = (path: string, expectedPublicKeyHex: string) => Promise<Signer>;

let keyFileSigner: KeyFileSigner | undefined;
let driverOverride: ContainerDriver | undefined;
let faultHook: ((point: string) => void) | undefined;
const signers = new Map<string, Promise<Signer>>();

/** Tests may pin a driver here; otherwise the drivers' own selection (`driverFor`) applies. */
export function setJobsDriver(d: ContainerDriver | undefined): void {
  driverOverride = d;
}
/** The local stack (and tests) register `signerFromKeyFile` here; `undefined` clears it. */
export function setKeyFileSigner(f: KeyFileSigner | undefined): void {
  keyFileSigner = f;
}
export function setFaultHook(f: ((point: string) => void) | undefined): void {
  faultHook = f;
}
export function clearSignerCache(): void {
  signers.clear();
}

async function selectedDriver(rt: Runtime): Promise<ContainerDriver> {
  return driverOverride ?? driverFor(rt);
}

async function resolveSigner(rt: Runtime, cfg: JobsConfig, agent: Agent): Promise<Signer> {
  if (cfg.signer === 'kms') {
    const signer = new KmsSigner(new KMSClient({ region: rt.config.AWS_REGION }), agent.kmsKeyId ?? `${cfg.agentKeyAliasPrefix}${agent.name}`);
    const pub = bytesToHex(await signer.publicKey());
    if (pub !== agent.publicKey) throw new Error(`KMS key of agent ${agent.name} does not match its registered public key`);
    return signer;
  }
  if (!keyFileSigner) {
    throw new Error('no key-file signer registered: VRACU_AGENT_SIGNER=local runs on the local stack (startLocalJobs registers it); in the cloud set VRACU_AGENT_SIGNER=kms');
  }
  return keyFileSigner(join(cfg.dispatcherDir, 'agents', agent.name, 'keys.json'), agent.publicKey);
}

export function jobsDeps(rt: Runtime, cfg: JobsConfig = jobsConfig()): JobsDeps {
  return {
    rt,
    cfg,
    store: { doc: rt.doc, table: rt.table('jobs') },
    driver: () => selectedDriver(rt),
    signerFor(agent) {
      const key = `${cfg.signer}:${cfg.dispatcherDir}:${agent.name}:${agent.publicKey}`;
      let s = signers.get(key);
      if (!s) {
        s = resolveSigner(rt, cfg, agent);
        signers.set(key, s);
        s.catch(() => signers.delete(key));
      }
      return s;
    },
    fault: (point) => faultHook?.(point),
  };
}
