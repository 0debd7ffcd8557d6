/**
 * The privacy context on the jobs harness (real DynamoDB Local, SQS server, local sandbox):
 * composed with the static broker on the development seed, and handlers called through the
 * events API Gateway sends, with a job credential, an API key's principal, or neither.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toAuthorizerContext, type Principal } from '../../../functions/platform/auth/principal.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { apiGatewayEvent, lambdaContext } from '../../../local/apigw-event.ts';
import { composePrivacy, type PrivacyDeps } from '../../../functions/privacy/deps.ts';
import { loadPrivacyConfig, type PrivacyConfig } from '../../../functions/privacy/config.ts';
import type { KeyBroker } from '../../../functions/privacy/domain/broker.ts';
import { gateAttesters } from '../../../functions/privacy/drivers/attesters.ts';
import type { AttestationPolicy } from '../../../functions/privacy/attesters/verify.ts';
import { submitJob, type SubmitInput } from '../../../functions/jobs/usecases/submit.ts';
import { getJob } from '../../../functions/jobs/store/job-store.ts';
import type { AttesterName } from '../../../functions/jobs/domain/job.ts';
import type { LaunchSpec } from '../../../functions/jobs/drivers/driver.ts';
import { jobsHarness, type Harness } from '../jobs/harness.ts';

export const alice: Principal = { id: 'prn_alice', tenant: 'tenant-alice', roles: ['buyer'], keyId: 'key_a' };
export const bob: Principal = { id: 'prn_bob', tenant: 'tenant-bob', roles: ['buyer'], keyId: 'key_b' };
export const admin: Principal = { id: 'prn_admin', tenant: 'ops', roles: ['admin'], keyId: 'key_adm' };

export const attestedJob = (script = 'sleep 20', attesters: AttesterName[] = ['development']): SubmitInput => ({
  adapter: 'render',
  spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['sh', '-c', script] },
  timeoutMs: 30_000,
  memoryMb: 256,
  privacy: { tier: 'attested', attesters },
});

export interface PrivacyHarness {
  h: Harness;
  p: PrivacyDeps;
  /** Every launch the driver saw (the sidecar's variables included). */
  launched: LaunchSpec[];
  /** Submits an attested job and pumps until it is ATTESTING; returns its id and job credential. */
  attesting(input?: SubmitInput, who?: Principal): Promise<{ jobId: string; credential: string }>;
  call(
    route: RouteSpec,
    input: { params?: Record<string, string>; body?: unknown; credential?: string; principal?: Principal },
  ): Promise<{ status: number; type: string; body: Record<string, any> | null; raw: string }>;
  close(): Promise<void>;
}

export async function privacyHarness(opts: { config?: Partial<PrivacyConfig>; broker?: KeyBroker } = {}): Promise<PrivacyHarness> {
  const h = await jobsHarness({ agents: 4 });
  const config = { ...loadPrivacyConfig({}, 'test'), ...opts.config };
  const attesters = gateAttesters(config.attestationPolicy as AttestationPolicy, h.rt.clock);
  const p = composePrivacy({ rt: h.rt, config, jobs: h.d, attesters, ...(opts.broker ? { broker: opts.broker } : {}) });
  h.env.compositions.privacy = p;
  const launched: LaunchSpec[] = [];
  const launch = h.driver.launch.bind(h.driver);
  h.driver.launch = (spec) => {
    launched.push(spec);
    return launch(spec);
  };
  return {
    h,
    p,
    launched,
    async attesting(input = attestedJob(), who = alice) {
      const { jobId } = await submitJob(h.d, who, input);
      await h.pumpUntil(async () => (await getJob(h.d.store, jobId))?.status === 'ATTESTING');
      const credential = launched.find((s) => s.jobId === jobId)!.sidecarEnv!.VRACU_SIDECAR_JOB_CREDENTIAL!;
      return { jobId, credential };
    },
    async call(route, input) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => input.params?.[n] ?? '');
      const event = apiGatewayEvent(
        route,
        {
          method: route.method,
          path,
          headers: {
            ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(input.credential ? { 'x-job-credential': input.credential } : {}),
          },
          ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
        },
        input.params ?? {},
        toAuthorizerContext(input.principal ?? null),
      );
      const handler = await h.env.invoke(route.entry);
      const out = (await handler(event, lambdaContext(route.id))) as APIGatewayProxyStructuredResultV2;
      return { status: out.statusCode!, type: String(out.headers?.['content-type'] ?? ''), body: out.body ? JSON.parse(out.body) : null, raw: out.body ?? '' };
    },
    close: () => h.close(),
  };
}
