/**
 * Governance over the API: each step reads the proposal, applies the pure transition at the
 * injected clock's time, and writes it guarded on the revision read. Execution moves the
 * parameter and writes a signed execution receipt in the same transaction.
 */
import { canonicalBytes } from '../../platform/canonical-json.ts';
import { isoAt } from '../../platform/clock.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { ControlPlaneDeps } from '../deps.ts';
import { controlPlaneError } from '../errors.ts';
import { EXECUTION_LABEL, execute, propose, queue, vote, type ParameterName, type Proposal, type Step } from '../domain/governance.ts';
import { signBoth, type Signature } from '../domain/signatures.ts';
import { commitExecution, getProposal, listProposals, parameter, parameters, putProposal } from '../store/governance.ts';

const accept = (s: Step): Proposal => {
  if (!s.ok) throw controlPlaneError('proposal_refused', s.detail, { refusal: s.refusal });
  return s.proposal;
};

async function load(d: ControlPlaneDeps, id: string) {
  const got = await getProposal(d.store, id);
  if (!got) throw controlPlaneError('proposal_not_found', `no proposal ${id}`);
  return got;
}

async function save(d: ControlPlaneDeps, p: Proposal, rev: bigint): Promise<Proposal> {
  if (!(await putProposal(d.store, p, rev))) throw controlPlaneError('proposal_changed', `proposal ${p.id} changed meanwhile: read it again`);
  return p;
}

export async function proposeChange(d: ControlPlaneDeps, who: Principal, name: ParameterName, value: bigint): Promise<Proposal> {
  const cur = await parameter(d.store, name);
  const p = accept(
    propose({ id: d.rt.ids.next('prp'), parameter: name, value, baseVersion: cur.version, proposer: who.id, roles: who.roles }, d.rt.clock.nowMs()),
  );
  return save(d, p, 0n);
}

export async function castVote(d: ControlPlaneDeps, who: Principal, id: string, support: boolean): Promise<Proposal> {
  const { proposal, rev } = await load(d, id);
  return save(d, accept(vote(proposal, { voter: who.id, roles: who.roles, support }, d.rt.clock.nowMs())), rev);
}

export async function queueProposal(d: ControlPlaneDeps, id: string): Promise<Proposal> {
  const { proposal, rev } = await load(d, id);
  return save(d, accept(queue(proposal, d.rt.clock.nowMs())), rev);
}

export interface ExecutionReceipt {
  execution: { proposalId: string; parameter: string; from: string; to: string; version: string; executedAt: string };
  signatures: Signature[];
}

export async function executeProposal(d: ControlPlaneDeps, id: string): Promise<{ proposal: Proposal; receipt: ExecutionReceipt }> {
  const { proposal, rev } = await load(d, id);
  const cur = await parameter(d.store, proposal.parameter);
  const now = d.rt.clock.nowMs();
  const done = accept(execute(proposal, now, cur.version));
  const execution = {
    proposalId: id,
    parameter: done.parameter,
    from: cur.value.toString(),
    to: done.value.toString(),
    version: (cur.version + 1n).toString(),
    executedAt: isoAt(now),
  };
  const receipt = { execution, signatures: signBoth(d.signingKeys(), EXECUTION_LABEL, canonicalBytes(execution)) };
  if ((await commitExecution(d.store, done, rev, receipt)) === 'moved')
    throw controlPlaneError('proposal_changed', `proposal ${id} or its parameter changed meanwhile`);
  return { proposal: done, receipt };
}

export const proposals = (d: ControlPlaneDeps) => listProposals(d.store);
export const governedParameters = (d: ControlPlaneDeps) => parameters(d.store);
