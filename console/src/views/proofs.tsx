/** A job's proofs: each check of its attestations, verified in this browser, green or red. */
import { attestationsRoute, listAgentsRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Verdict } from '../ui/bits.tsx';
import { verifyProofs, type Job } from '../proofs/verify.ts';

export function Proofs({ job }: { job: Job }) {
  const key = `${job.jobId}:${job.attested.creation}:${job.attested.deletion}`;
  const proofs = useLoad(async () => {
    const [att, agents] = await Promise.all([call(attestationsRoute, { params: { id: job.jobId } }), call(listAgentsRoute)]);
    return { att, checks: await verifyProofs(job, att, agents.agents) };
  }, [key]);
  const checks = proofs.data?.checks ?? [];
  const ok = checks.length > 0 && checks.every((c) => c.ok);
  const complete = proofs.data?.att.creation != null && proofs.data?.att.deletion != null;
  return (
    <Section
      title="Proofs (verified in this browser)"
      actions={proofs.data ? <Verdict ok={ok}>{ok ? (complete ? 'all checks pass' : 'so far') : 'verification failed'}</Verdict> : null}
    >
      <ErrorBox error={proofs.error} />
      <ul class="checks" data-proofs={proofs.data ? (ok ? 'verified' : 'failed') : 'pending'} data-complete={String(complete)}>
        {checks.map((c) => (
          <li key={c.id} data-check={c.id} data-ok={String(c.ok)}>
            <Verdict ok={c.ok}>{c.label}</Verdict>
            {c.detail ? <span class="muted"> {c.detail}</span> : null}
          </li>
        ))}
      </ul>
      {proofs.data ? (
        <details>
          <summary>attestations as served</summary>
          <pre class="mono">{JSON.stringify({ creation: proofs.data.att.creation, deletion: proofs.data.att.deletion }, null, 2)}</pre>
        </details>
      ) : null}
    </Section>
  );
}
