/**
 * Every handler kind (HTTP, queue consumer, schedule, authorizer) runs under the same
 * Powertools middleware: the tracer, the logger with the Lambda context (keys reset per
 * invocation), and EMF metrics flushed at the end when the invocation added any (Powertools'
 * own logMetrics warns on every invocation that added none: one log line per request).
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './observability.ts';

const flush = () => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};
/** Publishes what the invocation recorded, after it or when it threw. */
const publishMetrics: MiddlewareObj = { after: flush, onError: flush };

export function observed<E, R>(base: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return middy(base)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics) as unknown as (event: E, context: Context) => Promise<R>;
}
