/** Governance over the routes on DynamoDB Local with the injected clock: early execute refused, late works, failed quorum never queued. */
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../support/runtime.ts';
import { call, principal } from '../market/support.ts';
import * as api from '../../../functions/control-plane/api.ts';
import { RULES } from '../../../functions/control-plane/domain/governance.ts';

const OPS = ['op1', 'op2', 'op3'].map((id) => principal(id, 'operator'));
const ADMIN = principal('root', 'admin');
const H = 3_600_000;
let env: TestEnv;

const proposeChange = async (parameter: string, value: string) => {
  const r = await call(api.proposeRoute, OPS[0]!, { body: { parameter, value } });
  expect(r.status).toBe(201);
  return String(r.body.proposalId);
};
const voteAll = async (id: string, voters: typeof OPS, support = true) => {
  for (const v of voters) expect((await call(api.voteRoute, v, { params: { id }, body: { support } })).status).toBe(200);
};

beforeAll(async () => {
  env = await testEnv({ seed: 17 });
});

describe('governance routes', () => {
  it('propose → vote → queue → execute after the ETA moves the parameter one version', async () => {
    const id = await proposeChange('surge.maxBps', '14000');
    await voteAll(id, OPS);
    expect(await call(api.voteRoute, OPS[0]!, { params: { id }, body: { support: false } })).toMatchObject({
      status: 409,
      body: { code: 'proposal_refused', refusal: 'already_voted' },
    });
    expect(await call(api.queueRoute, OPS[0]!, { params: { id } })).toMatchObject({ status: 409, body: { refusal: 'voting_open' } });
    env.clock.advance(RULES.votingPeriodMs);
    const q = await call(api.queueRoute, OPS[0]!, { params: { id } });
    expect(q.body).toMatchObject({ status: 'QUEUED' });
    expect(Date.parse(String(q.body.eta)) - env.clock.nowMs()).toBe(48 * H);
    env.clock.advance(48 * H - 1);
    expect(await call(api.executeRoute, OPS[0]!, { params: { id } })).toMatchObject({ status: 409, body: { refusal: 'timelock_pending' } });
    const before = await call(api.parametersRoute, OPS[0]!);
    expect(before.body.parameters).toContainEqual({ name: 'surge.maxBps', value: '15000', version: 0 });
    env.clock.advance(1);
    expect((await call(api.executeRoute, OPS[0]!, { params: { id } })).body).toMatchObject({ status: 'EXECUTED' });
    const after = await call(api.parametersRoute, OPS[0]!);
    expect(after.body.parameters).toContainEqual({ name: 'surge.maxBps', value: '14000', version: 1 });
    expect(await call(api.executeRoute, OPS[0]!, { params: { id } })).toMatchObject({ status: 409, body: { refusal: 'not_queued' } });
  });

  it('a failed quorum cannot be queued; a sensitive change needs an admin yes too', async () => {
    const thin = await proposeChange('surge.startBps', '9000');
    await voteAll(thin, OPS.slice(0, 2));
    const sensitive = await proposeChange('settlement.holdBps', '500');
    await voteAll(sensitive, OPS);
    env.clock.advance(RULES.votingPeriodMs);
    expect(await call(api.queueRoute, OPS[0]!, { params: { id: thin } })).toMatchObject({ status: 409, body: { refusal: 'quorum_not_met' } });
    expect(await call(api.queueRoute, OPS[0]!, { params: { id: sensitive } })).toMatchObject({ status: 409, body: { refusal: 'roles_missing' } });
    const withAdmin = await proposeChange('settlement.holdBps', '500');
    await voteAll(withAdmin, [OPS[1]!, OPS[2]!, ADMIN]);
    env.clock.advance(RULES.votingPeriodMs);
    expect((await call(api.queueRoute, OPS[0]!, { params: { id: withAdmin } })).body).toMatchObject({ status: 'QUEUED' });
    const list = await call(api.proposalsRoute, OPS[0]!);
    expect((list.body.proposals as unknown[]).length).toBe(4);
  });

  it('bad input and roles: 4xx, nothing proposed', async () => {
    expect(await call(api.proposeRoute, principal('alice'), { body: { parameter: 'surge.maxBps', value: '1' } })).toMatchObject({ status: 403 });
    expect(await call(api.proposeRoute, OPS[0]!, { body: { parameter: 'nope', value: '1' } })).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    });
    expect(await call(api.proposeRoute, OPS[0]!, { body: { parameter: 'surge.maxBps', value: '-1' } })).toMatchObject({ status: 400 });
    expect(await call(api.queueRoute, OPS[0]!, { params: { id: 'prp_01JD3Q0000000000000000000Z' } })).toMatchObject({
      status: 404,
      body: { code: 'proposal_not_found' },
    });
  });
});
