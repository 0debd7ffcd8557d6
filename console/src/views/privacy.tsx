/**
 * Provider: attestation statistics of the pool's recently ended jobs (what `vap-dispatcher
 * privacy` prints), each job's proofs verified in this browser against the agent registry.
 */
import { listAgentsRoute, poolAttestationsRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Verdict } from '../ui/bits.tsx';
import { signatureValid } from '../proofs/verify.ts';

interface Row {
  jobId: string;
  status: string;
  created: boolean;
  destroyed: boolean;
  verified: boolean;
  lifetimeMs?: number;
}

async function stats() {
  const [pool, agents] = await Promise.all([call(poolAttestationsRoute, { query: { limit: '200' } }), call(listAgentsRoute)]);
  const keys = new Map(agents.agents.map((a) => [a.name, a.publicKey]));
  const rows: Row[] = [];
  for (const j of pool.jobs) {
    if (!j.creation && !j.deletion) continue;
    const key = keys.get(j.creation?.agentId ?? j.agent?.name ?? '');
    const c = j.creation as Record<string, unknown> | null;
    const d = j.deletion as Record<string, unknown> | null;
    const sigs = key !== undefined && c !== null && d !== null && (await signatureValid(c, key)) && (await signatureValid(d, key));
    const agree =
      c !== null &&
      d !== null &&
      c.containerId === d.containerId &&
      c.createdAt === d.createdAt &&
      c.jobId === j.jobId &&
      d.jobId === j.jobId &&
      c.jobHash === j.jobHash;
    const life = c && d ? Date.parse(String(d.destroyedAt)) - Date.parse(String(c.createdAt)) : NaN;
    rows.push({
      jobId: j.jobId,
      status: j.status,
      created: c !== null,
      destroyed: d !== null,
      verified: sigs && agree && life >= 0,
      ...(Number.isFinite(life) ? { lifetimeMs: life } : {}),
    });
  }
  const lives = rows
    .filter((r) => r.verified && r.lifetimeMs !== undefined)
    .map((r) => r.lifetimeMs!)
    .sort((a, b) => a - b);
  return { jobs: pool.jobs.length, rows, lives };
}

export function PrivacyView() {
  const s = useLoad(stats, []);
  const d = s.data;
  const verified = d?.rows.filter((r) => r.verified).length ?? 0;
  const missing = d?.rows.filter((r) => !r.created || !r.destroyed).length ?? 0;
  const pct = (n: number) => d!.lives[Math.min(d!.lives.length - 1, Math.floor(n * (d!.lives.length - 1)))];
  return (
    <div data-view="privacy" data-ready={d ? 'true' : undefined}>
      <ErrorBox error={s.error} />
      {d ? (
        <Section title="Attestations of the pool" actions={<button onClick={() => void s.reload()}>Refresh</button>}>
          <dl class="facts" data-verified={`${verified}/${d.rows.length}`}>
            <dt>ended jobs</dt>
            <dd>{d.jobs}</dd>
            <dt>with a container</dt>
            <dd>{d.rows.length}</dd>
            <dt>created / destroyed</dt>
            <dd>
              {d.rows.filter((r) => r.created).length} / {d.rows.filter((r) => r.destroyed).length}
            </dd>
            <dt>verified here</dt>
            <dd>
              <Verdict ok={verified === d.rows.length}>
                {verified}/{d.rows.length}
              </Verdict>
            </dd>
            <dt>missing an attestation</dt>
            <dd>{missing}</dd>
            <dt>container lifetime</dt>
            <dd>{d.lives.length ? `min ${d.lives[0]} ms, p50 ${pct(0.5)} ms, max ${d.lives[d.lives.length - 1]} ms` : '–'}</dd>
          </dl>
          <ul class="checks">
            {d.rows
              .filter((r) => !r.verified)
              .map((r) => (
                <li key={r.jobId}>
                  <Verdict ok={false}>{r.jobId}</Verdict>{' '}
                  <span class="muted">
                    {r.status}
                    {r.created ? '' : ', no creation'}
                    {r.destroyed ? '' : ', no deletion'}
                  </span>
                </li>
              ))}
          </ul>
        </Section>
      ) : null}
    </div>
  );
}
