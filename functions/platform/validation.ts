/** zod issues as the API reports them: a dotted path from where the value came from (`body`, `query`, `body.spec`), and a message. */
import type * as z from 'zod';
import type { FieldIssue } from './errors.ts';

export function issuesOf(err: z.ZodError, prefix: string): FieldIssue[] {
  return err.issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    if (i.code === 'unrecognized_keys') {
      return { path: [path, ...(i.keys ?? [])].filter(Boolean).join('.'), message: `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}` };
    }
    return { path, message: i.message };
  });
}
