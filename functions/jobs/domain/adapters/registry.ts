/**
 * The adapter registry (seed §3 loader): built-in adapters by name, `registerAdapter` for
 * third-party ones, and `loadAdapter` that refuses unknown names instead of falling back.
 */
import { UnknownAdapterError } from '../spec-errors.ts';
import type { Adapter, AdapterFactory } from '../plan.ts';
import { TRAINING_DEFAULTS, TrainingAdapter } from './training.ts';
import { INFERENCE_DEFAULTS, InferenceAdapter } from './inference.ts';
import { QUANT_DEFAULTS, QuantizationAdapter } from './quant.ts';
import { RENDER_DEFAULTS, RenderingAdapter } from './render.ts';
import { COMPOSITE_DEFAULTS, CompositeAdapter } from './composite.ts';

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

const BUILT_IN: Record<string, AdapterFactory> = {
  training: () => new TrainingAdapter(),
  inference: () => new InferenceAdapter(),
  quant: () => new QuantizationAdapter(),
  render: () => new RenderingAdapter(),
  composite: () => new CompositeAdapter(loadAdapter),
};

const registry = new Map<string, AdapterFactory>(Object.entries(BUILT_IN));

/** The images the built-in adapters run by default (a deployment's default allow-list). */
export const BUILT_IN_IMAGES: readonly string[] = [TRAINING_DEFAULTS, INFERENCE_DEFAULTS, QUANT_DEFAULTS, RENDER_DEFAULTS, COMPOSITE_DEFAULTS].map(
  (d) => d.image,
);

/** Adds (or replaces) an adapter; names are case-insensitive. */
export function registerAdapter(name: string, factory: AdapterFactory): void {
  const key = name.toLowerCase();
  if (!NAME.test(key)) throw new TypeError(`adapter name "${name}" must match ${NAME}`);
  registry.set(key, factory);
}

/** Removes a registered adapter (tests); built-ins come back with `resetAdapters`. */
export function unregisterAdapter(name: string): void {
  registry.delete(name.toLowerCase());
}

export function resetAdapters(): void {
  registry.clear();
  for (const [k, f] of Object.entries(BUILT_IN)) registry.set(k, f);
}

export const knownAdapters = (): string[] => [...registry.keys()].sort();

export function loadAdapter(name: string): Adapter {
  const factory = registry.get(name.toLowerCase());
  if (!factory) throw new UnknownAdapterError(name, knownAdapters());
  return factory();
}
