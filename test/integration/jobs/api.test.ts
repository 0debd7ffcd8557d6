/**
 * The jobs API through its handlers, with the events API Gateway would send: bad input is
 * a 4xx problem naming the field and queues nothing; a buyer sees only their own jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toAuthorizerContext, type Principal } from '../../../functions/platform/auth/principal.ts';
import type { RouteSpec } from '../../../functions/platform/http/route.ts';
import { apiGatewayEvent, lambdaContext } from '../../../local/apigw-event.ts';
import * as api from '../../../functions/jobs/api.ts';
import { KeySigner } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { AGENT_CHALLENGE_TTL_MS, signRegistration } from '../../../functions/jobs/domain/agent-registration.ts';
import { tenantJobs } from '../../../functions/jobs/store/job-store.ts';
import { jobsHarness, type Harness } from './harness.ts';
import { scanTable } from '../../support/scan.ts';

const alice: Principal = { id: 'prn_alice', tenant: 'tenant-alice', roles: ['buyer'], keyId: 'key_a' };
const bob: Principal = { id: 'prn_bob', tenant: 'tenant-bob', roles: ['buyer'], keyId: 'key_b' };
const provider: Principal = { id: 'prn_prov', tenant: 'tenant-prov', roles: ['provider'], keyId: 'key_p' };

let h: Harness;
beforeAll(async () => {
  h = await jobsHarness({ agents: 2, config: { quota: { maxActiveJobs: 3, maxActiveGpuMinutes: 100 } } });
});
afterAll(async () => {
  await h.close();
});

async function call(
  route: RouteSpec,
  who: Principal | null,
  input: { body?: unknown; params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => input.params?.[n] ?? '');
  const event = apiGatewayEvent(
    route,
    {
      method: route.method,
      path,
      headers: { ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(input.headers ?? {}) },
      ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
      ...(input.query ? { query: input.query } : {}),
    },
    input.params ?? {},
    toAuthorizerContext(who),
  );
  const handler = await h.env.invoke(route.entry);
  const out = (await handler(event, lambdaContext(route.id))) as APIGatewayProxyStructuredResultV2;
  return { status: out.statusCode!, type: String(out.headers?.['content-type'] ?? ''), body: out.body ? JSON.parse(out.body) : null };
}

const good = { adapter: 'render', spec: { frames: 1, numGpus: 0, image: 'local/sandbox', command: ['true'] }, timeoutMs: 10_000 };

describe('submission: bad input is a 4xx naming the field, and nothing is queued', () => {
  it.each([
    ['unknown adapter', { ...good, adapter: 'finetune' }, 400, 'unknown_adapter', 'body.adapter'],
    ['image off the allow-list', { ...good, spec: { ...good.spec, image: 'docker.io/evil/miner:1' } }, 403, 'image_not_allowed', 'body.spec.image'],
    ['GPUs over the limit', { ...good, spec: { ...good.spec, numGpus: 64 } }, 403, 'policy_denied', 'body.spec.numGpus'],
    ['runtime over JOB_TIMEOUT_MS', { ...good, timeoutMs: 3_600_001 }, 403, 'policy_denied', 'body.timeoutMs'],
    ['invalid spec', { ...good, spec: { frames: 0 } }, 400, 'invalid_spec', 'body.spec.frames'],
    ['unknown field', { ...good, priority: 'high' }, 400, 'validation_failed', 'body.priority'],
    ['a float runtime', { ...good, timeoutMs: 1000.5 }, 400, 'validation_failed', 'body.timeoutMs'],
    ['an unknown attester', { ...good, privacy: { tier: 'attested', attesters: ['sgx'] } }, 400, 'validation_failed', 'body.privacy.attesters.0'],
    ['no attester', { ...good, privacy: { tier: 'attested', attesters: [] } }, 400, 'validation_failed', 'body.privacy.attesters'],
    ['an unknown tier', { ...good, privacy: { tier: 'sealed', attesters: ['snp'] } }, 400, 'validation_failed', 'body.privacy.tier'],
  ])('%s', async (_n, body, status, code, path) => {
    const r = await call(api.submitJobRoute, alice, { body });
    expect(r.status).toBe(status);
    expect(r.type).toBe('application/problem+json');
    expect(r.body.code).toBe(code);
    expect(r.body.issues[0].path).toBe(path);
    expect(await h.visible('jobSteps')).toBe(0);
    expect((await tenantJobs(h.d.store, alice.tenant, 10)).jobs).toEqual([]);
  });

  it('preflight returns the profile and plan and persists nothing', async () => {
    const r = await call(api.preflightRoute, alice, { body: { adapter: 'training', spec: { numGpus: 2 } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      adapter: 'training',
      accepted: true,
      profile: { numGpus: 2, minVramGb: 40 },
      plan: { strategy: 'ddp' },
      resources: { cpuUnits: 1024, memoryMb: 2048, timeoutMs: 3_600_000, network: 'none' },
      gpuMinutes: 120,
    });
    expect(await h.visible('jobSteps')).toBe(0);
    expect((await tenantJobs(h.d.store, alice.tenant, 10)).jobs).toEqual([]);
    const bad = await call(api.preflightRoute, alice, { body: { adapter: 'nope' } });
    expect(bad.body.code).toBe('unknown_adapter');
  });

  it('a seller-only key cannot submit', async () => {
    expect((await call(api.submitJobRoute, provider, { body: good })).status).toBe(403);
  });
});

describe('ownership and the job views', () => {
  let jobId: string;
  beforeAll(async () => {
    const r = await call(api.submitJobRoute, alice, { body: good });
    expect(r.status).toBe(201);
    jobId = r.body.jobId;
    await h.waitTerminal(jobId);
  });

  it('the owner sees the job, its status, attestations and listing', async () => {
    const got = await call(api.getJobRoute, alice, { params: { id: jobId } });
    expect(got.body).toMatchObject({ jobId, status: 'COMPLETED', attested: { creation: true, deletion: true } });
    expect((await call(api.jobStatusRoute, alice, { params: { id: jobId } })).body).toMatchObject({ status: 'COMPLETED', terminal: true });
    const att = await call(api.attestationsRoute, alice, { params: { id: jobId } });
    expect(att.body.creation.type).toBe('container:created');
    expect(att.body.deletion.type).toBe('container:destroyed');
    expect(att.body.agent.publicKey).toMatch(/^0[23]/);
    const list = await call(api.listJobsRoute, alice, { query: { limit: '10' } });
    expect(list.body.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([jobId]);
    expect((await call(api.jobLogsRoute, alice, { params: { id: jobId } })).body).toMatchObject({ jobId, lines: [] });
  });

  it.each([
    ['get', api.getJobRoute],
    ['status', api.jobStatusRoute],
    ['logs', api.jobLogsRoute],
    ['attestations', api.attestationsRoute],
    ['cancel', api.cancelJobRoute],
  ])("another buyer's job id → 404 (%s)", async (_n, route) => {
    const r = await call(route as RouteSpec, bob, { params: { id: jobId } });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });

  it('another buyer lists nothing; a malformed id or cursor is a 400', async () => {
    expect((await call(api.listJobsRoute, bob)).body.jobs).toEqual([]);
    expect((await call(api.getJobRoute, alice, { params: { id: 'job_nope' } })).body.code).toBe('validation_failed');
    expect((await call(api.listJobsRoute, alice, { query: { cursor: 'garbage' } })).body).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'query.cursor' }],
    });
  });

  it('cancelling an ended job → 409 job_not_cancellable', async () => {
    expect((await call(api.cancelJobRoute, alice, { params: { id: jobId } })).body.code).toBe('job_not_cancellable');
  });
});

describe('Idempotency-Key', () => {
  it('the same key and payload return the same job; another payload → 409', async () => {
    const dave: Principal = { id: 'prn_dave', tenant: 'tenant-dave', roles: ['buyer'], keyId: 'key_d' };
    const headers = { 'idempotency-key': 'submit-0001' };
    const first = await call(api.submitJobRoute, dave, { body: good, headers });
    const again = await call(api.submitJobRoute, dave, { body: good, headers });
    expect(first.status).toBe(201);
    expect(again.body.jobId).toBe(first.body.jobId);
    expect((await tenantJobs(h.d.store, dave.tenant, 10)).jobs).toHaveLength(1);
    const other = await call(api.submitJobRoute, dave, { body: { ...good, timeoutMs: 11_000 }, headers });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('exists_with_different_payload');
    // Keys belong to a tenant: another tenant's identical key is its own submission.
    const erin: Principal = { id: 'prn_erin', tenant: 'tenant-erin', roles: ['buyer'], keyId: 'key_e' };
    expect((await call(api.submitJobRoute, erin, { body: good, headers })).body.jobId).not.toBe(first.body.jobId);
  });
});

describe('quotas', () => {
  it('over the active-job quota → 409 quota_exceeded, nothing queued beyond the quota', async () => {
    const slow = { ...good, spec: { ...good.spec, command: ['sleep', '5'] } };
    const carol: Principal = { id: 'prn_carol', tenant: 'tenant-carol', roles: ['buyer'], keyId: 'key_c' };
    for (let i = 0; i < 3; i++) expect((await call(api.submitJobRoute, carol, { body: slow })).status).toBe(201);
    const over = await call(api.submitJobRoute, carol, { body: slow });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'quota_exceeded', quota: 'activeJobs', limit: 3 });
    expect((await tenantJobs(h.d.store, carol.tenant, 10)).jobs).toHaveLength(3);
    const scu = await call(api.submitJobRoute, alice, { body: { ...good, spec: { ...good.spec, scmMinutes: 101 } } });
    expect(scu.body).toMatchObject({ code: 'quota_exceeded', quota: 'activeGpuMinutes' });
  });
});

describe('agents', () => {
  const key = new KeySigner(new Uint8Array(32).fill(7));
  const other = new KeySigner(new Uint8Array(32).fill(9));
  const provider2: Principal = { id: 'prn_prov2', tenant: 'tenant-prov2', roles: ['provider'], keyId: 'key_p2' };
  const challenge = async (who: Principal = provider) => String((await call(api.agentChallengeRoute, who, { body: {} })).body.challenge);
  /** A registration signed by `signer` over a fresh challenge of `who` (or the one given). */
  const signed = async (facts: { name: string; identity: string; publicKey: string }, o: { signer?: KeySigner; who?: Principal; challenge?: string } = {}) => {
    const ch = o.challenge ?? (await challenge(o.who));
    return { ...facts, challenge: ch, signature: await signRegistration({ ...facts, challenge: ch }, o.signer ?? key) };
  };
  const agentNamed = async (name: string) => (await call(api.listAgentsRoute, bob)).body.agents.find((a: { name: string }) => a.name === name);

  it('a provider registers an agent by signing a challenge with its key; the same name again → 409; anyone lists public keys', async () => {
    const facts = { name: 'agent-x', identity: 'arix.agentplatform@', publicKey: key.publicKeyHex };
    const r = await call(api.registerAgentRoute, provider, { body: await signed(facts) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'agent-x', busy: false, publicKey: key.publicKeyHex });
    expect((await call(api.registerAgentRoute, provider, { body: await signed(facts) })).body.code).toBe('agent_exists');
    // Its identity key is in the key transparency log, once.
    const logged = (await scanTable(h.rt, 'controlplane')).filter((i) => i.pk === 'TLOG#LEAF').map((i) => JSON.parse(String(i.entry)));
    const b64 = Buffer.from(key.publicKeyHex, 'hex').toString('base64');
    expect(logged.filter((e) => e.publicKey === b64)).toMatchObject([{ kind: 'agent-identity', alg: 'secp256k1', subject: 'agent-x' }]);
    const list = await call(api.listAgentsRoute, bob);
    expect(list.body.agents.map((a: { name: string }) => a.name)).toContain('agent-x');
  });

  it("refuses, writing nothing: another key signed; a signature over other facts; a replayed challenge; another provider's challenge; an expired one", async () => {
    const facts = (name: string) => ({ name, identity: `${name}.agentplatform@`, publicKey: key.publicKeyHex });
    const wrongKey = await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-a'), { signer: other }) });
    expect([wrongKey.status, wrongKey.body.code]).toEqual([401, 'agent_bad_signature']);
    // Signed for one name, sent for another: the signature covers every registered fact.
    const swapped = { ...(await signed(facts('neg-b'))), name: 'neg-c', identity: 'neg-c.agentplatform@' };
    expect((await call(api.registerAgentRoute, provider, { body: swapped })).body.code).toBe('agent_bad_signature');
    // A refused registration leaves its challenge usable; once used, it is spent.
    const ch = await challenge();
    expect((await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-d'), { signer: other, challenge: ch }) })).status).toBe(401);
    expect((await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-d'), { challenge: ch }) })).status).toBe(201);
    const replay = await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-e'), { challenge: ch }) });
    expect([replay.status, replay.body.code]).toEqual([409, 'agent_challenge_invalid']);
    const theirs = await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-f'), { challenge: await challenge(provider2) }) });
    expect([theirs.status, theirs.body.code]).toEqual([409, 'agent_challenge_invalid']);
    const unknown = await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-g'), { challenge: 'A'.repeat(43) }) });
    expect(unknown.body.code).toBe('agent_challenge_invalid');
    const old = await challenge();
    h.env.clock.advance(AGENT_CHALLENGE_TTL_MS);
    const expired = await call(api.registerAgentRoute, provider, { body: await signed(facts('neg-h'), { challenge: old }) });
    expect([expired.status, expired.body.code]).toEqual([410, 'agent_challenge_expired']);
    for (const n of ['neg-a', 'neg-b', 'neg-c', 'neg-e', 'neg-f', 'neg-g', 'neg-h']) expect(await agentNamed(n)).toBeUndefined();
    expect(await agentNamed('neg-d')).toMatchObject({ publicKey: key.publicKeyHex });
  });

  it.each([
    ['a buyer', alice, { name: 'a', identity: 'a.agentplatform@', publicKey: key.publicKeyHex }, 403, 'forbidden'],
    ['an identity without the suffix', provider, { name: 'a', identity: 'ari1', publicKey: key.publicKeyHex }, 400, 'validation_failed'],
    ['an x-only key', provider, { name: 'a', identity: 'a.agentplatform@', publicKey: key.publicKeyHex.slice(2) }, 400, 'validation_failed'],
    ['an x beyond the field', provider, { name: 'a', identity: 'a.agentplatform@', publicKey: `02${'f'.repeat(64)}` }, 400, 'validation_failed'],
    ['an x with no point on the curve', provider, { name: 'a', identity: 'a.agentplatform@', publicKey: `02${'0'.repeat(62)}05` }, 400, 'validation_failed'],
  ])('refuses %s', async (_n, who, body, status, code) => {
    const r = await call(api.registerAgentRoute, who, { body: { ...body, challenge: 'A'.repeat(43), signature: `${'A'.repeat(86)}==` } });
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
  });

  it('without a challenge and signature → 400', async () => {
    const r = await call(api.registerAgentRoute, provider, { body: { name: 'nochal', identity: 'nochal.agentplatform@', publicKey: key.publicKeyHex } });
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
  });
});

describe('privacy on submission', () => {
  it('an attested job carries its requirement (each attester once, in order), and the job hash covers it', async () => {
    const privacy = { tier: 'attested', attesters: ['tdx', 'snp', 'tdx'] };
    const r = await call(api.submitJobRoute, alice, { body: { ...good, privacy } });
    expect(r.status).toBe(201);
    expect(r.body.privacy).toEqual({ tier: 'attested', attesters: ['snp', 'tdx'] });
    const plain = await call(api.submitJobRoute, alice, { body: good });
    expect(plain.body.privacy).toEqual({ tier: 'ephemeral-container', attesters: [] });
    await call(api.cancelJobRoute, alice, { params: { id: r.body.jobId } });
    await call(api.cancelJobRoute, alice, { params: { id: plain.body.jobId } });
  });
});
