/** Distributed training (seed §3): 1 GPU, 40 GB, NVLink, 60 SCM minutes, cuda>=12.1 + nccl, DDP. */
import * as z from 'zod';
import type { Adapter, Prepared } from '../plan.ts';
import { Command, Env, Features, Gpus, Image, Interconnect, Minutes, Volume, VramGb, metricMapper, parseSpec, uniqueSorted } from './spec.ts';

export const TRAINING_DEFAULTS = {
  image: 'ghcr.io/vracu/train:1',
  numGpus: 1,
  minVramGb: 40,
  interconnect: ['nvlink'],
  scmMinutes: 60,
  features: ['cuda>=12.1', 'nccl'],
  strategy: 'ddp',
  rendezvousPort: 29500,
} as const;

const TrainingSpec = z.strictObject({
  image: Image.optional(),
  command: Command.optional(),
  env: Env.default({}),
  numGpus: Gpus.min(1).default(TRAINING_DEFAULTS.numGpus),
  minVramGb: VramGb.default(TRAINING_DEFAULTS.minVramGb),
  interconnect: Interconnect.optional(),
  scmMinutes: Minutes.default(TRAINING_DEFAULTS.scmMinutes),
  features: Features.default([]),
  strategy: z.enum(['ddp', 'fsdp']).default(TRAINING_DEFAULTS.strategy),
  datasets: z.array(Volume).max(8).default([]),
  checkpointUri: z.string().max(1024).optional(),
  priority: z.enum(['low', 'normal', 'high']).default('normal'),
});

export class TrainingAdapter implements Adapter {
  readonly name = 'training';
  prepare(spec: unknown): Prepared {
    const s = parseSpec(TrainingSpec, spec);
    const command = s.command ?? ['torchrun', `--nproc_per_node=${s.numGpus}`, 'train.py'];
    return {
      profile: {
        numGpus: s.numGpus,
        minVramGb: s.minVramGb,
        interconnect: uniqueSorted(s.interconnect ?? TRAINING_DEFAULTS.interconnect),
        scmMinutes: s.scmMinutes,
        features: uniqueSorted([...TRAINING_DEFAULTS.features, ...s.features]),
      },
      plan: {
        image: s.image ?? TRAINING_DEFAULTS.image,
        command,
        env: { ...s.env, ADAPTER: 'training', WORLD_SIZE: String(s.numGpus), STRATEGY: s.strategy },
        volumes: s.datasets,
        strategy: s.strategy,
        rendezvous: { backend: 'c10d', port: TRAINING_DEFAULTS.rendezvousPort },
        io: { mode: 'checkpoint', ...(s.checkpointUri ? { checkpointUri: s.checkpointUri } : {}) },
        metadata: { adapter: 'training', priority: s.priority },
      },
    };
  }
  readonly mapMetrics = metricMapper({
    step: 'step',
    global_step: 'step',
    loss: 'loss',
    train_loss: 'loss',
    throughput: 'throughput',
    samples_per_sec: 'throughput',
  });
}
