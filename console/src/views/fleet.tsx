/**
 * Operator: issue join tokens (the secret is shown once; only its hash is kept) and the
 * joined providers with their state, from the directory.
 */
import { useState } from 'preact/hooks';
import { joinTokenCreateRoute, providersListRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Field, inputValue, numberOrText } from '../ui/form.tsx';
import { Acu, Section, Status, Verdict, When } from '../ui/bits.tsx';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function FleetView() {
  const providers = useLoad(() => call(providersListRoute), [], { everyMs: 5000 });
  const [f, setF] = useState({ models: '', regions: '', maxUnits: '8', ttlHours: '24' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: inputValue(e) });
  const issue = useAction(() => {
    const hours = numberOrText(f.ttlHours);
    return call(joinTokenCreateRoute, {
      body: {
        policy: { gpuModels: list(f.models), regions: list(f.regions), maxUnits: numberOrText(f.maxUnits) as number },
        ttlSec: (typeof hours === 'number' ? Math.round(hours * 3600) : hours) as number,
        scope: 'default',
      },
    });
  });
  const t = issue.result;
  return (
    <div data-view="fleet">
      <Section title="Issue a join token">
        <form
          class="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void issue.run();
          }}
        >
          <Field label="GPU models (comma separated, empty: any)" path="body.policy.gpuModels" error={issue.error}>
            <input name="joinModels" value={f.models} onInput={set('models')} placeholder="H100, A100" />
          </Field>
          <Field label="regions (empty: any)" path="body.policy.regions" error={issue.error}>
            <input name="joinRegions" value={f.regions} onInput={set('regions')} placeholder="us-east" />
          </Field>
          <Field label="max units" path="body.policy.maxUnits" error={issue.error}>
            <input name="joinMaxUnits" value={f.maxUnits} onInput={set('maxUnits')} />
          </Field>
          <Field label="valid for (hours)" path="body.ttlSec" error={issue.error}>
            <input name="joinTtl" value={f.ttlHours} onInput={set('ttlHours')} />
          </Field>
          <button type="submit" disabled={issue.busy}>
            Issue
          </button>
        </form>
        <ErrorBox error={issue.error} />
        {t ? (
          <div class="ok" data-join-token={t.tokenId}>
            <p>
              Token <code>{t.tokenId}</code>, valid until <When iso={t.expiresAt} />. The secret is shown this once; the node runs{' '}
              <code>vracu-provider init --join-token &lt;token&gt;</code>:
            </p>
            <pre class="mono secret" data-secret>
              {t.token}
            </pre>
            <button onClick={() => void navigator.clipboard?.writeText(t.token)}>Copy</button>
          </div>
        ) : null}
      </Section>
      <Section title="Joined providers" actions={<button onClick={() => void providers.reload()}>Refresh</button>}>
        <ErrorBox error={providers.error} />
        {providers.data && providers.data.providers.length === 0 ? <p class="muted">No provider has joined yet.</p> : null}
        {providers.data && providers.data.providers.length > 0 ? (
          <table class="grid" data-table="fleet">
            <thead>
              <tr>
                <th>provider</th>
                <th>GPU</th>
                <th>status</th>
                <th>online</th>
                <th class="num">free / units</th>
                <th class="num">SCM/min</th>
                <th class="num">spot</th>
                <th>proven</th>
                <th>last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {providers.data.providers.map((p) => (
                <tr key={p.providerId} data-fleet={p.providerId} data-online={String(p.online)}>
                  <td>
                    {p.name} <code>{p.providerId}</code>
                  </td>
                  <td>
                    {p.gpuModel} · {p.region}
                  </td>
                  <td>
                    <Status s={p.status} />
                  </td>
                  <td>
                    <Verdict ok={p.online}>{p.quotable ? 'quotable' : p.online ? 'online' : 'offline'}</Verdict>
                  </td>
                  <td class="num">
                    {p.freeUnits} / {p.units}
                  </td>
                  <td class="num">{p.scmPerMin}</td>
                  <td class="num">
                    <Acu v={p.spotPrice} />
                  </td>
                  <td>
                    {Object.entries(p.proven)
                      .filter(([, v]) => v.valid)
                      .map(([k]) => k)
                      .join(', ') || '–'}
                  </td>
                  <td>
                    <When iso={p.lastHeartbeatAt ?? undefined} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </div>
  );
}
