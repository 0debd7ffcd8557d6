/** Shared spec parsing for adapters: zod strict objects; a bad spec is a SpecError naming the field. */
import * as z from 'zod';
import { issuesOf } from '../../../platform/validation.ts';
import type { Metrics } from '../plan.ts';
import { SpecError } from '../spec-errors.ts';

export function parseSpec<T extends z.ZodType>(schema: T, spec: unknown, where = 'body.spec'): z.output<T> {
  const r = schema.safeParse(spec);
  if (r.success) return r.data;
  throw new SpecError(issuesOf(r.error, where));
}

export const Image = z.string().regex(/^[a-z0-9][a-z0-9._\/:@-]{0,254}$/, 'must be a container image reference');
export const Command = z.array(z.string().min(1).max(4096)).min(1).max(256);
export const Env = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name'), z.string().max(8192));
export const Gpus = z.number().int().min(0).max(64);
export const VramGb = z.number().int().min(0).max(1024);
export const Minutes = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);
export const Features = z.array(z.string().regex(/^[a-z0-9._<>=+-]{1,64}$/)).max(32);
export const Interconnect = z.array(z.enum(['nvlink', 'pcie', 'infiniband', 'ethernet'])).max(4);
export const Volume = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{1,63}$/),
  mountPath: z.string().regex(/^\/[A-Za-z0-9._\/-]{0,254}$/),
  readOnly: z.boolean().default(true),
});

/** The metric renames of one adapter: raw name → normalised name. */
export function metricMapper(names: Record<string, string>): (raw: Record<string, unknown>) => Metrics {
  return (raw) => {
    const out: Metrics = {};
    for (const [from, to] of Object.entries(names)) {
      const v = raw[from];
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isFinite(n)) out[to] = n;
    }
    return out;
  };
}

/** Sorted, de-duplicated: profiles compare and hash the same whatever the input order. */
export const uniqueSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
