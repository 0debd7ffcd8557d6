#!/usr/bin/env -S node --import tsx
/**
 * `npm start`: the exchange on localhost, no AWS account, no Docker.
 *   --port <n>       gateway port (default 8787; env VRACU_PORT)
 *   --memory         keep all data in memory (default: persisted under .vracu/)
 *   --data-dir <d>   where persisted data lives (default .vracu)
 *   --no-schedules   do not run the schedules on timers
 *   --access-log     print one line per request
 *   --chain          also start a local EVM (anvil) with the exchange's contracts, and turn the chain wallet on
 */
import '../local/process-defaults.ts';
import { parseArgs } from 'node:util';
import { PortInUseError, startLocalStack } from '../local/stack.ts';
import { LocalStackBusyError } from '../local/processes.ts';
import { JavaMissingError } from '../local/engines/dynamo.ts';
import { AnvilMissingError } from '../local/chain.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    memory: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'no-schedules': { type: 'boolean', default: false },
    'access-log': { type: 'boolean', default: false },
    chain: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: npm start -- [--port 8787] [--memory] [--data-dir .vracu] [--no-schedules] [--access-log] [--chain]\n' +
      'Starts DynamoDB Local, the SQS server, the API gateway, queue consumers and schedules.\n' +
      '--chain also starts a local EVM (anvil) with the mock tokens, the oracle and ConversionRouter, and turns the chain wallet on;\n' +
      '        the chain is kept in the data dir (<dir>/chain) and resumed on the next start, unless --memory.\n',
  );
  process.exit(0);
}

const port = Number(values.port ?? process.env.VRACU_PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be an integer between 0 and 65535, got "${values.port}"\n`);
  process.exit(2);
}

try {
  const started = Date.now();
  const stack = await startLocalStack({
    port,
    memory: values.memory,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    schedules: !values['no-schedules'],
    accessLog: values['access-log'],
    chain: values.chain,
  });
  const c = stack.chain;
  process.stdout.write(
    [
      '',
      `VR-ACU exchange is running at ${stack.url}  (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  console:    ${stack.url}/  (sign in with an API key)`,
      `  data:       ${stack.dataDir ?? 'in memory (gone when stopped)'}`,
      `  engines:    DynamoDB Local ${stack.dynamoEndpoint}${stack.dynamoPid ? ` (pid ${stack.dynamoPid})` : ''}, SQS ${stack.sqsEndpoint}`,
      ...(c
        ? [
            `  chain:      anvil ${c.rpcUrl} (chain id ${c.chainId}, pid ${c.pid})`,
            `              ConversionRouter ${c.addresses.router}, ACU ${c.addresses.acu}, AVL ${c.addresses.avl}, oracle ${c.addresses.oracle}`,
            `              wallet (operator) ${c.addresses.operator}, reserve ${c.addresses.reserve}`,
          ]
        : []),
      `  admin key:  ${stack.adminKey}`,
      '',
      'Next steps:',
      `  export VRACU_URL=${stack.url} VRACU_API_KEY=${stack.adminKey}`,
      '  npm run vracu -- health                     # the API answers',
      '  npm run vracu -- whoami                     # who the key belongs to',
      '  npm run vracu -- keys create --role buyer   # a key for a buyer (printed once)',
      ...(c ? ['  npm run vracu -- payments reconcile         # (operator) ledger and chain agree'] : []),
      '  npm run vap-dispatcher -- init -n 3         # agent identities for the job pool, kept under ~/.vap/dispatcher (docs/jobs.md)',
      `  curl ${stack.url}/openapi.json        # the API description`,
      '',
      'Ctrl-C stops everything this started.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping ...\n`);
    await stack.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (err) {
  if (err instanceof JavaMissingError || err instanceof AnvilMissingError || err instanceof PortInUseError || err instanceof LocalStackBusyError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`could not start the local stack: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
}
