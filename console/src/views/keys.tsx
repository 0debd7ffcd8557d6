/** Admin: create API keys (the secret is shown once), revoke, and credit ACU to a user. */
import { useState } from 'preact/hooks';
import type { Role } from '../../../functions/platform/auth/principal.ts';
import { actionKey } from '../api/client.ts';
import { createKeyRoute, mintRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue } from '../ui/form.tsx';
import { Acu, Section, Waiting } from '../ui/bits.tsx';
import { Revocations } from './revocations.tsx';

/** The roles a key can hold (principal.ts's ROLES; that module's zod schema stays out of the bundle). */
const ROLES = ['buyer', 'provider', 'operator', 'admin'] as const satisfies readonly Role[];
const _allRoles: [Exclude<Role, (typeof ROLES)[number]>] extends [never] ? true : never = true;
void _allRoles;

export function KeysView() {
  const [roles, setRoles] = useState<Role[]>(['buyer']);
  const [tenant, setTenant] = useState('');
  const [label, setLabel] = useState('');
  const create = useAction(() =>
    call(createKeyRoute, { body: { roles, ...(tenant.trim() ? { tenant: tenant.trim() } : {}), ...(label.trim() ? { label: label.trim() } : {}) } }),
  );
  const [user, setUser] = useState('');
  const [amount, setAmount] = useState('');
  const mint = useAction(() => call(mintRoute, { body: { user: user.trim(), amount: amount.trim() }, idempotencyKey: actionKey() }));
  const k = create.result;
  return (
    <div data-view="keys">
      <Section title="Create an API key">
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run();
          }}
        >
          <Field label="roles" path="body.roles" error={create.error}>
            <span class="inline">
              {ROLES.map((r) => (
                <label key={r} class="check">
                  <input
                    type="checkbox"
                    name={`role-${r}`}
                    checked={roles.includes(r)}
                    onChange={(e) => setRoles((e.currentTarget as HTMLInputElement).checked ? [...roles, r] : roles.filter((x) => x !== r))}
                  />{' '}
                  {r}
                </label>
              ))}
            </span>
          </Field>
          <Field label="tenant (optional)" path="body.tenant" error={create.error}>
            <input name="tenant" value={tenant} onInput={(e) => setTenant(inputValue(e))} />
          </Field>
          <Field label="label (optional)" path="body.label" error={create.error}>
            <input name="label" value={label} onInput={(e) => setLabel(inputValue(e))} />
          </Field>
          <button type="submit" disabled={create.busy}>
            Create
          </button>
        </form>
        <ErrorBox error={create.error} />
        {k ? (
          <div class="ok" data-created-key={k.principalId}>
            <p>
              Key for <code>{k.principalId}</code> ({k.roles.join(', ')}, tenant {k.tenant}). The secret is shown this once:
            </p>
            <pre class="mono secret" data-secret>
              {k.secret}
            </pre>
            <button onClick={() => void navigator.clipboard?.writeText(k.secret)}>Copy</button>
          </div>
        ) : null}
        <Waiting what="Listing and revoking keys" route="GET/DELETE /v1/keys (control-plane issue)" />
      </Section>
      <Revocations />
      <Section title="Credit ACU to a user">
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void mint.run();
          }}
        >
          <Field label="principal id" path="body.user" error={mint.error}>
            <input name="mintUser" value={user} onInput={(e) => setUser(inputValue(e))} placeholder="prn_…" />
          </Field>
          <Field label="amount (ACU)" path="body.amount" error={mint.error}>
            <input name="mintAmount" value={amount} onInput={(e) => setAmount(inputValue(e))} placeholder="1000" />
          </Field>
          <button type="submit" disabled={mint.busy}>
            Credit
          </button>
        </form>
        <ErrorBox error={mint.error} />
        {mint.result ? (
          <p class="ok" data-minted={mint.result.transferId}>
            Credited <Acu v={mint.result.credited} /> ACU to {mint.result.user} (arrears settled <Acu v={mint.result.settledArrears} />
            ).
          </p>
        ) : null}
      </Section>
    </div>
  );
}
