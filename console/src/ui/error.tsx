/** An API error as the user sees it: problem+json title, detail, and the fields it names. */
import type { Shown } from '../api/problem.ts';

export function ErrorBox({ error }: { error: Shown | null | undefined }) {
  if (!error) return null;
  return (
    <div class="error" role="alert" data-code={error.code ?? ''}>
      <strong class="error-title">{error.title}</strong>
      {error.status ? (
        <span class="muted">
          {' '}
          ({error.status}
          {error.code ? ` ${error.code}` : ''})
        </span>
      ) : null}
      {error.detail ? <div class="error-detail">{error.detail}</div> : null}
      {error.fields.length > 0 ? (
        <ul class="error-fields">
          {error.fields.map((f) => (
            <li key={f.path}>
              <code>{f.path}</code>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The issues the API named for one form field, shown under it. */
export function FieldErrors({ issues }: { issues: { path: string; message: string }[] }) {
  if (issues.length === 0) return null;
  return (
    <div class="field-error" role="alert">
      {issues.map((i) => (
        <div key={i.path}>{i.message}</div>
      ))}
    </div>
  );
}
