/** Operator: bill a finished job to the buyer's RCs on one provider, the rest at spot (the job-completion hook). */
import { useState } from 'preact/hooks';
import { jobApplyRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue, numberOrText } from '../ui/form.tsx';
import { Acu, Section } from '../ui/bits.tsx';

export function BillingView() {
  const [f, setF] = useState({ jobId: '', userId: '', providerId: '', scu: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: inputValue(e) });
  const apply = useAction(() =>
    call(jobApplyRoute, { body: { jobId: f.jobId.trim(), userId: f.userId.trim(), providerId: f.providerId.trim(), scu: numberOrText(f.scu) as number } }),
  );
  const r = apply.result;
  return (
    <div data-view="billing">
      <Section title="Bill a finished job">
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void apply.run();
          }}
        >
          <Field label="job id" path="body.jobId" error={apply.error}>
            <input name="billJob" value={f.jobId} onInput={set('jobId')} />
          </Field>
          <Field label="buyer (principal id)" path="body.userId" error={apply.error}>
            <input name="billUser" value={f.userId} onInput={set('userId')} />
          </Field>
          <Field label="provider" path="body.providerId" error={apply.error}>
            <input name="billProvider" value={f.providerId} onInput={set('providerId')} />
          </Field>
          <Field label="SCU used" path="body.scu" error={apply.error}>
            <input name="billScu" value={f.scu} onInput={set('scu')} />
          </Field>
          <button type="submit" disabled={apply.busy}>
            Apply
          </button>
        </form>
        <ErrorBox error={apply.error} />
        {r ? (
          <p class="ok" data-applied={r.jobId}>
            {r.jobId}: {r.coveredScu} SCU covered by RCs, {r.spotScu} at spot (<Acu v={r.spotCost} /> ACU), payout <Acu v={r.payout} />
            {r.replayed ? ' (already applied)' : ''}.
          </p>
        ) : null}
      </Section>
    </div>
  );
}
