import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../functions/platform/errors.ts';
import { specRejection } from '../../../functions/jobs/usecases/submit.ts';
import { knownAdapters, loadAdapter, registerAdapter, resetAdapters } from '../../../functions/jobs/domain/adapters/registry.ts';
import { mergeProfiles, shellQuote } from '../../../functions/jobs/domain/adapters/composite.ts';
import type { Adapter } from '../../../functions/jobs/domain/plan.ts';

afterEach(() => resetAdapters());

/** What an adapter refuses (a domain fact: SpecError, UnknownAdapterError), as the API answers it. */
function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    const mapped = specRejection(e);
    if (mapped instanceof AppError) return mapped;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('built-in adapters apply the seed defaults', () => {
  it.each([
    ['training', {}, { numGpus: 1, minVramGb: 40, interconnect: ['nvlink'], scmMinutes: 60, features: ['cuda>=12.1', 'nccl'] }, 'ddp'],
    ['inference', {}, { numGpus: 1, minVramGb: 16, interconnect: ['pcie'], scmMinutes: 60, features: [] }, 'service'],
    ['quant', {}, { numGpus: 1, minVramGb: 24, interconnect: [], scmMinutes: 45, features: [] }, 'single'],
    ['quant', { mode: 'qat' }, { numGpus: 2, minVramGb: 24, interconnect: ['nvlink'], scmMinutes: 120, features: [] }, 'ddp'],
    ['quant', { outputFormat: 'tensorrt' }, { numGpus: 1, minVramGb: 24, interconnect: [], scmMinutes: 45, features: ['tensorrt'] }, 'single'],
    ['render', { frames: 10 }, { numGpus: 1, minVramGb: 8, interconnect: [], scmMinutes: 30, features: [] }, 'tiling'],
    ['render', { frames: 10, encode: true }, { numGpus: 1, minVramGb: 8, interconnect: [], scmMinutes: 30, features: ['nvenc'] }, 'tiling'],
  ])('%s %j', (name, spec, profile, strategy) => {
    const p = loadAdapter(name).prepare(spec);
    expect(p.profile).toEqual(profile);
    expect(p.plan.strategy).toBe(strategy);
    expect(p.plan.env.ADAPTER).toBe(name);
  });

  it('training sets WORLD_SIZE, torchrun and a c10d rendezvous from numGpus', () => {
    const p = loadAdapter('training').prepare({ numGpus: 4, minVramGb: 48 });
    expect(p.plan.command).toEqual(['torchrun', '--nproc_per_node=4', 'train.py']);
    expect(p.plan.env.WORLD_SIZE).toBe('4');
    expect(p.plan.rendezvous).toEqual({ backend: 'c10d', port: 29500 });
    expect(p.plan.io.mode).toBe('checkpoint');
  });

  it('inference has readiness and liveness probes and autoscaling when asked', () => {
    const p = loadAdapter('inference').prepare({ port: 9000, autoscaling: { minReplicas: 1, maxReplicas: 4, targetQps: 50 } });
    expect(p.plan.probes?.readiness).toEqual({ path: '/healthz', port: 9000, periodSec: 10 });
    expect(p.plan.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 4, targetQps: 50 });
    expect(p.plan.servicePorts).toEqual([9000]);
  });

  it('render counts tiles', () => {
    expect(loadAdapter('render').prepare({ frames: 24, tilesPerFrame: 4 }).plan.io.totalTiles).toBe(96);
  });
});

describe('invalid specs are rejected naming the field', () => {
  it.each([
    ['training', { numGpus: 0 }, 'body.spec.numGpus'],
    ['training', { numGpus: 1.5 }, 'body.spec.numGpus'],
    ['training', { bogus: 1 }, 'body.spec.bogus'],
    ['inference', { autoscaling: { minReplicas: 5, maxReplicas: 2, targetQps: 1 } }, 'body.spec.autoscaling.minReplicas'],
    ['quant', { mode: 'gptq' }, 'body.spec.mode'],
    ['render', {}, 'body.spec.frames'],
    ['render', { frames: 1, resolution: 'big' }, 'body.spec.resolution'],
    ['composite', { stages: [] }, 'body.spec.stages'],
    ['composite', { stages: [{ name: 'a', adapter: 'render', spec: {} }] }, 'body.spec.stages.0.spec.frames'],
    ['composite', { stages: [{ name: 'a', adapter: 'composite', spec: {} }] }, 'body.spec.stages.0.adapter'],
    [
      'composite',
      {
        stages: [
          { name: 'a', adapter: 'training' },
          { name: 'a', adapter: 'training' },
        ],
      },
      'body.spec.stages.1.name',
    ],
  ])('%s %j → %s', (name, spec, path) => {
    const e = rejection(() => loadAdapter(name).prepare(spec));
    expect(e.code).toBe('invalid_spec');
    expect(e.status).toBe(400);
    expect((e.extra.issues as { path: string }[])[0]!.path).toBe(path);
  });
});

