/** Runs `vracu` in-process against a stack, returning what it printed. */
import { vracuProgram } from '../../sdk/cli/program.ts';

export async function runVracu(url: string, key: string | undefined, args: string[]): Promise<string> {
  let out = '';
  const program = vracuProgram({ VRACU_URL: url, ...(key ? { VRACU_API_KEY: key } : {}) }, (s) => (out += s));
  program.exitOverride();
  await program.parseAsync(['node', 'vracu', ...args]);
  return out;
}
