/** Jobs: the adapter form and the tenant's jobs, newest first (live until they end). */
import { TERMINAL } from '../../../functions/jobs/domain/lifecycle.ts';
import { listJobsRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Status, When } from '../ui/bits.tsx';
import { href } from '../router.ts';
import { JobForm } from './job-form.tsx';

export function JobsView() {
  const jobs = useLoad(() => call(listJobsRoute, { query: { limit: '25' } }), [], { everyMs: 2000, until: (d) => d.jobs.every((j) => TERMINAL.has(j.status)) });
  return (
    <div data-view="jobs">
      <JobForm onSubmitted={() => void jobs.reload()} />
      <Section title="Your jobs" actions={<button onClick={() => void jobs.reload()}>Refresh</button>}>
        <ErrorBox error={jobs.error} />
        <table class="grid" data-table="jobs">
          <thead>
            <tr>
              <th>job</th>
              <th>adapter</th>
              <th>status</th>
              <th class="num">GPU-min</th>
              <th>created</th>
              <th>proofs</th>
            </tr>
          </thead>
          <tbody>
            {(jobs.data?.jobs ?? []).map((j) => (
              <tr key={j.jobId} data-job={j.jobId}>
                <td>
                  <a href={href('job', j.jobId)}>
                    <code>{j.jobId}</code>
                  </a>
                </td>
                <td>{j.adapter}</td>
                <td>
                  <Status s={j.status} />
                </td>
                <td class="num">{j.gpuMinutes}</td>
                <td>
                  <When iso={j.createdAt} />
                </td>
                <td>
                  {j.attested.creation ? 'created' : '–'}
                  {j.attested.deletion ? ', destroyed' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