describe('composite', () => {
  const spec = {
    stages: [
      { name: 'train', adapter: 'training', spec: { numGpus: 2, minVramGb: 40, features: ['flash-attn'] } },
      { name: 'compress', adapter: 'quant', spec: { mode: 'qat', minVramGb: 80 } },
      { name: 'demo', adapter: 'render', spec: { frames: 2, encode: true } },
    ],
  };

  it('merges: max GPUs, max VRAM, sum of SCM minutes, union of features and interconnects', () => {
    const p = loadAdapter('composite').prepare(spec);
    expect(p.profile).toEqual({
      numGpus: 2,
      minVramGb: 80,
      interconnect: ['nvlink'],
      scmMinutes: 60 + 120 + 30,
      features: ['cuda>=12.1', 'flash-attn', 'nccl', 'nvenc'],
    });
  });

  it('names the stages in the environment and chains their commands', () => {
    const p = loadAdapter('composite').prepare(spec);
    expect(p.plan.env).toMatchObject({
      COMPOSITE_STAGE_COUNT: '3',
      STAGE_0_NAME: 'train',
      STAGE_1_NAME: 'compress',
      STAGE_2_NAME: 'demo',
      STAGE_2_ADAPTER: 'render',
    });
    expect(p.plan.strategy).toBe('composite');
    expect(p.plan.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(p.plan.command[2]).toContain('torchrun --nproc_per_node=2 train.py');
    expect(p.plan.command[2]!.indexOf('stage train')).toBeLessThan(p.plan.command[2]!.indexOf('stage compress'));
  });

  it('mergeProfiles is order-independent', () => {
    const a = { numGpus: 1, minVramGb: 10, interconnect: ['pcie'], scmMinutes: 5, features: ['b'] };
    const b = { numGpus: 3, minVramGb: 5, interconnect: ['nvlink'], scmMinutes: 7, features: ['a', 'b'] };
    expect(mergeProfiles([a, b])).toEqual(mergeProfiles([b, a]));
  });

  it.each([
    ['plain', 'plain'],
    ["it's", `'it'\\''s'`],
    ['a b', `'a b'`],
    ['$(rm -rf /)', `'$(rm -rf /)'`],
  ])('shell-quotes %s', (arg, quoted) => expect(shellQuote(arg)).toBe(quoted));
});

describe('registry', () => {
  it('unknown adapters are refused, listing the known ones', () => {
    const e = rejection(() => loadAdapter('finetune'));
    expect(e.code).toBe('unknown_adapter');
    expect(e.status).toBe(400);
    expect(e.extra.known).toEqual(['composite', 'inference', 'quant', 'render', 'training']);
    expect(e.message).toContain('composite, inference, quant, render, training');
  });

  it('third-party adapters register without core changes, case-insensitively, and compose', () => {
    const finetune: Adapter = {
      name: 'finetune',
      prepare: () => ({
        profile: { numGpus: 1, minVramGb: 40, interconnect: [], scmMinutes: 15, features: ['peft'] },
        plan: { image: 'ghcr.io/vracu/ft:1', command: ['ft'], env: { ADAPTER: 'finetune' }, volumes: [], strategy: 'single', io: {}, metadata: {} },
      }),
      mapMetrics: () => ({}),
    };
    registerAdapter('FineTune', () => finetune);
    expect(knownAdapters()).toContain('finetune');
    expect(loadAdapter('finetune').prepare({}).profile.features).toEqual(['peft']);
    const c = loadAdapter('composite').prepare({
      stages: [
        { name: 'ft', adapter: 'finetune' },
        { name: 'q', adapter: 'quant' },
      ],
    });
    expect(c.profile.scmMinutes).toBe(60);
    expect(() => registerAdapter('bad name!', () => finetune)).toThrow(TypeError);
  });
});

describe('mapMetrics normalises each adapter’s telemetry', () => {
  it.each([
    ['training', { global_step: 100, train_loss: '0.42', samples_per_sec: 1234.5, junk: 'x' }, { step: 100, loss: 0.42, throughput: 1234.5 }],
    ['inference', { p95_ms: 12, QPS: 300, error_rate: 0.01 }, { latency_p95_ms: 12, qps: 300, error_rate: 0.01 }],
    ['quant', { step: 3n, loss: 1, top1: 0.76 }, { step: 3, loss: 1, accuracy: 0.76 }],
    ['render', { frames: 5, tiles_completed: 20 }, { frames_rendered: 5, tiles_completed: 20 }],
    ['composite', { stage_index: 1, step: 7, loss: 'not a number' }, { stage: 1, step: 7 }],
  ])('%s', (name, raw, out) => {
    expect(loadAdapter(name).mapMetrics(raw as Record<string, unknown>)).toEqual(out);
  });
});
