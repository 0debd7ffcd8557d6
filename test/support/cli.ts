/** Runs `vracu` in-process against a stack, returning what it printed. */
import { vracuProgram } from '../../sdk/cli/program.ts';

export async function runVracu(url: string, key: string | undefined, args: string[]): Promise<string> {
  let out = '';
  const program = vracuProgram({ VRACU_URL: url, ...(key ? { VRACU_API_KEY: key } : {}) }, (s) => (out += s));
  // Argument errors throw instead of exiting the test process (subcommands too).
  for (const c of [program, ...program.commands]) c.exitOverride().configureOutput({ writeErr: () => undefined });
  await program.parseAsync(['node', 'vracu', ...args]);
  return out;
}
