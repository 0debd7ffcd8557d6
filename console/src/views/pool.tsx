/** Provider: the node behind the key, the agent pool (queue n/N), its agents and the jobs it runs. */
import { poolStatusRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Status, When } from '../ui/bits.tsx';
import { NodeStatus } from './node.tsx';
import { href } from '../router.ts';

export function PoolView() {
  const pool = useLoad(() => call(poolStatusRoute), [], { everyMs: 2000 });
  const p = pool.data;
  return (
    <div data-view="pool" data-ready={p ? 'true' : undefined}>
      <NodeStatus />
      <ErrorBox error={pool.error} />
      {p ? (
        <>
          <Section title="Pool">
            <p class="big" data-queue={`${p.busy}/${p.maxAgents}`}>
              Queue: {p.busy}/{p.maxAgents} busy, {p.queued} waiting
            </p>
            <div class="meter" aria-hidden="true">
              <div class="meter-fill" style={{ width: `${p.maxAgents ? Math.round((100 * p.busy) / p.maxAgents) : 0}%` }} />
            </div>
          </Section>
          <Section title="Agents">
            <table class="grid" data-table="agents">
              <thead>
                <tr>
                  <th>name</th>
                  <th>identity</th>
                  <th>public key</th>
                  <th>registered</th>
                  <th>state</th>
                </tr>
              </thead>
              <tbody>
                {p.agents.map((a) => (
                  <tr key={a.name} data-agent={a.name}>
                    <td>{a.name}</td>
                    <td>{a.identity}</td>
                    <td>
                      <code class="hash">{a.publicKey}</code>
                    </td>
                    <td>
                      <When iso={a.registeredAt} />
                    </td>
                    <td>
                      {a.busy ? (
                        <>
                          busy: <code>{a.jobId}</code>
                        </>
                      ) : (
                        'idle'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title="Running and waiting jobs">
            {p.active.length === 0 ? <p class="muted">none</p> : null}
            <ul>
              {p.active.map((j) => (
                <li key={j.jobId} data-active={j.jobId}>
                  <a href={href('job', j.jobId)}>
                    <code>{j.jobId}</code>
                  </a>{' '}
                  <Status s={j.status} /> {j.agent ?? ''}{' '}
                  {j.deadline ? (
                    <>
                      deadline <When iso={j.deadline} />
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </Section>
        </>
      ) : null}
    </div>
  );
}
