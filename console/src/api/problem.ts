/**
 * What the console shows for a failed call: the problem+json title, detail and the fields
 * it names. The gateway's own 401/403/429 bodies are `{message}`, and a network failure
 * has no body at all; each still gets a title.
 */
import { ApiError } from '../../../sdk/client.ts';

export interface FieldIssue {
  path: string;
  message: string;
}

export interface Shown {
  title: string;
  detail?: string;
  status?: number;
  code?: string;
  fields: FieldIssue[];
}

const STATUS_TITLES: Record<number, string> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not found',
  413: 'payload too large',
  429: 'too many requests',
};

export function shown(err: unknown): Shown {
  if (err instanceof ApiError) {
    const p = err.problem as Record<string, unknown>;
    const issues = Array.isArray(p.issues) ? (p.issues as unknown[]) : [];
    const fields = issues.flatMap((i) => {
      const o = i as { path?: unknown; message?: unknown };
      return typeof o.path === 'string' && typeof o.message === 'string' ? [{ path: o.path, message: o.message }] : [];
    });
    const title = typeof p.title === 'string' ? p.title : typeof p.message === 'string' ? p.message : (STATUS_TITLES[err.status] ?? `HTTP ${err.status}`);
    const detail = typeof p.detail === 'string' ? p.detail : undefined;
    return { title, ...(detail ? { detail } : {}), status: err.status, ...(typeof p.code === 'string' ? { code: p.code } : {}), fields };
  }
  return { title: 'request failed', detail: err instanceof Error ? err.message : String(err), fields: [] };
}

/** The issues whose path is `path` or lies under it (`body.spec` covers `body.spec.frames`). */
export const issuesAt = (s: Shown | null | undefined, path: string): FieldIssue[] =>
  s ? s.fields.filter((f) => f.path === path || f.path.startsWith(`${path}.`)) : [];
