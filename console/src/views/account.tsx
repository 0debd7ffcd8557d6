/**
 * An account's balance and its entries, oldest first, a page at a time. Buyers see their
 * own `user:` account; operators and admins may look up any account; a provider's
 * earnings are its `provider:` account.
 */
import { useEffect, useState } from 'preact/hooks';
import { accountRoute, entriesRoute } from '../api/routes.ts';
import { call, can, principal } from '../session.ts';
import { shown, type Shown } from '../api/problem.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Acu, Section, When } from '../ui/bits.tsx';
import { inputValue } from '../ui/form.tsx';

type Entry = { transferId: string; delta: string; memo: string; at: string };

export function AccountView({ initial, title, lookup }: { initial: string; title: string; lookup?: boolean }) {
  const [draft, setDraft] = useState(initial);
  const [accountId, setAccountId] = useState(initial);
  return (
    <div data-view="account" data-account={accountId}>
      {lookup ? (
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            setAccountId(draft.trim());
          }}
        >
          <label class="field">
            <span class="field-label">account</span>
            <input name="accountId" value={draft} onInput={(e) => setDraft(inputValue(e))} placeholder="user:prn_…, provider:…, escrow:…, platform" />
          </label>
          <button type="submit">Show</button>
        </form>
      ) : null}
      <Account key={accountId} accountId={accountId} title={title} />
    </div>
  );
}

function Account({ accountId, title }: { accountId: string; title: string }) {
  const bal = useLoad(() => call(accountRoute, { params: { accountId } }), [accountId]);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Shown | null>(null);
  const more = async () => {
    try {
      const r = await call(entriesRoute, { params: { accountId }, query: { limit: '50', ...(cursor ? { cursor } : {}) } });
      setEntries((old) => [...old, ...r.entries]);
      setCursor(r.cursor);
      setDone(!r.cursor);
    } catch (e) {
      setError(shown(e));
    }
  };
  useEffect(() => void more(), [accountId]);
  return (
    <Section
      title={`${title}: ${accountId}`}
      actions={
        bal.data ? (
          <strong data-balance={bal.data.balance}>
            balance <Acu v={bal.data.balance} /> ACU
          </strong>
        ) : null
      }
    >
      <ErrorBox error={bal.error ?? error} />
      <table class="grid" data-table="entries">
        <thead>
          <tr>
            <th>at</th>
            <th>transfer</th>
            <th>memo</th>
            <th class="num">change</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={`${e.transferId}:${e.at}:${e.delta}`}>
              <td>
                <When iso={e.at} />
              </td>
              <td>
                <code>{e.transferId}</code>
              </td>
              <td>{e.memo}</td>
              <td class={`num ${e.delta.startsWith('-') ? 'bad' : 'good'}`}>
                <Acu v={e.delta} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!done && entries.length > 0 ? <button onClick={() => void more()}>More</button> : null}
      {done && entries.length === 0 && !error ? <p class="muted">No entries.</p> : null}
    </Section>
  );
}

/** The signed-in principal's own account. */
export const MyAccountView = () => <AccountView initial={`user:${principal.value!.principalId}`} title="Balance" lookup={can('operator')} />;
