/**
 * A billed job's settlement: its signed receipt (what the one settlement transfer moved, to
 * download for `vracu receipts verify`) and the hold of its spot part for the dispute window —
 * the buyer disputes it while the window runs; an operator decides it in the Disputes view
 * (docs/market.md, "Settlement holds").
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../../../sdk/client.ts';
import { holdDisputeRoute, holdRoute, receiptRoute } from '../api/routes.ts';
import { call, principal } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, When } from '../ui/bits.tsx';
import { Field, inputValue } from '../ui/form.tsx';

/** A call whose 404 means "none (yet)". */
const orNone = async <T,>(p: Promise<T>): Promise<T | null> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
};

export function JobSettlement({ id }: { id: string }) {
  const receipt = useLoad(() => orNone(call(receiptRoute, { params: { id } })), [id], { everyMs: 1000, until: (v) => v !== null });
  const hold = useLoad(() => orNone(call(holdRoute, { params: { jobId: id } })), [id]);
  const [reason, setReason] = useState('');
  const dispute = useAction(() => call(holdDisputeRoute, { params: { jobId: id }, body: { reason } }));
  const r = receipt.data?.receipt;
  const h = hold.data;
  const me = principal.value;
  const inWindow = h ? Date.now() < Date.parse(h.releaseAt) : false;
  const download = receipt.data ? `data:application/json,${encodeURIComponent(JSON.stringify(receipt.data, null, 2))}` : undefined;
  return (
    <Section title="Settlement" actions={<button onClick={() => void Promise.all([receipt.reload(), hold.reload()])}>Refresh</button>}>
      <ErrorBox error={receipt.error ?? hold.error} />
      {receipt.data === null ? (
        <p class="muted" data-receipt="none">
          No receipt yet: the exchange signs one when it settles the job.
        </p>
      ) : null}
      {r ? (
        <div data-receipt="signed">
          <p>
            Receipt signed with {receipt.data!.signatures.map((s) => s.alg).join(' and ')}: {r.scm} SCM ({r.basis}
            {r.basis === 'metered' ? `, ${r.slices} slices` : ''}), {r.spotScm} at <Acu v={r.twap} /> ACU/SCM = <Acu v={r.burn} /> ACU; provider paid{' '}
            <Acu v={r.providerAmount} />, held <Acu v={r.hold} />; settled <When iso={r.settledAt} />.
          </p>
          <p class="muted">
            Transfer <code>{r.ledgerTransferIds.join(', ')}</code>.{' '}
            <a href={download} download={`receipt-${id}.json`} data-action="download-receipt">
              Download
            </a>{' '}
            and check both signatures offline: <code>vracu receipts verify receipt-{id}.json</code>.
          </p>
        </div>
      ) : null}
      {h ? (
        <div data-hold={h.status}>
          <p>
            Hold <Acu v={h.amount} /> ACU: <strong>{h.status.toLowerCase()}</strong>
            {h.status === 'HELD' ? (
              <>
                {' '}
                until <When iso={h.releaseAt} />, then it goes to the provider
              </>
            ) : null}
            {h.dispute ? <> (dispute: {h.dispute})</> : null}
            {h.settledAt ? (
              <>
                {' '}
                on <When iso={h.settledAt} />
              </>
            ) : null}
            .
          </p>
          {h.status === 'HELD' && inWindow && me?.principalId === h.buyerId ? (
            <form
              data-form="dispute"
              onSubmit={(e) => {
                e.preventDefault();
                void dispute.run().then((v) => v && hold.reload());
              }}
            >
              <Field label="What is wrong" path="body.reason" error={dispute.error}>
                <input name="disputeReason" value={reason} onInput={(e) => setReason(inputValue(e))} />
              </Field>
              <button type="submit" disabled={dispute.busy}>
                Dispute the hold
              </button>
            </form>
          ) : null}
          {h.status === 'DISPUTED' ? <p class="muted">An operator decides it (Disputes): released to the provider or refunded to you.</p> : null}
        </div>
      ) : null}
    </Section>
  );
}
