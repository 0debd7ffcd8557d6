/**
 * Starting specs for the adapter form, one per built-in adapter (docs/jobs.md). They only
 * seed the fields; the adapters' schemas on the server judge what is sent, and their
 * field errors (`body.spec.frames`) are shown under the field they name. The render and
 * inference starters run in the local sandbox (no GPUs, a shell command).
 */
export type SpecValue = string | number | boolean | string[] | Record<string, unknown>;

export const ADAPTER_SPECS: Record<string, Record<string, SpecValue>> = {
  render: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', 'echo rendering frame 1; echo done'] },
  inference: { numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', 'echo serving'], replicas: 1 },
  training: { numGpus: 1, strategy: 'ddp', scmMinutes: 60 },
  quant: { mode: 'ptq', precision: 'int8', outputFormat: 'onnx' },
  composite: { stages: [{ name: 'prep', adapter: 'render', spec: { frames: 1, numGpus: 0 } }] as unknown as string[] },
};

/** How a field is edited: by the type of its starting value. */
export type FieldKind = 'number' | 'boolean' | 'text' | 'json';
export const kindOf = (v: SpecValue): FieldKind =>
  typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'text' : 'json';

/** The edited text of a field → the value sent; text that does not parse is sent as typed, for the API to judge. */
export function valueOf(kind: FieldKind, text: string): unknown {
  if (kind === 'boolean') return text === 'true';
  if (kind === 'text') return text;
  const t = text.trim();
  if (t === '') return undefined;
  if (kind === 'number') return Number.isFinite(Number(t)) ? Number(t) : t;
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

export const textOf = (v: SpecValue): string => (typeof v === 'string' ? v : JSON.stringify(v));
