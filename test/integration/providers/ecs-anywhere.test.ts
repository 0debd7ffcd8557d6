/**
 * ECS Anywhere at join time: the SSM adapter's real SDK path against a loopback server that
 * speaks SSM's awsJson1.1 protocol (`X-Amz-Target: AmazonSSM.CreateActivation`), checking the
 * request shape the SSM API documents; a join with activations answers the activation and
 * the ECS agent's provider attribute; an SSM failure refuses the join with nothing written.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSMClient } from '@aws-sdk/client-ssm';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { composeProviders } from '../../../functions/providers/deps.ts';
import { join } from '../../../functions/providers/usecases/join.ts';
import { activationsFromEnv, SsmActivations } from '../../../functions/providers/drivers/ssm-activations.ts';
import { EcsAnywhereEnv } from '../../../functions/definitions/environment.ts';
import { CLAIM, issueToken, snapshot } from './support.ts';

interface Seen {
  target: string;
  contentType: string;
  authorization: string;
  body: Record<string, unknown>;
}
let env: TestEnv;
let server: Server;
let url: string;
const seen: Seen[] = [];
let failNext = false;

beforeAll(async () => {
  env = await testEnv({ seed: 23 });
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({
        target: String(req.headers['x-amz-target']),
        contentType: String(req.headers['content-type']),
        authorization: String(req.headers.authorization),
        body: JSON.parse(raw),
      });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (failNext) {
        failNext = false;
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'InvalidParameters', message: 'role not assumable' }));
        return;
      }
      res.end(JSON.stringify({ ActivationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE', ActivationCode: 'JHxVpb9q0b2zEXAMPLE' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = () => new SSMClient({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const cfg = { role: 'vracu-dev-ecs-anywhere', cluster: 'vracu-dev-jobs', activationHours: 24, region: 'eu-west-1' };

describe('SSM CreateActivation (loopback)', () => {
  it('sends the documented request: role name, one registration, expiry, the provider as name and tag, signed', async () => {
    const providerId = 'prv_01JD3Q4W5X6Y7Z8A9B0C1D2E3F';
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const a = await new SsmActivations(client(), cfg).create(providerId, now);
    expect(a).toEqual({
      activationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE',
      activationCode: 'JHxVpb9q0b2zEXAMPLE',
      region: 'eu-west-1',
      expiresAt: '2026-12-03T12:00:00.000Z',
      cluster: 'vracu-dev-jobs',
    });
    const r = seen.at(-1)!;
    expect(r.target).toBe('AmazonSSM.CreateActivation');
    expect(r.contentType).toBe('application/x-amz-json-1.1');
    expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request/);
    // awsJson1.1 sends timestamps as epoch seconds.
    expect(r.body).toEqual({
      Description: `VR-ACU provider ${providerId}`,
      DefaultInstanceName: providerId,
      IamRole: 'vracu-dev-ecs-anywhere',
      RegistrationLimit: 1,
      ExpirationDate: now / 1000 + 86_400,
      Tags: [{ Key: 'vracu:provider', Value: providerId }],
    });
  });

  it('the environment makes the adapter only with a role and a cluster', () => {
    expect(activationsFromEnv(EcsAnywhereEnv.parse({}), 'eu-west-1', client)).toBeUndefined();
    expect(activationsFromEnv(EcsAnywhereEnv.parse({ VRACU_ECS_ANYWHERE_ROLE: 'r', VRACU_ECS_ANYWHERE_CLUSTER: 'c' }), 'eu-west-1', client)).toBeInstanceOf(
      SsmActivations,
    );
    expect(() => EcsAnywhereEnv.parse({ VRACU_ECS_ANYWHERE_ROLE: 'arn:aws:iam::1:role/x' })).toThrow(/IAM role name/);
    expect(() => EcsAnywhereEnv.parse({ VRACU_ECS_ANYWHERE_ACTIVATION_HOURS: '721' })).toThrow();
  });
});

describe('a join with ECS Anywhere', () => {
  it('answers the activation (once) and the ECS agent attribute that pins the provider', async () => {
    const d = composeProviders(env.rt, undefined, undefined, new SsmActivations(client(), cfg));
    const token = await issueToken();
    const out = await join(d, { ...CLAIM, token, spotPriceMicro: 9_500_000n });
    expect(out.ecsAnywhere).toEqual({
      activationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE',
      activationCode: 'JHxVpb9q0b2zEXAMPLE',
      region: 'eu-west-1',
      expiresAt: new Date(env.clock.nowMs() + 86_400_000).toISOString(),
      cluster: 'vracu-dev-jobs',
      attributes: `ECS_INSTANCE_ATTRIBUTES={"vracu.provider":"${out.providerId}"}`,
    });
    expect(seen.at(-1)!.body).toMatchObject({ DefaultInstanceName: out.providerId });
    // The code is the machine's secret: the directory does not keep it.
    expect(await snapshot(env)).not.toContain('JHxVpb9q0b2zEXAMPLE');
  });

  it('an SSM refusal refuses the join (503, SSM named) and writes nothing; the token stays redeemable', async () => {
    const d = composeProviders(env.rt, undefined, undefined, new SsmActivations(client(), cfg));
    const token = await issueToken();
    const before = await snapshot(env);
    failNext = true;
    await expect(join(d, { ...CLAIM, token, spotPriceMicro: 9_500_000n })).rejects.toMatchObject({
      code: 'activation_unavailable',
      status: 503,
      extra: { ssm: { error: 'InvalidParameters', status: 400 } },
    });
    expect(await snapshot(env)).toBe(before);
    await expect(join(d, { ...CLAIM, token, spotPriceMicro: 9_500_000n })).resolves.toMatchObject({ status: 'JOINED' });
  });

  it('SSM unreachable: 503 activation_unavailable, nothing written', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = new SSMClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const d = composeProviders(env.rt, undefined, undefined, new SsmActivations(down, cfg));
    const token = await issueToken();
    const before = await snapshot(env);
    await expect(join(d, { ...CLAIM, token, spotPriceMicro: 9_500_000n })).rejects.toMatchObject({ code: 'activation_unavailable', status: 503 });
    expect(await snapshot(env)).toBe(before);
  });

  it('without activations (the local stack) the join answers none', async () => {
    const out = await join(composeProviders(env.rt), { ...CLAIM, token: await issueToken(), spotPriceMicro: 9_500_000n });
    expect(out).not.toHaveProperty('ecsAnywhere');
  });
});
