/** Hash routes (`#/jobs/job_01…`): no server-side fallback needed, locally or on S3. */
import { signal } from '@preact/signals';

export interface Place {
  view: string;
  arg?: string;
}

function parse(hash: string): Place {
  const [view = '', arg] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return arg ? { view, arg } : { view };
}

export const place = signal<Place>(parse(location.hash));
addEventListener('hashchange', () => (place.value = parse(location.hash)));

export const href = (view: string, arg?: string): string => `#/${view}${arg ? `/${encodeURIComponent(arg)}` : ''}`;
export function go(view: string, arg?: string): void {
  location.hash = href(view, arg);
}
