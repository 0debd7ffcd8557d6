/** The control plane's CLI groups are registered with their subcommands, each with a description for --help. */
import { describe, expect, it } from 'vitest';
import { vracuProgram } from '../../../sdk/cli/program.ts';

describe('vracu control-plane commands', () => {
  const program = vracuProgram({}, () => undefined);
  const sub = (name: string) => program.commands.find((c) => c.name() === name);
  it.each([
    ['receipts', ['get', 'verify']],
    ['transparency', ['sth', 'bundle', 'verify']],
    ['governance', ['propose', 'vote', 'queue', 'execute', 'list', 'params']],
    ['oracle', ['supply', 'demand', 'bucket', 'price']],
    ['scheduler', ['units', 'register', 'reserve']],
    ['metering', ['slice']],
  ])('%s has %j', (group, names) => {
    const g = sub(group)!;
    expect(g.commands.map((c) => c.name())).toEqual(names);
    for (const c of g.commands) expect(c.description().length).toBeGreaterThan(10);
  });
  it('signing-keys is a top-level command', () => expect(sub('signing-keys')?.description()).toMatch(/signing keys/));
});
