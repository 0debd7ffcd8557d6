/** The `vracu` program: global options, then each context's commands. */
import { Command } from 'commander';
import { cliContext, DEFAULT_URL } from './context.ts';
import { registerPlatform } from '../commands/platform.ts';
import { registerLedger } from '../commands/ledger.ts';
import { registerMarket } from '../commands/market.ts';
import { registerJobs } from '../commands/jobs.ts';
import { registerAttest } from '../commands/attest.ts';
import { registerPayments } from '../commands/payments.ts';
import { registerReceipts } from '../commands/receipts.ts';
import { registerTransparency } from '../commands/transparency.ts';
import { registerGovernance } from '../commands/governance.ts';
import { registerArtifacts } from '../commands/artifacts.ts';
import { registerOracle } from '../commands/oracle.ts';
import { registerScheduler } from '../commands/scheduler.ts';
import { registerMetering } from '../commands/metering.ts';
import { registerHolds } from '../commands/holds.ts';

export function vracuProgram(env: NodeJS.ProcessEnv = process.env, out?: (s: string) => void): Command {
  const program = new Command('vracu')
    .description('VR-ACU exchange command line')
    .option('--url <url>', `exchange API URL (env VRACU_URL, default ${DEFAULT_URL})`)
    .option('--api-key <key>', 'API key (env VRACU_API_KEY)')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError();
  const ctx = cliContext(program, env, out);
  registerPlatform(program, ctx);
  registerLedger(program, ctx);
  registerMarket(program, ctx);
  registerJobs(program, ctx);
  registerAttest(program, ctx);
  registerPayments(program, ctx);
  registerReceipts(program, ctx);
  registerTransparency(program, ctx);
  registerGovernance(program, ctx);
  // After platform and jobs: it adds `keys encryption` and `jobs download` to their commands.
  registerArtifacts(program, ctx);
  registerOracle(program, ctx);
  registerScheduler(program, ctx);
  registerMetering(program, ctx, env);
  registerHolds(program, ctx);
  return program;
}
