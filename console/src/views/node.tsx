/**
 * Provider: the node behind this key (a joined provider's principal id is its provider id):
 * verified or not, online by heartbeat, quotable, its GPUs and telemetry from the last
 * heartbeat, its calibrated SCM/min and the hardware evidence it has proven.
 */
import { ApiError } from '../../../sdk/client.ts';
import { providerGetRoute } from '../api/routes.ts';
import { call, principal } from '../session.ts';
import { useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Status, Verdict, When } from '../ui/bits.tsx';

interface Gpu {
  index: number;
  model: string;
  memoryMiB: number;
  migMode: boolean;
  migInstances: unknown[];
}

/** The heartbeat's inventory is the node's word (typed `unknown` on the wire): read what has the documented shape. */
function gpusOf(inventory: unknown): Gpu[] {
  const gpus = (inventory as { gpus?: unknown } | null)?.gpus;
  return Array.isArray(gpus) ? gpus.filter((g): g is Gpu => typeof g === 'object' && g !== null && typeof (g as Gpu).model === 'string') : [];
}

const num = (o: unknown, k: string): number | undefined => {
  const v = (o as Record<string, unknown> | null)?.[k];
  return typeof v === 'number' ? v : undefined;
};

export function NodeStatus() {
  const id = principal.value!.principalId;
  const node = useLoad(
    async () => {
      try {
        return await call(providerGetRoute, { params: { id } });
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null;
        throw e;
      }
    },
    [id],
    { everyMs: 5000 },
  );
  const n = node.data;
  return (
    <Section title="Node" actions={<button onClick={() => void node.reload()}>Refresh</button>}>
      <ErrorBox error={node.error} />
      {n === null ? (
        <p class="muted" data-node="none">
          This key is not a joined provider's. A node joins with <code>vracu-provider init --join-token …</code> and heartbeats with{' '}
          <code>vracu-provider run</code>; its key then shows the node here.
        </p>
      ) : null}
      {n ? (
        <div data-node={n.providerId} data-online={String(n.online)}>
          <dl class="facts">
            <dt>provider</dt>
            <dd>
              {n.name} <code>{n.providerId}</code> · {n.gpuModel} · {n.region}
            </dd>
            <dt>status</dt>
            <dd>
              <Status s={n.status} /> <Verdict ok={n.online}>{n.online ? 'online' : 'offline'}</Verdict>{' '}
              <Verdict ok={n.quotable}>{n.quotable ? 'quotable' : 'not quotable'}</Verdict>
            </dd>
            <dt>last heartbeat</dt>
            <dd>
              <When iso={n.lastHeartbeatAt ?? undefined} />
            </dd>
            <dt>units</dt>
            <dd>
              {n.freeUnits} free of {n.units} · {n.scmPerMin} SCM/min · node key {n.keyAlgorithm ?? 'not verified'}
            </dd>
            <dt>telemetry</dt>
            <dd>
              {num(n.telemetry, 'utilizationPct') ?? '–'} % busy, {num(n.telemetry, 'temperatureC') ?? '–'} °C
            </dd>
          </dl>
          {gpusOf(n.inventory).length ? (
            <table class="grid" data-table="gpus">
              <thead>
                <tr>
                  <th>GPU</th>
                  <th>model</th>
                  <th class="num">memory (MiB)</th>
                  <th>MIG</th>
                </tr>
              </thead>
              <tbody>
                {gpusOf(n.inventory).map((g) => (
                  <tr key={g.index} data-gpu={g.index}>
                    <td>{g.index}</td>
                    <td>{g.model}</td>
                    <td class="num">{g.memoryMiB.toLocaleString('en')}</td>
                    <td>{g.migMode ? `${g.migInstances.length} instances` : 'off'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <h3>Proven evidence</h3>
          {Object.keys(n.proven).length === 0 ? <p class="muted">None: hardware-attested jobs are not placed here until the node proves it.</p> : null}
          <ul>
            {Object.entries(n.proven).map(([kind, p]) => (
              <li key={kind} data-proven={kind}>
                <Verdict ok={p.valid}>{kind}</Verdict> proven <When iso={p.at} />, claims <code class="hash">{p.claimsDigest}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Section>
  );
}
