/**
 * Api: the HTTP API. One function and one route per entry of ROUTES; every route whose
 * access is not `public` runs behind the API-key Lambda authorizer (REQUEST, simple
 * responses, no identity source and no API Gateway cache: it is called for every request, a
 * missing key included, so the route answers 401 as problem+json; it caches keys itself).
 * The `$default` route (FALLBACK) answers unknown paths and methods as problem+json. The
 * `$default` stage has JSON access logs, the environment's default throttle, and per-route
 * throttles from the route table.
 */
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROUTES } from '../../functions/api/routes.ts';
import type { RouteSpec } from '../../functions/platform/http/route.ts';
import { AUTHORIZER } from '../../functions/definitions/authorizer.ts';
import { FALLBACK } from '../../functions/definitions/fallback.ts';
import { exchangeFunction, type Platform } from '../constructs/exchange-function.ts';
import type { VrAcuFunction } from '../constructs/function.ts';
import { lambdaDefs } from '../lambdas.ts';
import { acknowledge } from '../nag.ts';
import { pascal } from './data.ts';

export interface ApiStackProps extends StackProps {
  platform: Platform;
}

/** API Gateway's own limit on a synchronous integration. */
const MAX_INTEGRATION_TIMEOUT_SEC = 30;

/** One JSON object per request in the access log. */
const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  principalId: '$context.authorizer.principalId',
};

export class ApiStack extends Stack {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizerFunction: VrAcuFunction;
  /** Route functions by route id. */
  readonly routeFunctions: Record<string, VrAcuFunction> = {};
  /** Routes by route key (`GET /v1/whoami`). */
  readonly routes: Record<string, apigw.HttpRoute> = {};
  /** The API-key authorizer every non-public route uses (also those of ApiRoutesStack). */
  authorizer!: HttpLambdaAuthorizer;
  defs!: Map<string, ReturnType<typeof lambdaDefs>[number]>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { platform } = props;
    const { settings } = platform;
    const defs = new Map(lambdaDefs().map((d) => [d.id, d]));

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `${settings.prefix}-api`,
      description: `VR-ACU exchange API (${settings.name})`,
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/vracu/${settings.name}/api-access`,
      retention: settings.config.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.removalPolicy,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.config.api.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });

    this.authorizerFunction = exchangeFunction(this, 'AuthorizerFunction', defs.get(AUTHORIZER.id)!, platform);
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizerFunction, {
      authorizerName: `${settings.prefix}-api-key`,
      identitySource: [],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(0),
    });

    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    this.authorizer = authorizer;
    this.defs = defs;
    addRoutes(
      this,
      ROUTES.filter((r) => inApiStack(r)),
      { api: this, platform, routeSettings },
    );
    const fallback = exchangeFunction(this, 'FallbackFunction', defs.get(FALLBACK.id)!, platform);
    const defaultRoute = new apigw.HttpRoute(this, 'FallbackRoute', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('FallbackIntegration', fallback),
    });
    acknowledge(defaultRoute, 'AwsSolutions-APIG4', '$default answers requests no route matches with a problem+json 404/405; it reads and writes nothing.');
    this.routeFunctions[FALLBACK.id] = fallback;

    if (Object.keys(routeSettings).length > 0) {
      (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the exchange API' });
  }
}

/**
 * The contexts whose routes live in this stack; the others' routes live in ApiRoutesStack. One
 * stack holds at most 500 resources (CloudFormation) and each route costs 7 (function, role,
 * policy, log group, permission, integration, route), so the routes are split in two stacks.
 */
const API_STACK_CONTEXTS = new Set(['platform', 'api', 'ledger', 'market', 'jobs']);
const contextOfEntry = (entry: string): string => entry.split('/')[1] ?? '';
const inApiStack = (r: RouteSpec): boolean => API_STACK_CONTEXTS.has(contextOfEntry(r.entry));

function addRoutes(
  scope: Stack,
  routes: readonly RouteSpec[],
  o: { api: ApiStack; platform: Platform; routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> | null },
): void {
  const { api, platform } = o;
  const { settings } = platform;
  const defs = api.defs;
  const authorizer = api.authorizer;
  for (const route of routes) {
    const def = defs.get(route.id)!;
    const fn = exchangeFunction(scope, `${pascal(route.id)}Function`, def, platform);
    const timeoutSec = def.timeoutSec ?? settings.config.lambda.timeoutSec;
    if (timeoutSec > MAX_INTEGRATION_TIMEOUT_SEC) {
      Annotations.of(fn).addWarningV2(
        'vracu:route-timeout',
        `route "${route.id}" has a ${timeoutSec} s timeout: API Gateway answers 503 after ${MAX_INTEGRATION_TIMEOUT_SEC} s while the function runs on`,
      );
    }
    api.routeFunctions[route.id] = fn;
    const routeKey = `${route.method} ${route.path}`;
    const httpRoute = new apigw.HttpRoute(scope, `${pascal(route.id)}Route`, {
      httpApi: api.httpApi,
      routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${pascal(route.id)}Integration`, fn),
      authorizer: route.access === 'public' ? undefined : authorizer,
    });
    api.routes[routeKey] = httpRoute;
    if (route.access === 'public') {
      acknowledge(
        httpRoute,
        'AwsSolutions-APIG4',
        `${routeKey} is public by design (access: 'public' in the route table); every other route runs behind the API-key authorizer.`,
      );
    }
    if (route.throttle) {
      // Route settings live on the stage, in ApiStack, and name routes by key: the routes must exist first.
      if (!o.routeSettings)
        throw new Error(`route "${route.id}" has a throttle: put its context in API_STACK_CONTEXTS (stage route settings are set in ApiStack)`);
      o.routeSettings[routeKey] = { ThrottlingRateLimit: route.throttle.rateLimit, ThrottlingBurstLimit: route.throttle.burstLimit };
      api.stage.node.addDependency(httpRoute);
    }
  }
}

export interface ApiRoutesStackProps extends StackProps {
  api: ApiStack;
  platform: Platform;
}

/** The route functions and routes of the contexts not in ApiStack, on ApiStack's HTTP API and authorizer. */
export class ApiRoutesStack extends Stack {
  constructor(scope: Construct, id: string, props: ApiRoutesStackProps) {
    super(scope, id, props);
    addRoutes(
      this,
      ROUTES.filter((r) => !inApiStack(r)),
      { api: props.api, platform: props.platform, routeSettings: null },
    );
  }
}
