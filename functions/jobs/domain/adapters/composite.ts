/**
 * Composite (seed §3): stages run one after another in one container. The profile is the
 * envelope of the stages (max GPUs, max VRAM, sum of SCM minutes, union of features and
 * interconnects); the plan is an orchestration script over the stage commands.
 */
import * as z from 'zod';
import { SpecError, UnknownAdapterError } from '../spec-errors.ts';
import type { Adapter, Prepared, ResourceProfile } from '../plan.ts';
import { Env, Image, metricMapper, parseSpec, uniqueSorted } from './spec.ts';

export const COMPOSITE_DEFAULTS = { image: 'ghcr.io/vracu/composite:1', maxStages: 16 } as const;

const CompositeSpec = z.strictObject({
  image: Image.optional(),
  env: Env.default({}),
  stages: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, _ or -'),
        adapter: z.string().min(1).max(64),
        spec: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .min(1)
    .max(COMPOSITE_DEFAULTS.maxStages),
});

/** POSIX shell single-quoting, so stage arguments reach the stage unchanged. */
export const shellQuote = (arg: string): string => (/^[A-Za-z0-9_./=:@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

export function mergeProfiles(profiles: ResourceProfile[]): ResourceProfile {
  return {
    numGpus: Math.max(...profiles.map((p) => p.numGpus)),
    minVramGb: Math.max(...profiles.map((p) => p.minVramGb)),
    interconnect: uniqueSorted(profiles.flatMap((p) => p.interconnect)),
    scmMinutes: profiles.reduce((a, p) => a + p.scmMinutes, 0),
    features: uniqueSorted(profiles.flatMap((p) => p.features)),
  };
}

export class CompositeAdapter implements Adapter {
  readonly name = 'composite';
  constructor(private readonly load: (name: string) => Adapter) {}

  prepare(spec: unknown): Prepared {
    const s = parseSpec(CompositeSpec, spec);
    const names = new Set<string>();
    const stages = s.stages.map((st, i) => {
      const where = `body.spec.stages.${i}`;
      if (names.has(st.name)) throw new SpecError([{ path: `${where}.name`, message: `duplicate stage name "${st.name}"` }]);
      names.add(st.name);
      if (st.adapter.toLowerCase() === 'composite') {
        throw new SpecError([{ path: `${where}.adapter`, message: 'a composite cannot nest another composite' }]);
      }
      let prepared: Prepared;
      try {
        prepared = this.load(st.adapter).prepare(st.spec);
      } catch (e) {
        // Re-anchor the stage's field paths under its position in the composite.
        if (e instanceof SpecError) throw new SpecError(e.issues.map((x) => ({ ...x, path: x.path.replace(/^body\.spec/, `${where}.spec`) })));
        if (e instanceof UnknownAdapterError) throw new UnknownAdapterError(e.adapter, e.known, `${where}.adapter`);
        throw e;
      }
      return { name: st.name, adapter: st.adapter.toLowerCase(), ...prepared };
    });
    const env: Record<string, string> = { ...s.env, ADAPTER: 'composite', COMPOSITE_STAGE_COUNT: String(stages.length) };
    stages.forEach((st, i) => {
      env[`STAGE_${i}_NAME`] = st.name;
      env[`STAGE_${i}_ADAPTER`] = st.adapter;
    });
    const script = stages.map((st) => `echo "stage ${st.name}" && ${st.plan.command.map(shellQuote).join(' ')}`).join(' && ');
    return {
      profile: mergeProfiles(stages.map((st) => st.profile)),
      plan: {
        image: s.image ?? COMPOSITE_DEFAULTS.image,
        command: ['sh', '-c', `set -e; ${script}`],
        env,
        volumes: stages.flatMap((st) => st.plan.volumes),
        strategy: 'composite',
        io: { mode: 'composite', stages: stages.map((st) => st.name) },
        metadata: { adapter: 'composite', stages: stages.map((st) => `${st.name}:${st.adapter}`).join(',') },
      },
    };
  }
  readonly mapMetrics = metricMapper({ stage: 'stage', stage_index: 'stage', step: 'step', loss: 'loss', throughput: 'throughput' });
}
