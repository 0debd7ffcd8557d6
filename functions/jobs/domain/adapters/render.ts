/** Rendering (seed §3): frames × tiles, resolution, NVENC when encoding is asked for, tiling. */
import * as z from 'zod';
import type { Adapter, Prepared } from '../plan.ts';
import { Command, Env, Features, Gpus, Image, Minutes, VramGb, metricMapper, parseSpec, uniqueSorted } from './spec.ts';

export const RENDER_DEFAULTS = {
  image: 'ghcr.io/vracu/render:1',
  numGpus: 1,
  minVramGb: 8,
  scmMinutes: 30,
  tilesPerFrame: 1,
  resolution: '1920x1080',
} as const;

const RenderSpec = z.strictObject({
  image: Image.optional(),
  command: Command.optional(),
  env: Env.default({}),
  frames: z.number().int().min(1).max(1_000_000),
  tilesPerFrame: z.number().int().min(1).max(1024).default(RENDER_DEFAULTS.tilesPerFrame),
  resolution: z
    .string()
    .regex(/^[1-9][0-9]{1,4}x[1-9][0-9]{1,4}$/, 'must look like 1920x1080')
    .default(RENDER_DEFAULTS.resolution),
  encode: z.boolean().default(false),
  // 0 runs on CPU only (a smoke test, or the local sandbox, which has no GPUs).
  numGpus: Gpus.default(RENDER_DEFAULTS.numGpus),
  minVramGb: VramGb.default(RENDER_DEFAULTS.minVramGb),
  scmMinutes: Minutes.default(RENDER_DEFAULTS.scmMinutes),
  features: Features.default([]),
});

export class RenderingAdapter implements Adapter {
  readonly name = 'render';
  prepare(spec: unknown): Prepared {
    const s = parseSpec(RenderSpec, spec);
    return {
      profile: {
        numGpus: s.numGpus,
        minVramGb: s.minVramGb,
        interconnect: [],
        scmMinutes: s.scmMinutes,
        features: uniqueSorted([...(s.encode ? ['nvenc'] : []), ...s.features]),
      },
      plan: {
        image: s.image ?? RENDER_DEFAULTS.image,
        command: s.command ?? ['render', `--frames=${s.frames}`, `--tiles=${s.tilesPerFrame}`, `--resolution=${s.resolution}`],
        env: { ...s.env, ADAPTER: 'render', FRAMES: String(s.frames), TILES_PER_FRAME: String(s.tilesPerFrame), RESOLUTION: s.resolution },
        volumes: [],
        strategy: 'tiling',
        io: { mode: 'frames', frames: s.frames, tilesPerFrame: s.tilesPerFrame, totalTiles: s.frames * s.tilesPerFrame },
        metadata: { adapter: 'render', resolution: s.resolution },
      },
    };
  }
  readonly mapMetrics = metricMapper({
    frames_rendered: 'frames_rendered',
    frames: 'frames_rendered',
    tiles_completed: 'tiles_completed',
    tiles: 'tiles_completed',
  });
}
