/**
 * A job's privacy and artifacts: the tier, the attesters it required, the attestation hash
 * and the key-release session with its log (job, session, step, hash, broker, time — the API
 * never returns key material), and the job's inputs and outputs with their Merkle roots.
 */
import { jobArtifactsRoute, privacyGetRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Status, When } from '../ui/bits.tsx';

export function JobPrivacy({ id, ended }: { id: string; ended: boolean }) {
  const p = useLoad(() => call(privacyGetRoute, { params: { id } }), [id, ended], { everyMs: 2000, until: () => ended });
  const d = p.data;
  return (
    <Section title="Privacy">
      <ErrorBox error={p.error} />
      {d ? (
        <div data-privacy={d.tier}>
          <dl class="facts">
            <dt>tier</dt>
            <dd>
              {d.tier}
              {d.requiredAttesters.length ? <span class="muted"> (requires {d.requiredAttesters.join(', ')})</span> : null}
            </dd>
            <dt>attestation hash</dt>
            <dd>{d.attestationHash ? <code class="hash">{d.attestationHash}</code> : '–'}</dd>
            <dt>session</dt>
            <dd>
              {d.session ? (
                <span data-session={d.session.state}>
                  <code>{d.session.sessionId}</code> {d.session.state} · broker {d.session.broker} · step {d.session.lastStep}
                  {d.session.acknowledgedStep !== undefined ? `, acknowledged ${d.session.acknowledgedStep}` : ''}
                  {d.session.cancelReason ? ` · ${d.session.cancelReason}` : ''}
                </span>
              ) : (
                '–'
              )}
            </dd>
          </dl>
          {d.releases.length ? (
            <table class="grid" data-table="releases">
              <thead>
                <tr>
                  <th class="num">step</th>
                  <th>session</th>
                  <th>broker</th>
                  <th>attestation hash</th>
                  <th>released</th>
                </tr>
              </thead>
              <tbody>
                {d.releases.map((r) => (
                  <tr key={`${r.sessionId}:${r.step}`} data-release={r.step}>
                    <td class="num">{r.step}</td>
                    <td>
                      <code>{r.sessionId}</code>
                    </td>
                    <td>{r.broker}</td>
                    <td>
                      <code class="hash">{r.attestationHash}</code>
                    </td>
                    <td>
                      <When iso={r.at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : d.tier === 'attested' ? (
            <p class="muted">No key released yet: keys are released only after the attestation gate passes.</p>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

export function JobArtifacts({ id, ended }: { id: string; ended: boolean }) {
  const a = useLoad(() => call(jobArtifactsRoute, { params: { id } }), [id, ended]);
  const list = a.data?.artifacts ?? [];
  return (
    <Section title="Artifacts" actions={<button onClick={() => void a.reload()}>Refresh</button>}>
      <ErrorBox error={a.error} />
      {a.data && list.length === 0 ? <p class="muted">No inputs or outputs.</p> : null}
      {list.length ? (
        <table class="grid" data-table="artifacts">
          <thead>
            <tr>
              <th>name</th>
              <th>kind</th>
              <th>state</th>
              <th class="num">sealed bytes</th>
              <th>Merkle root</th>
            </tr>
          </thead>
          <tbody>
            {list.map((x) => (
              <tr key={`${x.kind}:${x.name}`} data-artifact={x.name}>
                <td>{x.name}</td>
                <td>{x.kind}</td>
                <td>{x.artifact ? <Status s={x.artifact.state} /> : <span class="muted">not uploaded</span>}</td>
                <td class="num">{x.artifact ? x.artifact.size.toLocaleString('en') : '–'}</td>
                <td>{x.artifact ? <code class="hash">{x.artifact.merkleRoot}</code> : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p class="muted">
        Download, verify against the signed deletion attestation and decrypt with <code>vracu jobs download {id}</code> (the private key never leaves your
        machine).
      </p>
    </Section>
  );
}
