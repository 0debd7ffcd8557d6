/**
 * Every handler kind (HTTP, queue consumer, schedule, authorizer) runs under the same
 * Powertools middleware: the tracer, the logger with the Lambda context (keys reset per
 * invocation), and EMF metrics flushed at the end.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './observability.ts';

export function observed<E, R>(base: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return middy(base)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false })) as unknown as (event: E, context: Context) => Promise<R>;
}
