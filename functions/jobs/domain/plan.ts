/**
 * What an adapter produces from a job spec: the placement inputs (ResourceProfile) and the
 * driver inputs (ExecutionPlan). Both are plain JSON so they hash canonically.
 */
export interface ResourceProfile {
  numGpus: number;
  /** Minimum VRAM per GPU. */
  minVramGb: number;
  interconnect: string[];
  /** Scheduled compute minutes, the billing basis. */
  scmMinutes: number;
  features: string[];
}

export type Strategy = 'ddp' | 'fsdp' | 'service' | 'single' | 'tiling' | 'composite';

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
}

export interface Probe {
  path: string;
  port: number;
  periodSec: number;
}

export interface ExecutionPlan {
  image: string;
  command: string[];
  env: Record<string, string>;
  volumes: VolumeMount[];
  strategy: Strategy;
  rendezvous?: { backend: string; port: number };
  io: Record<string, string | number | boolean | string[]>;
  metadata: Record<string, string>;
  replicas?: number;
  servicePorts?: number[];
  probes?: { readiness: Probe; liveness: Probe };
  autoscaling?: { minReplicas: number; maxReplicas: number; targetQps: number };
}

export interface Prepared {
  profile: ResourceProfile;
  plan: ExecutionPlan;
}

/** Normalised telemetry: metric name → value. */
export type Metrics = Record<string, number>;

export interface Adapter {
  readonly name: string;
  /** Validates the spec (a SpecError naming the field when it breaks a rule) and prepares the job. */
  prepare(spec: unknown): Prepared;
  /** Keeps this adapter's known metrics, under their normalised names, as numbers. */
  mapMetrics(raw: Record<string, unknown>): Metrics;
}

export type AdapterFactory = () => Adapter;
