/**
 * Parts of the local stack that belong to a bounded context (the sandbox container driver,
 * the jobs wiring). Each is started after the runtime exists, in order, sees what the
 * earlier ones provided, and is stopped before the runtime goes.
 */
import type { Runtime } from '../functions/platform/runtime.ts';
import type { ContainerDriver } from '../functions/jobs/drivers/driver.ts';
import type { JobsDeps } from '../functions/jobs/deps.ts';
import type { PrivacyDeps } from '../functions/privacy/deps.ts';
import type { ArtifactsDeps } from '../functions/artifacts/index.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { ProcessRegistry } from './processes.ts';

/** What plugins give the stack and each other. */
export interface Provided {
  /** The container driver (the sandbox plugin); `logs` when it captures output. */
  driver?: ContainerDriver & { logs?(containerId: string): string | null; setExchangeUrl?(url: string): void };
  /** The jobs context's composition (the jobs plugin). */
  jobs?: JobsDeps;
  /** The privacy context's composition (the privacy plugin, on jobs). */
  privacy?: PrivacyDeps;
  /** The artifacts context's composition (the stack gives it; the privacy gate releases inputs with it). */
  artifacts?: ArtifactsDeps;
}

export interface PluginContext {
  runtime: Runtime;
  bus: LocalEventBus;
  dataDir: string | null;
  log: (line: string) => void;
  /** Where a plugin records the process groups it starts, so none outlives the stack (local/processes.ts). */
  processes: ProcessRegistry;
  /** The stack's settings (`npm start`'s environment, or what a test gives): read, never written. */
  env: Readonly<Record<string, string | undefined>>;
  /** What the plugins before this one provided. */
  provided: Readonly<Provided>;
}

export interface PluginHandle {
  provides?: Provided;
  stop(): Promise<void>;
}

export type LocalPlugin = (ctx: PluginContext) => Promise<PluginHandle>;
