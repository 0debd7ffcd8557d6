/**
 * What every CLI command gets: the configured client (VRACU_URL, VRACU_API_KEY or flags)
 * and one way to print (human text, or `--json`). Errors print the problem's code and
 * detail and exit 1 (2 for usage errors).
 */
import type { Command } from 'commander';
import { ApiError, VracuClient } from '../client.ts';

export interface CliContext {
  client(): VracuClient;
  /** Prints `data` as JSON with --json, else the human rendering. */
  print(data: unknown, human?: (d: never) => string): void;
  json(): boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8787';

export function cliContext(program: Command, env: NodeJS.ProcessEnv = process.env, out: (s: string) => void = (s) => process.stdout.write(s)): CliContext {
  const opts = () => program.opts<{ url?: string; apiKey?: string; json?: boolean }>();
  return {
    client: () => new VracuClient({ baseUrl: opts().url ?? env.VRACU_URL ?? DEFAULT_URL, apiKey: opts().apiKey ?? env.VRACU_API_KEY }),
    json: () => Boolean(opts().json),
    print(data, human) {
      if (opts().json || !human) out(`${JSON.stringify(data, null, 2)}\n`);
      else out(`${(human as (d: unknown) => string)(data)}\n`);
    },
  };
}

/** Renders rows as an aligned text table. */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(none)';
  const cols = columns ?? Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => (r[c] === undefined || r[c] === null ? '' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const p = err.problem as { code?: string; detail?: string; issues?: { path: string; message: string }[] };
    const issues = p.issues?.map((i) => `\n  - ${i.path}: ${i.message}`).join('') ?? '';
    return `error (${err.status} ${err.code}): ${p.detail ?? err.message}${issues}`;
  }
  return `error: ${(err as Error).message}`;
}

/** A whole-number option as a number, or the text itself so the API's field error names it. */
export const wholeOrText = (v: string): number => (/^-?\d+$/.test(v) ? Number(v) : (v as unknown as number));
