/**
 * Buyer: the inputs the tenant uploaded (sealed on the buyer's machine by `vracu artifacts put`;
 * the browser never holds a file key), newest first, and deleting one: the exchange drops its
 * wrapped key and its ciphertext, and a job that names it afterwards fails input_not_available.
 */
import { useState } from 'preact/hooks';
import type { RouteOutput } from '../api/client.ts';
import { deleteArtifactRoute, listArtifactsRoute } from '../api/routes.ts';
import { call } from '../session.ts';
import { useAction, useLoad } from '../ui/load.ts';
import { ErrorBox } from '../ui/error.tsx';
import { Section, Status, When } from '../ui/bits.tsx';

type Input = RouteOutput<typeof listArtifactsRoute>['artifacts'][number];

export function InputsView() {
  // Pages beyond the first are appended by "More"; a reload starts again from the newest.
  const [more, setMore] = useState<{ rows: Input[]; next?: string | undefined }>({ rows: [] });
  const list = useLoad(() => call(listArtifactsRoute, { query: { limit: '25' } }), []);
  const next = more.next ?? (more.rows.length ? undefined : list.data?.next);
  const loadMore = useAction(async () => {
    const page = await call(listArtifactsRoute, { query: { limit: '25', ...(next ? { cursor: next } : {}) } });
    setMore({ rows: [...more.rows, ...page.artifacts], next: page.next });
  });
  const remove = useAction(async (artifactId: string) => {
    const r = await call(deleteArtifactRoute, { params: { aid: artifactId } });
    setMore({ rows: [] });
    await list.reload();
    return r;
  });
  const rows = [...(list.data?.artifacts ?? []), ...more.rows];
  return (
    <div data-view="inputs">
      <Section title="Inputs" actions={<button onClick={() => (setMore({ rows: [] }), void list.reload())}>Refresh</button>}>
        <p class="muted">
          Upload with <code>vracu artifacts put &lt;file&gt;</code>: the file is sealed on your machine and only its ciphertext leaves it. Name an input in a
          job by its id.
        </p>
        <ErrorBox error={list.error ?? remove.error ?? loadMore.error} />
        {remove.result ? (
          <p class="ok" data-deleted={remove.result.artifactId}>
            Deleted {remove.result.name} ({remove.result.artifactId}): its key and its ciphertext are gone.
          </p>
        ) : null}
        {list.data && rows.length === 0 ? <p class="muted">No inputs yet.</p> : null}
        {rows.length > 0 ? (
          <table class="grid" data-table="inputs">
            <thead>
              <tr>
                <th>input</th>
                <th>name</th>
                <th class="num">sealed bytes</th>
                <th>state</th>
                <th>uploaded</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.artifactId} data-input={a.artifactId} data-state={a.state}>
                  <td>
                    <code>{a.artifactId}</code>
                  </td>
                  <td>{a.name}</td>
                  <td class="num">{a.size}</td>
                  <td>
                    <Status s={a.state} />
                  </td>
                  <td>
                    <When iso={a.uploadedAt ?? a.createdAt} />
                  </td>
                  <td>
                    {a.state === 'deleted' ? null : (
                      <button data-delete={a.artifactId} disabled={remove.busy} onClick={() => void remove.run(a.artifactId)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {next ? (
          <button data-more disabled={loadMore.busy} onClick={() => void loadMore.run()}>
            More
          </button>
        ) : null}
      </Section>
    </div>
  );
}
