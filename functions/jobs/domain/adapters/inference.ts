/** Model serving (seed §3): 1 GPU, 16 GB, PCIe, a long-running service with probes and autoscaling. */
import * as z from 'zod';
import type { Adapter, Prepared } from '../plan.ts';
import { Command, Env, Features, Gpus, Image, Interconnect, Minutes, VramGb, metricMapper, parseSpec, uniqueSorted } from './spec.ts';

export const INFERENCE_DEFAULTS = {
  image: 'ghcr.io/vracu/serve:1',
  numGpus: 1,
  minVramGb: 16,
  interconnect: ['pcie'],
  scmMinutes: 60,
  port: 8080,
} as const;

const InferenceSpec = z
  .strictObject({
    image: Image.optional(),
    command: Command.optional(),
    env: Env.default({}),
    model: z.string().min(1).max(512).optional(),
    // 0 runs on CPU only (a smoke test, or the local sandbox, which has no GPUs).
    numGpus: Gpus.default(INFERENCE_DEFAULTS.numGpus),
    minVramGb: VramGb.default(INFERENCE_DEFAULTS.minVramGb),
    interconnect: Interconnect.optional(),
    scmMinutes: Minutes.default(INFERENCE_DEFAULTS.scmMinutes),
    features: Features.default([]),
    replicas: z.number().int().min(1).max(16).default(1),
    port: z.number().int().min(1024).max(65535).default(INFERENCE_DEFAULTS.port),
    healthPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._\/-]{0,127}$/)
      .default('/healthz'),
    autoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1).max(16),
        maxReplicas: z.number().int().min(1).max(64),
        targetQps: z.number().int().min(1).max(100_000),
      })
      .optional(),
  })
  .refine((s) => !s.autoscaling || s.autoscaling.minReplicas <= s.autoscaling.maxReplicas, {
    message: 'minReplicas must not exceed maxReplicas',
    path: ['autoscaling', 'minReplicas'],
  });

export class InferenceAdapter implements Adapter {
  readonly name = 'inference';
  prepare(spec: unknown): Prepared {
    const s = parseSpec(InferenceSpec, spec);
    const probe = { path: s.healthPath, port: s.port, periodSec: 10 };
    return {
      profile: {
        numGpus: s.numGpus,
        minVramGb: s.minVramGb,
        interconnect: uniqueSorted(s.interconnect ?? INFERENCE_DEFAULTS.interconnect),
        scmMinutes: s.scmMinutes,
        features: uniqueSorted(s.features),
      },
      plan: {
        image: s.image ?? INFERENCE_DEFAULTS.image,
        command: s.command ?? ['serve', '--port', String(s.port), ...(s.model ? ['--model', s.model] : [])],
        env: { ...s.env, ADAPTER: 'inference', PORT: String(s.port) },
        volumes: [],
        strategy: 'service',
        io: { mode: 'service' },
        metadata: { adapter: 'inference', ...(s.model ? { model: s.model } : {}) },
        replicas: s.replicas,
        servicePorts: [s.port],
        probes: { readiness: probe, liveness: { ...probe, periodSec: 30 } },
        ...(s.autoscaling ? { autoscaling: s.autoscaling } : {}),
      },
    };
  }
  readonly mapMetrics = metricMapper({
    latency_p95_ms: 'latency_p95_ms',
    p95_ms: 'latency_p95_ms',
    qps: 'qps',
    QPS: 'qps',
    requests_per_sec: 'qps',
    error_rate: 'error_rate',
    errors: 'error_rate',
  });
}
