/**
 * `vracu-provider`: the provider node. `init --join-token` (join, make and keep the node key,
 * verify), `run` (the heartbeat loop; Ctrl-C or SIGTERM stops it cleanly), `status`,
 * `configure-mig` and `mig-query` (the MIG manager over nvidia-smi). State lives under
 * VRACU_PROVIDER_CONFIG (default ~/.vracu/provider); the exchange at VRACU_URL.
 */
import { Command, InvalidArgumentError } from 'commander';
import { NODE_KEY_ALGORITHMS, type NodeKeyAlgorithm } from '../../functions/providers/domain/node-key.ts';
import { hasNode, providerConfigDir } from './config.ts';
import { configureMig, migQuery } from './mig.ts';
import { initNode, nodeStatus, runNode } from './node.ts';
import { systemSmi, type SmiRunner } from './nvidia-smi.ts';

const DEFAULT_URL = 'http://127.0.0.1:8787';

const int = (what: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${what} must be a whole number`);
  return Number(v);
};

export interface ProviderProgramDeps {
  env?: NodeJS.ProcessEnv;
  out?: (s: string) => void;
  smi?: SmiRunner;
  /** The signal `run` stops on (default: SIGINT and SIGTERM). */
  signal?: AbortSignal;
  /** The node's clock (tests: the exchange's injected clock). */
  now?: () => number;
}

export function providerProgram(deps: ProviderProgramDeps = {}): Command {
  const env = deps.env ?? process.env;
  const out = deps.out ?? ((s: string) => process.stdout.write(s));
  const smi = deps.smi ?? systemSmi;
  const dir = () => providerConfigDir(env);
  const program = new Command('vracu-provider')
    .description('The provider node: join the exchange, keep its node key, send signed heartbeats, manage MIG')
    .option('--json', 'machine-readable output')
    .showHelpAfterError();
  const print = (text: string, json: unknown) => out(program.opts().json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);

  program
    .command('init')
    .description('Redeem a join token, make the node key (kept 0600 under VRACU_PROVIDER_CONFIG) and verify it')
    .requiredOption('--join-token <token>', 'the vjt_… token an operator issued')
    .requiredOption('--gpu-model <model>', 'GPU model this node offers (for example H100)')
    .requiredOption('--region <region>', 'region (for example us-east)')
    .requiredOption('--units <n>', 'GPUs (or MIG instances) this node offers', int('--units'))
    .requiredOption('--spot-price <acu>', 'spot price in ACU per SCU (for example 9.5)')
    .option('--name <name>', 'a name for this node', 'node-1')
    .option('--algorithm <alg>', `node key algorithm (${NODE_KEY_ALGORITHMS.join(', ')})`, 'ed25519')
    .option('--url <url>', 'the exchange (default $VRACU_URL or http://127.0.0.1:8787)')
    .action(
      async (o: { joinToken: string; gpuModel: string; region: string; units: number; spotPrice: string; name: string; algorithm: string; url?: string }) => {
        if (!(NODE_KEY_ALGORITHMS as readonly string[]).includes(o.algorithm))
          throw new InvalidArgumentError(`--algorithm must be one of ${NODE_KEY_ALGORITHMS.join(', ')}`);
        if (hasNode(dir())) throw new Error(`a node is set up already in ${dir()}: use another VRACU_PROVIDER_CONFIG to join another`);
        const s = await initNode(dir(), {
          url: o.url ?? env.VRACU_URL ?? DEFAULT_URL,
          token: o.joinToken,
          name: o.name,
          gpuModel: o.gpuModel,
          region: o.region,
          units: o.units,
          spotPrice: o.spotPrice,
          algorithm: o.algorithm as NodeKeyAlgorithm,
        });
        print(`joined as ${s.providerId}; node key verified (${s.algorithm}); state in ${dir()}\nnext: vracu-provider run`, {
          providerId: s.providerId,
          verified: s.verified,
          dir: dir(),
        });
      },
    );

  program
    .command('run')
    .description('Send signed heartbeats (inventory from nvidia-smi, none without it) until Ctrl-C; retries with backoff')
    .option('--interval <seconds>', 'seconds between heartbeats', int('--interval'), 15)
    .option('--once', 'send one heartbeat and exit')
    .action(async (o: { interval: number; once?: boolean }) => {
      const ac = new AbortController();
      const stop = () => ac.abort();
      if (!deps.signal) {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } else deps.signal.addEventListener('abort', stop, { once: true });
      try {
        const r = await runNode(dir(), {
          intervalMs: o.interval * 1000,
          signal: ac.signal,
          smi,
          ...(o.once ? { beats: 1 } : {}),
          ...(deps.now ? { now: deps.now } : {}),
          log: (l) => out(`${l}\n`),
        });
        print(`stopped (${r.stopped}): ${r.accepted} heartbeats accepted, ${r.failures} failed`, r);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });

  program
    .command('status')
    .description('This node as the exchange sees it: verified, online, quotable, inventory')
    .action(async () => {
      const s = await nodeStatus(dir());
      const e = s.exchange;
      print(
        `${e.providerId} ${e.name}: ${e.status}, ${e.online ? 'online' : 'offline'}, ${e.quotable ? 'quotable' : 'not quotable'}; ${e.units} units, ${e.freeUnits} free; ${e.scmPerMin} SCM/min; last heartbeat ${e.lastHeartbeatAt ?? 'never'}`,
        s,
      );
    });

  program
    .command('configure-mig')
    .description('Make a GPU hold exactly <count> MIG instances of <profile> (idempotent: enables MIG, destroys the others, creates the missing)')
    .requiredOption('--profile <profile>', 'MIG profile name (for example 1g.10gb)')
    .requiredOption('--count <n>', 'instances wanted', int('--count'))
    .option('--gpu <index>', 'GPU index', int('--gpu'), 0)
    .action(async (o: { profile: string; count: number; gpu: number }) => {
      const r = await configureMig(smi, o);
      print(
        `GPU ${r.gpu}: ${r.enabled ? 'MIG enabled; ' : ''}destroyed ${r.destroyed.length}, created ${r.created}; now ${r.instances.map((i) => `${i.profile}#${i.instanceId}`).join(', ') || 'none'}`,
        r,
      );
    });

  program
    .command('mig-query')
    .description('MIG status of each GPU (nvidia-smi)')
    .action(async () => {
      const s = await migQuery(smi);
      print(
        s
          .map(
            (g) => `GPU ${g.gpu} ${g.model}: MIG ${g.migMode ? 'on' : 'off'}${g.instances.length ? ` — ${g.instances.map((i) => i.profile).join(', ')}` : ''}`,
          )
          .join('\n') || 'no GPUs',
        s,
      );
    });
  return program;
}
