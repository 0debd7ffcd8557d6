/** Replays a recorded nvidia-smi transcript (test/fixtures/nvidia-smi/): each call must be the next one recorded. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmiRunner } from '../../sdk/provider/nvidia-smi.ts';

export interface Transcript {
  note: string;
  calls: { args: string[]; stdout: string }[];
}

export const loadTranscript = (name: string): Transcript =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', name), 'utf8')) as Transcript;

/** The runner, and how many recorded calls are left (a test checks the command sequence ran out exactly). */
export function replay(name: string, opts: { repeat?: boolean } = {}): SmiRunner & { left(): number } {
  const t = loadTranscript(name);
  let i = 0;
  const run = async (args: readonly string[]) => {
    if (opts.repeat && i >= t.calls.length) i = 0;
    const next = t.calls[i];
    if (!next) throw new Error(`nvidia-smi ${args.join(' ')}: not in the transcript ${name} (it ended)`);
    if (JSON.stringify(next.args) !== JSON.stringify(args))
      throw new Error(`nvidia-smi ${args.join(' ')}: the transcript ${name} has "${next.args.join(' ')}" next`);
    i++;
    return next.stdout;
  };
  return Object.assign(run, { left: () => t.calls.length - i });
}
