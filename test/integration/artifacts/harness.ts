/**
 * The artifacts context on the real engines: DynamoDB Local and the S3 API of the fauxqs
 * server the test run started (the same server as SQS), a bucket per file, real presigned
 * URLs fetched over HTTP, the local AES-GCM key wrapper. Jobs come from the jobs harness.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toAuthorizerContext, type Principal } from '../../../functions/platform/auth/principal.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { apiGatewayEvent, lambdaContext } from '../../../local/apigw-event.ts';
import { composeArtifacts, type ArtifactsDeps } from '../../../functions/artifacts/deps.ts';
import { loadArtifactsConfig } from '../../../functions/artifacts/config.ts';
import { s3Client } from '../../../functions/artifacts/drivers/object-store.ts';
import { jobsHarness, type Harness } from '../jobs/harness.ts';

export interface ArtifactsHarness {
  h: Harness;
  d: ArtifactsDeps;
  bucket: string;
  call(
    route: RouteSpec,
    who: Principal | null,
    input?: { body?: unknown; params?: Record<string, string>; query?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function artifactsHarness(
  opts: { maxBytes?: number; maxJobOutputBytes?: number; partBytes?: number /** Another harness's jobs (its close closes them). */; on?: Harness } = {},
): Promise<ArtifactsHarness> {
  const h = opts.on ?? (await jobsHarness({ agents: 0 }));
  const bucket = `${h.env.prefix}-artifacts`;
  const endpoint = inject('sqsEndpoint');
  const s3 = s3Client('us-east-1', endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const config = loadArtifactsConfig({
    VRACU_ARTIFACTS_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    VRACU_ARTIFACTS_KEY_WRAPPER: 'local',
    VRACU_ARTIFACTS_LOCAL_KEY: '11'.repeat(32),
    ...(opts.maxBytes ? { VRACU_ARTIFACT_MAX_BYTES: String(opts.maxBytes) } : {}),
    ...(opts.maxJobOutputBytes ? { VRACU_JOB_OUTPUT_MAX_BYTES: String(opts.maxJobOutputBytes) } : {}),
    ...(opts.partBytes ? { VRACU_ARTIFACT_PART_BYTES: String(opts.partBytes) } : {}),
  });
  const d = composeArtifacts({ rt: h.rt, config });
  h.env.compositions.artifacts = d;
  async function call(
    route: RouteSpec,
    who: Principal | null,
    input: { body?: unknown; params?: Record<string, string>; query?: Record<string, string> } = {},
  ) {
    const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => input.params?.[n] ?? '');
    const event = apiGatewayEvent(
      route,
      {
        method: route.method,
        path,
        headers: input.body !== undefined ? { 'content-type': 'application/json' } : {},
        ...(input.query ? { query: input.query } : {}),
        ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
      },
      input.params ?? {},
      toAuthorizerContext(who),
    );
    const handler = await h.env.invoke(route.entry);
    const out = (await handler(event, lambdaContext(route.id))) as APIGatewayProxyStructuredResultV2;
    return { status: out.statusCode!, body: out.body ? JSON.parse(out.body) : null };
  }
  return { h, d, bucket, call, close: () => h.close() };
}
