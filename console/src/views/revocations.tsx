/**
 * Admin: revoke an attestation hash, a key-release session or a provider. Affected sessions
 * are cancelled and their jobs aborted at once; the answer names them.
 */
import { useState } from 'preact/hooks';
import type { RevocationKind } from '../../../functions/privacy/domain/revocation.ts';
import { revokeRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue } from '../ui/form.tsx';
import { Section } from '../ui/bits.tsx';

/** Every kind the registry keeps, labelled (a kind added there fails to compile here until it is). */
const KINDS: Record<RevocationKind, string> = { attestation_hash: 'attestation hash (sha256:…)', session: 'session (ses_…)', provider: 'provider' };
type Kind = RevocationKind;

export function Revocations() {
  const [f, setF] = useState({ kind: 'provider' as Kind, value: '', reason: '' });
  const revoke = useAction(() => {
    const [value, reason] = [f.value.trim(), f.reason.trim()];
    const body =
      f.kind === 'provider'
        ? { kind: 'provider' as const, value, reason }
        : f.kind === 'session'
          ? { kind: 'session' as const, value, reason }
          : { kind: 'attestation_hash' as const, value, reason };
    return call(revokeRoute, { body });
  });
  const r = revoke.result;
  return (
    <Section title="Revoke">
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void revoke.run();
        }}
      >
        <Field label="kind" path="body.kind" error={revoke.error}>
          <select name="revokeKind" value={f.kind} onChange={(e) => setF({ ...f, kind: inputValue(e) as Kind })}>
            {Object.entries(KINDS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="value" path="body.value" error={revoke.error}>
          <input name="revokeValue" value={f.value} onInput={(e) => setF({ ...f, value: inputValue(e) })} />
        </Field>
        <Field label="reason" path="body.reason" error={revoke.error}>
          <input name="revokeReason" value={f.reason} onInput={(e) => setF({ ...f, reason: inputValue(e) })} />
        </Field>
        <button type="submit" class="danger" disabled={revoke.busy}>
          Revoke
        </button>
      </form>
      <ErrorBox error={revoke.error} />
      {r ? (
        <p class="ok" data-revoked={r.revocation.value}>
          {r.created ? 'Revoked' : 'Already revoked'}: {r.revocation.kind} <code>{r.revocation.value}</code> ({r.revocation.reason}).{' '}
          {r.cancelledSessions.length} session(s) cancelled, {r.abortedJobs.length} job(s) aborted
          {r.abortedJobs.length ? (
            <>
              : <code>{r.abortedJobs.join(', ')}</code>
            </>
          ) : null}
          .
        </p>
      ) : null}
    </Section>
  );
}
