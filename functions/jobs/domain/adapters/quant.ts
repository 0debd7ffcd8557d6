/** Quantization (seed §3): PTQ on 1 GPU for 45 SCM minutes, single; QAT on 2 GPUs for 120, DDP. */
import * as z from 'zod';
import type { Adapter, Prepared } from '../plan.ts';
import { Command, Env, Features, Gpus, Image, Minutes, VramGb, metricMapper, parseSpec, uniqueSorted } from './spec.ts';

export const QUANT_DEFAULTS = {
  image: 'ghcr.io/vracu/quant:1',
  minVramGb: 24,
  ptq: { numGpus: 1, scmMinutes: 45, strategy: 'single' },
  qat: { numGpus: 2, scmMinutes: 120, strategy: 'ddp' },
} as const;

const QuantSpec = z.strictObject({
  mode: z.enum(['ptq', 'qat']).default('ptq'),
  image: Image.optional(),
  command: Command.optional(),
  env: Env.default({}),
  model: z.string().min(1).max(512).optional(),
  outputFormat: z.enum(['onnx', 'tensorrt']).default('onnx'),
  precision: z.enum(['int8', 'int4', 'fp8']).default('int8'),
  numGpus: Gpus.min(1).optional(),
  minVramGb: VramGb.default(QUANT_DEFAULTS.minVramGb),
  scmMinutes: Minutes.optional(),
  features: Features.default([]),
});

export class QuantizationAdapter implements Adapter {
  readonly name = 'quant';
  prepare(spec: unknown): Prepared {
    const s = parseSpec(QuantSpec, spec);
    const d = QUANT_DEFAULTS[s.mode];
    const numGpus = s.numGpus ?? d.numGpus;
    return {
      profile: {
        numGpus,
        minVramGb: s.minVramGb,
        interconnect: s.mode === 'qat' ? ['nvlink'] : [],
        scmMinutes: s.scmMinutes ?? d.scmMinutes,
        features: uniqueSorted([...(s.outputFormat === 'tensorrt' ? ['tensorrt'] : []), ...s.features]),
      },
      plan: {
        image: s.image ?? QUANT_DEFAULTS.image,
        command: s.command ?? [
          'quantize',
          `--mode=${s.mode}`,
          `--format=${s.outputFormat}`,
          `--precision=${s.precision}`,
          ...(s.model ? [`--model=${s.model}`] : []),
        ],
        env: { ...s.env, ADAPTER: 'quant', QUANT_MODE: s.mode, WORLD_SIZE: String(numGpus) },
        volumes: [],
        strategy: d.strategy,
        ...(d.strategy === 'ddp' ? { rendezvous: { backend: 'c10d', port: 29500 } } : {}),
        io: { mode: 'artifact', outputFormat: s.outputFormat, precision: s.precision },
        metadata: { adapter: 'quant', mode: s.mode },
      },
    };
  }
  readonly mapMetrics = metricMapper({ step: 'step', loss: 'loss', accuracy: 'accuracy', acc: 'accuracy', top1: 'accuracy' });
}
