/** One job: live status, its log tail, cancel, its privacy and artifacts, its proofs verified here, its bill, receipt and hold once there are. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { TERMINAL } from '../../../functions/jobs/domain/lifecycle.ts';
import { ApiError } from '../../../sdk/client.ts';
import { cancelJobRoute, getJobRoute, jobAllocationsRoute, jobLogsRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { shown, type Shown } from '../api/problem.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, Status, When } from '../ui/bits.tsx';
import { Proofs } from './proofs.tsx';
import { JobArtifacts, JobPrivacy } from './job-privacy.tsx';
import { JobSettlement } from './job-settlement.tsx';

type Line = { ts: number; stream: 'stdout' | 'stderr'; message: string };

export function JobView({ id }: { id: string }) {
  const job = useLoad(() => call(getJobRoute, { params: { id } }), [id], {
    everyMs: 1000,
    until: (j) => TERMINAL.has(j.status) && j.attested.deletion === (j.containerId !== undefined),
  });
  const cancel = useAction(() => call(cancelJobRoute, { params: { id } }));
  const j = job.data;
  const ended = j ? TERMINAL.has(j.status) : false;
  return (
    <div data-view="job" data-job={id} data-status={j?.status}>
      <ErrorBox error={job.error} />
      {j ? (
        <Section
          title={`Job ${j.jobId}`}
          actions={
            !ended ? (
              <button class="danger" disabled={cancel.busy || j.abortRequested !== undefined} onClick={() => void cancel.run().then(() => job.reload())}>
                Cancel
              </button>
            ) : null
          }
        >
          <dl class="facts">
            <dt>status</dt>
            <dd>
              <Status s={j.status} />
              {j.reason ? <span class="muted"> {j.reason}</span> : null}
            </dd>
            <dt>adapter</dt>
            <dd>
              {j.adapter} ({j.plan.strategy}), {j.gpuMinutes} GPU-minutes of quota
            </dd>
            <dt>image</dt>
            <dd>
              <code>{j.plan.image}</code>
            </dd>
            <dt>agent</dt>
            <dd>{j.agent ? `${j.agent.name} (${j.agent.identity})` : '–'}</dd>
            <dt>container</dt>
            <dd>{j.containerId ? <code>{j.containerId}</code> : '–'}</dd>
            <dt>exit code</dt>
            <dd>{j.exitCode ?? '–'}</dd>
            <dt>created / ended</dt>
            <dd>
              <When iso={j.createdAt} /> / <When iso={j.endedAt} />
            </dd>
            <dt>job hash</dt>
            <dd>
              <code class="hash">{j.jobHash}</code>
            </dd>
          </dl>
          <ErrorBox error={cancel.error} />
        </Section>
      ) : null}
      <LogTail id={id} live={!ended} />
      {j ? <JobPrivacy id={id} ended={ended} /> : null}
      {j ? <JobArtifacts id={id} ended={ended} /> : null}
      {j && (j.attested.creation || j.attested.deletion) ? <Proofs job={j} /> : null}
      {j && ended ? <Bill id={id} /> : null}
      {j && ended ? <JobSettlement id={id} /> : null}
    </div>
  );
}

/**
 * The container's output, followed while the job runs and read once more after it ends.
 * A page without `next` is the end for now: the lines already shown from that position are
 * skipped when it is read again.
 */
function LogTail({ id, live }: { id: string; live: boolean }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [error, setError] = useState<Shown | null>(null);
  const at = useRef<{ cursor?: string; seen: number }>({ seen: 0 });
  // One read at a time: the timer and the job's end can both ask, and two reads from the same position would show its lines twice.
  const inFlight = useRef<Promise<void>>(Promise.resolve());
  const pull = () => (inFlight.current = inFlight.current.then(read));
  const read = async () => {
    try {
      for (let page = 0; page < 10; page++) {
        const { cursor, seen } = at.current;
        const r = await call(jobLogsRoute, { params: { id }, query: { limit: '200', ...(cursor ? { cursor } : {}) } });
        const fresh = r.lines.slice(seen);
        if (fresh.length) setLines((old) => [...old, ...fresh].slice(-500));
        if (!r.next || r.next === cursor) {
          at.current = { ...(cursor ? { cursor } : {}), seen: Math.max(seen, r.lines.length) };
          break;
        }
        at.current = { cursor: r.next, seen: 0 };
      }
      setError(null);
    } catch (e) {
      setError(shown(e));
    }
  };
  useEffect(() => {
    void pull();
    if (!live) return;
    const t = setInterval(() => void pull(), 1500);
    return () => clearInterval(t);
  }, [id, live]);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => box.current?.scrollTo({ top: box.current.scrollHeight }), [lines]);
  return (
    <Section title="Log">
      <ErrorBox error={error} />
      <pre class="log" ref={box} data-lines={lines.length}>
        {lines.length === 0 ? <span class="muted">{live ? 'waiting for output…' : 'no output'}</span> : null}
        {lines.map((l, i) => (
          <div key={i} class={l.stream}>
            {l.message}
          </div>
        ))}
      </pre>
    </Section>
  );
}

/** The job's coverage from RCs and spot: the exchange bills a job when it ends (404 until the bill is made). */
function Bill({ id }: { id: string }) {
  const bill = useLoad(
    async () => {
      try {
        return await call(jobAllocationsRoute, { params: { jobId: id } });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
      // The exchange bills shortly after the end: asked again until the bill is there.
    },
    [id],
    { everyMs: 1000, until: (v) => v !== null },
  );
  const b = bill.data;
  return (
    <Section title="Bill" actions={<button onClick={() => void bill.reload()}>Refresh</button>}>
      <ErrorBox error={bill.error} />
      {b === null ? (
        <p class="muted" data-bill="none">
          Not billed yet: the exchange bills a job shortly after it ends (failed attestations and revoked sessions are not billed).
        </p>
      ) : null}
      {b ? (
        <div data-bill="applied">
          <p>
            {b.totalScu} SCU on {b.providerId}: {b.coveredScu} covered by RCs, {b.spotScu} at spot (<Acu v={b.spotCost} /> ACU, paid <Acu v={b.spotPaid} />,
            arrears <Acu v={b.arrears} />
            ); provider payout <Acu v={b.payout} /> ACU; applied <When iso={b.appliedAt} />.
          </p>
          <ul>
            {b.details.map((d) => (
              <li key={d.rcId}>
                <code>{d.rcId}</code>: {d.scu} SCU, usage fee <Acu v={d.feeUsage} /> ({d.rcStatus})
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Section>
  );
}
