/** Probe: job applies in-process (no HTTP) vs over HTTP vs the raw loop, same engine. */
import '../../local/process-defaults.ts';
import { startLocalStack } from '../../local/stack.ts';
import { createKey } from '../../functions/platform/auth/keys.ts';
import { mint } from '../../functions/ledger/index.ts';
import { ledgerFor } from '../../functions/ledger/index.ts';
import { parseAcu } from '../../functions/platform/money.ts';
import { loadCatalog } from '../../functions/market/usecases/catalog.ts';
import { PROVIDER_FIXTURES } from '../../functions/market/domain/catalog.ts';
import { createQuote } from '../../functions/market/usecases/quote.ts';
import { purchase } from '../../functions/market/usecases/purchase.ts';
import { applyJob } from '../../functions/market/usecases/coverage.ts';
import { VracuClient } from '../../sdk/client.ts';
import { jobApplyRoute } from '../../functions/market/api.ts';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { scu as asScu } from '../../functions/market/domain/units.ts';

const W = 8;
const S = 8;
const stack = await startLocalStack({ port: 0, memory: true, quiet: true, schedules: false, plugins: false });
const rt = stack.runtime;
await loadCatalog(stack.compositions.market, PROVIDER_FIXTURES);
const users = Array.from({ length: 40 }, (_, i) => `pu${i}`);
for (const u of users) {
  await mint(ledgerFor(rt), 'p', u, { user: u, amount: parseAcu('100000') });
  const q = await createQuote(stack.compositions.market, u, { tenor: 'T90D', quantityScu: asScu(5000n), providerIds: ['alpha'] });
  await purchase(stack.compositions.market, u, q.quoteId);
}
const op = await createKey({ doc: rt.doc, table: rt.table('auth'), clock: rt.clock, ids: rt.ids }, { roles: ['operator'] });
const client = new VracuClient({ baseUrl: stack.url, apiKey: op.secret, attempts: 1 });
let seq = 0;
async function loop(name: string, fn: (w: number) => Promise<unknown>) {
  let n = 0;
  const end = performance.now() + S * 1000;
  await Promise.all(
    Array.from({ length: W }, async (_, w) => {
      while (performance.now() < end) {
        await fn(w);
        n++;
      }
    }),
  );
  console.log(name, (n / S).toFixed(1), '/s');
}
await loop('raw', (w) =>
  rt.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: rt.table('market'),
            Key: { pk: `RAW#a${w}`, sk: 'RAW' },
            UpdateExpression: 'ADD balance :m',
            ExpressionAttributeValues: { ':m': -1n },
          },
        },
        {
          Update: {
            TableName: rt.table('market'),
            Key: { pk: `RAW#b${w}`, sk: 'RAW' },
            UpdateExpression: 'ADD balance :p',
            ExpressionAttributeValues: { ':p': 1n },
          },
        },
      ],
    }),
  ),
);
await loop('inproc', (w) =>
  applyJob(stack.compositions.market, { jobId: `pj${seq++}`, userId: users[(seq * 7 + w) % users.length]!, providerId: 'alpha', scu: asScu(3n) }),
);
await loop('http', (w) =>
  client.call(jobApplyRoute, { body: { jobId: `hj${seq++}`, userId: users[(seq * 7 + w) % users.length]!, providerId: 'alpha', scu: 3 } }),
);
await loop('raw', (w) =>
  rt.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: rt.table('market'),
            Key: { pk: `RAW#a${w}`, sk: 'RAW' },
            UpdateExpression: 'ADD balance :m',
            ExpressionAttributeValues: { ':m': -1n },
          },
        },
        {
          Update: {
            TableName: rt.table('market'),
            Key: { pk: `RAW#b${w}`, sk: 'RAW' },
            UpdateExpression: 'ADD balance :p',
            ExpressionAttributeValues: { ':p': 1n },
          },
        },
      ],
    }),
  ),
);
await stack.stop();
