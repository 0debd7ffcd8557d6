/** Ledger routes, mounted under /v1/ledger. */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { queryInteger } from '../platform/http/query.ts';
import { acuString, positiveAcu } from '../platform/money.ts';

/** `platform`, `mint`, or `<kind>:<id>`. */
export const ACCOUNT_ID = /^(platform|mint|(user|provider|escrow|arrears|hold):[A-Za-z0-9_.-]{1,128})$/;
const PRINCIPAL_ID = /^[A-Za-z0-9_-]{1,64}$/;

const AccountParams = z.strictObject({ accountId: z.string().regex(ACCOUNT_ID, 'expected an account id such as "user:prn_x" or "platform"') });

const MintResult = z.object({
  transferId: z.string(),
  replayed: z.boolean(),
  user: z.string(),
  amount: acuString,
  settledArrears: acuString.describe('part of the amount that paid off arrears first'),
  credited: acuString.describe('part of the amount credited to the user account'),
});

export const mintRoute = defineRoute({
  id: 'ledger-mint',
  method: 'POST',
  path: '/v1/ledger/mint',
  access: 'admin',
  summary: 'Credit ACU to a user from the mint (top-up stand-in); settles arrears first. Idempotency-Key required',
  entry: 'functions/ledger/handlers/mint.ts',
  tags: ['ledger'],
  idempotent: true,
  request: {
    body: z.strictObject({
      user: z.string().regex(PRINCIPAL_ID, 'expected a principal id'),
      amount: positiveAcu,
      memo: z.string().max(200).optional(),
    }),
  },
  response: { status: 201, body: MintResult },
  throttle: { rateLimit: 20, burstLimit: 40 },
});

export const accountRoute = defineRoute({
  id: 'ledger-account',
  method: 'GET',
  path: '/v1/ledger/accounts/{accountId}',
  access: 'any',
  summary: "An account's balance: your own user and arrears accounts; operators and admins any account",
  entry: 'functions/ledger/handlers/account.ts',
  tags: ['ledger'],
  request: { params: AccountParams },
  response: {
    status: 200,
    body: z.object({ account: z.string(), kind: z.string(), balance: acuString, shards: z.number().int() }),
  },
});

export const entriesRoute = defineRoute({
  id: 'ledger-entries',
  method: 'GET',
  path: '/v1/ledger/accounts/{accountId}/entries',
  access: 'any',
  summary: "An account's immutable entries, oldest first, paginated by cursor",
  entry: 'functions/ledger/handlers/entries.ts',
  tags: ['ledger'],
  request: {
    params: AccountParams,
    query: z.strictObject({
      limit: queryInteger(1, 200).optional(),
      cursor: z.string().max(2048).optional(),
    }),
  },
  response: {
    status: 200,
    body: z.object({
      account: z.string(),
      entries: z.array(z.object({ transferId: z.string(), delta: acuString, memo: z.string(), at: z.string() })),
      cursor: z.string().optional(),
    }),
  },
});

const Amount = acuString;
export const checkRoute = defineRoute({
  id: 'ledger-check',
  method: 'GET',
  path: '/v1/ledger/check',
  access: 'admin',
  summary: 'Prove conservation and rebuild every balance from its entries',
  entry: 'functions/ledger/handlers/check.ts',
  tags: ['ledger'],
  response: {
    status: 200,
    body: z.object({
      ok: z.boolean(),
      violations: z.number().int(),
      accounts: z.number().int(),
      transfers: z.number().int(),
      mintedNet: Amount,
      held: Amount,
      total: Amount,
      differences: z.array(z.object({ account: z.string(), stored: Amount, rebuilt: Amount })),
      unbalancedTransfers: z.array(z.object({ transferId: z.string(), sum: Amount })),
      negative: z.array(z.object({ account: z.string(), balance: Amount })),
      unverified: z.array(z.string()).describe('accounts flagged by the scan that never held still long enough to verify'),
      cleared: z.number().int().describe('accounts and transfers the scan flagged and the re-checks cleared'),
      durationMs: z.number().int(),
    }),
  },
  // API Gateway gives up after 30 s; the scheduled job runs the same check for up to 900 s.
  timeoutSec: 29,
  memoryMb: 1024,
});

export const ledgerRoutes = [mintRoute, accountRoute, entriesRoute, checkRoute];
