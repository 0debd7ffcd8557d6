/**
 * Explicit wiring. Each bounded context has one composition function building what its
 * handlers need from explicit inputs (`<context>/deps.ts`). A handler module's `handler`
 * is an Entry: on AWS it composes from the function's environment once per container; the
 * local stack and the tests call `entry.with(deps)` with what they composed from their own
 * engines, clock and plugins. Nothing is set at module level.
 */
import type { Context } from 'aws-lambda';
import type { Runtime } from './runtime.ts';

/** The least a context's dependencies hold: the platform runtime. */
export interface HasRuntime {
  rt: Runtime;
}

/** How a bounded context's dependencies are made on AWS. */
export interface Composition<D extends HasRuntime> {
  /** The context's folder (`functions/<context>/`): the key the local stack composes it under. */
  readonly context: string;
  /** What a Lambda entry does once per container: build the dependencies from its environment. */
  fromEnv(env: Readonly<Record<string, string | undefined>>): D;
  /**
   * Settings the environment names but does not hold (secrets read from Secrets Manager),
   * resolved once before `fromEnv` and laid over the environment. A rejection stops the
   * function at its start, with the message, on every invocation.
   */
  prepare?(env: Readonly<Record<string, string | undefined>>): Promise<Record<string, string>>;
}

export type LambdaHandler<E = never, R = unknown> = (event: E, context: Context) => Promise<R>;

/** A Lambda entry whose dependencies can also be given explicitly. */
export interface Entry<E, R, D extends HasRuntime> extends LambdaHandler<E, R> {
  readonly context: string;
  with(deps: D): LambdaHandler<E, R>;
}

/** Makes the Entry of a handler that `bind` builds from its context's dependencies. */
export function entry<E, R, D extends HasRuntime>(composition: Composition<D>, bind: (deps: D) => LambdaHandler<E, R>): Entry<E, R, D> {
  let own: Promise<LambdaHandler<E, R>> | undefined;
  const lambda = async (event: E, context: Context): Promise<R> => {
    const env = process.env;
    own ??= composition.prepare
      ? composition.prepare(env).then((extra) => bind(composition.fromEnv({ ...env, ...extra })))
      : Promise.resolve(bind(composition.fromEnv(env)));
    return (await own)(event, context);
  };
  return Object.assign(lambda, { context: composition.context, with: bind });
}

/** True for a module export made by `entry`. */
export function isEntry(v: unknown): v is Entry<never, unknown, HasRuntime> {
  return typeof v === 'function' && typeof (v as { with?: unknown }).with === 'function' && typeof (v as { context?: unknown }).context === 'string';
}
