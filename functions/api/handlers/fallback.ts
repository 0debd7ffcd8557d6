/** The `$default` route: what no route of the table matches, answered as problem+json (the gateway's own 404/405 would not be). */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { entry } from '../../platform/compose.ts';
import { AppError } from '../../platform/errors.ts';
import { problemResponse } from '../../platform/http/handler.ts';
import { pathMatcher } from '../../platform/http/route.ts';
import { observed } from '../../platform/observed.ts';
import { apiContext } from '../deps.ts';
import { ROUTES } from '../routes.ts';

const matchers = ROUTES.map((r) => ({ method: r.method, match: pathMatcher(r.path) }));

/** The methods the table has for `path` (none: the path is unknown). */
export const methodsFor = (path: string): string[] => [...new Set(matchers.filter((m) => m.match(path)).map((m) => m.method))];

const answer = async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyResultV2> => {
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath ?? '/';
  const allowed = methodsFor(path);
  if (allowed.length > 0)
    return problemResponse(new AppError('method_not_allowed', `${method} is not allowed on ${path}`), path, { allow: allowed.join(', ') });
  return problemResponse(new AppError('route_not_found', `no route for ${method} ${path}`), path);
};

export const handler = entry(apiContext, () => observed(answer));
