/**
 * A fault-injecting middleware for the DynamoDB client. DynamoDB Local serialises
 * transactions and never throttles, so the paths that handle conflicts, throttling and
 * "did my write commit?" are exercised by this middleware instead, driven by a seeded PRNG.
 *
 * Faults, per call chosen by the PRNG:
 *  - before sending: a TransactionCanceledException with a TransactionConflict reason (for
 *    TransactWriteItems) or a ThrottlingException (any command); nothing was written;
 *  - after the call committed: the call really ran, then a network-style error is thrown,
 *    so the caller cannot tell whether its write happened.
 *
 * It sits at the `initialize` step, outside the SDK's own retries, so that the errors reach
 * the application code exactly as a caller would see them.
 */
import { ThrottlingException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** An initialize-step middleware; the SDK's own type lives in a package we do not depend on. */
export type Middleware = (
  next: (args: { input: object }) => Promise<unknown>,
  context: { commandName?: string },
) => (args: { input: object }) => Promise<unknown>;
type AddInitialize = (mw: Middleware, opts: { step: 'initialize'; name: string; priority: 'high' }) => void;

export type FaultKind = 'conflict' | 'throttle' | 'afterCommit';

export interface FaultOptions {
  /** Uniform [0, 1) source; use seededPrng(seed) from functions/platform/ids.ts. */
  random: () => number;
  /** Probability that a call fails before it is sent. */
  beforeRate: number;
  /** Probability that a call that went through is reported as failed. */
  afterRate: number;
  /** Commands to disturb (for example `TransactWriteItemsCommand`); all when omitted. */
  commands?: readonly string[];
}

export interface FaultStats {
  calls: number;
  conflict: number;
  throttle: number;
  afterCommit: number;
  /** Faults of any kind per command name. */
  byCommand: Record<string, number>;
}

export interface FaultInjector {
  readonly stats: FaultStats;
  /** Faults are injected only while armed (setup and assertions run disarmed). */
  arm(): void;
  disarm(): void;
  /** Removes the middleware from the client. */
  remove(): void;
}

const NAME = 'vracuFaultInjection';

/** A network failure as the SDK reports one once the socket dies after the server replied. */
export function networkError(): Error {
  return Object.assign(new Error('socket hang up (injected after commit)'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: {} });
}

function conflictError(items: number): TransactionCanceledException {
  const reasons = Array.from({ length: Math.max(1, items) }, (_, i) =>
    i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item (injected)' } : { Code: 'None' },
  );
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict] (injected)',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
}

function throttleError(): ThrottlingException {
  return new ThrottlingException({ message: 'Throughput exceeds the current capacity (injected)', $metadata: { httpStatusCode: 400 } });
}

export function faultMiddleware(opts: FaultOptions, state: { armed: boolean; stats: FaultStats }): Middleware {
  const only = opts.commands ? new Set(opts.commands) : undefined;
  return (next, context) => async (args) => {
    const command = String(context.commandName ?? '');
    if (!state.armed || (only && !only.has(command))) return next(args);
    state.stats.calls++;
    const isTransact = command === 'TransactWriteItemsCommand';
    const r = opts.random();
    const count = () => void (state.stats.byCommand[command] = (state.stats.byCommand[command] ?? 0) + 1);
    if (r < opts.beforeRate) {
      count();
      if (isTransact && opts.random() < 0.7) {
        state.stats.conflict++;
        const items = ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length;
        throw conflictError(items);
      }
      state.stats.throttle++;
      throw throttleError();
    }
    const out = await next(args);
    if (opts.random() < opts.afterRate) {
      state.stats.afterCommit++;
      count();
      throw networkError();
    }
    return out;
  };
}

/** Adds the middleware to a client (the document client shares its stack with it). */
export function injectFaults(client: DynamoDBClient, opts: FaultOptions): FaultInjector {
  const state = { armed: false, stats: { calls: 0, conflict: 0, throttle: 0, afterCommit: 0, byCommand: {} } };
  (client.middlewareStack.add as AddInitialize)(faultMiddleware(opts, state), { step: 'initialize', name: NAME, priority: 'high' });
  return {
    stats: state.stats,
    arm: () => void (state.armed = true),
    disarm: () => void (state.armed = false),
    remove: () => void client.middlewareStack.remove(NAME),
  };
}
