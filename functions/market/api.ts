/** Futures market routes, mounted under /v1/futures (seed §1.9). */
import * as z from 'zod';
import { defineRoute } from '../platform/http/route.ts';
import { queryInteger } from '../platform/http/query.ts';
import { acuString, positiveAcu } from '../platform/money.ts';
import { TENOR_IDS } from './domain/catalog.ts';
import { MAX_JOBS_PER_APPLY } from './domain/coverage.ts';

const TAGS = ['market'];
const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 characters of [A-Za-z0-9_-]');
const Tenor = z.enum(TENOR_IDS as [string, ...string[]], { error: `expected one of ${TENOR_IDS.join(', ')}` });
/** Whole SCU, a positive JSON integer. */
const Scu = z.number().int('SCU are whole units').min(1, 'must be at least 1').max(1_000_000_000);
const RcId = z.string().regex(/^rc_[0-9A-HJKMNP-TV-Z]{26}$/, 'expected an RC id such as rc_01…');
const ListingId = z.string().regex(/^lst_[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a listing id such as lst_01…');
const QuoteId = z.string().regex(/^quo_[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a quote id such as quo_01…');
const JobId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected 1-128 characters of [A-Za-z0-9_.:-]');

export const Stats = z.object({
  providerId: z.string(),
  gpuProfile: z.string(),
  region: z.string(),
  tenor: z.string(),
  spotPrice: acuString,
  lockPrice: acuString,
  feeCommit: acuString,
  feeUsage: acuString,
  termPremium: z.string(),
  utilPremium: z.string(),
  maxScu: z.number().int(),
  soldScu: z.number().int(),
  remainingScu: z.number().int(),
  utilization: z.string(),
});

const ProviderOut = z.object({
  providerId: z.string(),
  gpuProfile: z.string(),
  region: z.string(),
  scuPerHour: z.number().int(),
  reservedFraction: z.string(),
  reliabilityFloor: z.string(),
  spotPrice: acuString,
  scmPerMin: z.string(),
});

export const RcOut = z.object({
  rcId: z.string(),
  ownerId: z.string(),
  providerId: z.string(),
  gpuProfile: z.string(),
  region: z.string(),
  tenor: z.string(),
  status: z.enum(['ACTIVE', 'FULLY_USED', 'EXPIRED']),
  maxScu: z.number().int(),
  usedScu: z.number().int(),
  listedScu: z.number().int(),
  remainingScu: z.number().int(),
  lockPrice: acuString,
  feeCommit: acuString,
  feeUsage: acuString,
  escrow: acuString,
  createdAt: z.string(),
  expiresAt: z.string(),
  parentRcId: z.string().nullable(),
});

const AllocationOut = z.object({
  providerId: z.string(),
  scu: z.number().int(),
  lockPrice: acuString,
  feeCommit: acuString,
  feeUsage: acuString,
  total: acuString,
});

export const ListingOut = z.object({
  listingId: z.string(),
  rcId: z.string(),
  sellerId: z.string(),
  providerId: z.string(),
  tenor: z.string(),
  scuListed: z.number().int(),
  scuAvailable: z.number().int(),
  askPrice: acuString,
  status: z.enum(['OPEN', 'FILLED', 'CANCELLED']),
  createdAt: z.string(),
});

const TradeOut = z.object({
  tradeId: z.string(),
  listingId: z.string(),
  parentRcId: z.string(),
  buyerRcId: z.string(),
  buyerId: z.string(),
  sellerId: z.string(),
  scu: z.number().int(),
  price: acuString,
  total: acuString,
  escrowMoved: acuString,
  listingScuAvailable: z.number().int(),
  listingStatus: z.string(),
  at: z.string(),
  buyerRc: RcOut,
  replayed: z.boolean(),
});

const JobDetailOut = z.object({ rcId: z.string(), scu: z.number().int(), feeUsage: acuString, rcStatus: z.string() });
export const JobAllocationOut = z.object({
  jobId: z.string(),
  userId: z.string(),
  providerId: z.string(),
  // These six are absent on allocations recorded before settlement carried them.
  gpuProfile: z.string().optional(),
  region: z.string().optional(),
  totalScu: z.number().int(),
  coveredScu: z.number().int(),
  spotScu: z.number().int(),
  spotCost: acuString,
  spotPaid: acuString,
  arrears: acuString,
  payout: acuString,
  spotPrice: acuString.describe('ACU per SCU the spot part paid').optional(),
  hold: acuString.describe('part of the spot cost held for the dispute window (paid to the provider: payout − hold)').optional(),
  holdReleaseAt: z.string().nullable().optional(),
  transferId: z.string().describe('the ledger transfer that settled the job').optional(),
  appliedAt: z.string(),
  details: z.array(JobDetailOut),
});

const ExpiredOut = z.object({
  rcId: z.string(),
  ownerId: z.string(),
  providerId: z.string(),
  usedScu: z.number().int(),
  maxScu: z.number().int(),
  refund: acuString,
  breakage: acuString,
});

const ProviderIn = z.strictObject({
  providerId: Name,
  gpuProfile: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  region: z.string().regex(/^[a-z0-9-]{1,32}$/),
  scuPerHour: z.number().int().min(1).max(100_000_000),
  reservedFraction: positiveAcu.refine((v) => v <= 1_000_000n, 'at most 1'),
  reliabilityFloor: positiveAcu.refine((v) => v <= 1_000_000n, 'at most 1'),
  spotPrice: positiveAcu,
  scmPerMin: z.string().regex(/^\d{1,3}(\.\d{1,3})?$/, 'expected a decimal with at most 3 places, such as "1.4"'),
});

export const providersLoadRoute = defineRoute({
  id: 'market-providers-load',
  method: 'PUT',
  path: '/v1/futures/providers',
  access: 'admin',
  summary: 'Load (upsert) the provider catalog; without a body list, the 13 fixture providers',
  entry: 'functions/market/handlers/providers-load.ts',
  tags: TAGS,
  request: { body: z.strictObject({ providers: z.array(ProviderIn).min(1).max(100).optional() }) },
  response: { status: 200, body: z.object({ loaded: z.number().int() }) },
});

export const marketRoute = defineRoute({
  id: 'market-stats',
  method: 'GET',
  path: '/v1/futures/market',
  access: 'any',
  summary: 'Lock price, fee split, capacity and utilisation per provider and tenor',
  entry: 'functions/market/handlers/market.ts',
  tags: TAGS,
  request: { query: z.strictObject({ tenor: Tenor.optional(), gpuProfile: z.string().max(32).optional(), region: z.string().max(32).optional() }) },
  response: { status: 200, body: z.object({ asOf: z.string(), stats: z.array(Stats) }) },
});

export const curveRoute = defineRoute({
  id: 'market-curve',
  method: 'GET',
  path: '/v1/futures/providers/{id}/curve',
  access: 'any',
  summary: 'One provider and its curve across tenors',
  entry: 'functions/market/handlers/curve.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: Name }) },
  response: { status: 200, body: z.object({ provider: ProviderOut, curve: z.array(Stats) }) },
});

export const quoteRoute = defineRoute({
  id: 'market-quote',
  method: 'POST',
  path: '/v1/futures/quote',
  access: 'buyer',
  summary: 'Quote a forward reservation: cheapest lock price first; valid for 60 s',
  entry: 'functions/market/handlers/quote.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      tenor: Tenor,
      quantityScu: Scu,
      gpuProfile: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,32}$/)
        .optional(),
      region: z
        .string()
        .regex(/^[a-z0-9-]{1,32}$/)
        .optional(),
      providerIds: z.array(Name).min(1).max(13).optional(),
    }),
  },
  response: {
    status: 201,
    body: z.object({
      quoteId: z.string(),
      tenor: z.string(),
      requestedScu: z.number().int(),
      filledScu: z.number().int(),
      partial: z.boolean(),
      total: acuString,
      expiresAt: z.string(),
      allocations: z.array(AllocationOut),
    }),
  },
});

export const purchaseRoute = defineRoute({
  id: 'market-purchase',
  method: 'POST',
  path: '/v1/futures/purchase',
  access: 'buyer',
  summary: 'Buy a quote: commit fee to the providers, usage fee to escrow, one RC per allocation',
  entry: 'functions/market/handlers/purchase.ts',
  tags: TAGS,
  idempotent: true,
  request: { body: z.strictObject({ quoteId: QuoteId, maxDriftBps: z.number().int().min(0).max(10_000).optional() }) },
  response: {
    status: 201,
    body: z.object({
      quoteId: z.string(),
      total: acuString,
      commitTotal: acuString,
      escrowTotal: acuString,
      reservations: z.array(RcOut),
      replayed: z.boolean(),
    }),
  },
});

export const portfolioRoute = defineRoute({
  id: 'market-portfolio',
  method: 'GET',
  path: '/v1/futures/portfolio/{userId}',
  access: 'any',
  summary: "A user's RCs (your own, unless admin)",
  entry: 'functions/market/handlers/portfolio.ts',
  tags: TAGS,
  request: { params: z.strictObject({ userId: Name }) },
  response: { status: 200, body: z.object({ userId: z.string(), reservations: z.array(RcOut) }) },
});

export const positionRoute = defineRoute({
  id: 'market-position',
  method: 'GET',
  path: '/v1/futures/positions/{rcId}',
  access: 'any',
  summary: 'One RC with its job allocations and listings (owner, operator or admin)',
  entry: 'functions/market/handlers/position.ts',
  tags: TAGS,
  request: { params: z.strictObject({ rcId: RcId }) },
  response: {
    status: 200,
    body: z.object({
      reservation: RcOut,
      allocations: z.array(z.object({ jobId: z.string(), scu: z.number().int(), feeUsage: acuString, at: z.string() })),
      listings: z.array(ListingOut),
    }),
  },
});

export const listingsRoute = defineRoute({
  id: 'market-listings',
  method: 'GET',
  path: '/v1/futures/listings',
  access: 'any',
  summary: 'Open secondary-market listings, newest first',
  entry: 'functions/market/handlers/listings.ts',
  tags: TAGS,
  request: { query: z.strictObject({ providerId: Name.optional(), tenor: Tenor.optional(), limit: queryInteger(1, 500).optional() }) },
  response: { status: 200, body: z.object({ listings: z.array(ListingOut) }) },
});

export const listingCreateRoute = defineRoute({
  id: 'market-listing-create',
  method: 'POST',
  path: '/v1/futures/listings',
  access: 'buyer',
  summary: 'List unlisted remaining SCU of one of your ACTIVE RCs',
  entry: 'functions/market/handlers/listing-create.ts',
  tags: TAGS,
  idempotent: true,
  request: { body: z.strictObject({ rcId: RcId, scu: Scu, askPrice: positiveAcu }) },
  response: { status: 201, body: ListingOut },
});

export const listingCancelRoute = defineRoute({
  id: 'market-listing-cancel',
  method: 'DELETE',
  path: '/v1/futures/listings/{id}',
  access: 'buyer',
  summary: 'Cancel your open listing; its SCU return to the RC',
  entry: 'functions/market/handlers/listing-cancel.ts',
  tags: TAGS,
  request: { params: z.strictObject({ id: ListingId }) },
  response: { status: 200, body: ListingOut },
});

export const tradeRoute = defineRoute({
  id: 'market-trade',
  method: 'POST',
  path: '/v1/futures/trades',
  access: 'buyer',
  summary: 'Buy SCU from a listing: pay the seller, receive a child RC with its escrow share',
  entry: 'functions/market/handlers/trade.ts',
  tags: TAGS,
  idempotent: true,
  request: { body: z.strictObject({ listingId: ListingId, scu: Scu }) },
  response: { status: 201, body: TradeOut },
});

/** What a finished job used: SCU, or runtime converted with the provider's calibration. */
const jobUsageFields = { jobId: JobId, scu: Scu.optional(), runtimeSeconds: z.number().int().min(1).max(100_000_000).optional() };
const exactlyOneUsage: [(b: { scu?: number | undefined; runtimeSeconds?: number | undefined }) => boolean, { message: string; path: string[] }] = [
  (b) => (b.scu === undefined) !== (b.runtimeSeconds === undefined),
  { message: 'give exactly one of scu or runtimeSeconds', path: ['scu'] },
];

export const jobApplyRoute = defineRoute({
  id: 'market-jobs-apply',
  method: 'POST',
  path: '/v1/futures/jobs/apply',
  access: 'operator',
  summary: 'Job-completion hook: cover the job from RCs, the rest at spot; idempotent per job id',
  entry: 'functions/market/handlers/jobs-apply.ts',
  tags: TAGS,
  request: { body: z.strictObject({ ...jobUsageFields, userId: Name, providerId: Name }).refine(...exactlyOneUsage) },
  response: { status: 200, body: JobAllocationOut.extend({ replayed: z.boolean() }) },
});

const JobUsageIn = z.strictObject(jobUsageFields).refine(...exactlyOneUsage);

export const jobsApplyBatchRoute = defineRoute({
  id: 'market-jobs-apply-batch',
  method: 'POST',
  path: '/v1/futures/jobs/apply-batch',
  access: 'operator',
  summary: `Job-completion hook for a batch: up to ${MAX_JOBS_PER_APPLY} finished jobs of one user on one provider, covered in order, in one transaction`,
  entry: 'functions/market/handlers/jobs-apply-batch.ts',
  tags: TAGS,
  request: {
    body: z.strictObject({
      userId: Name,
      providerId: Name,
      jobs: z
        .array(JobUsageIn)
        .min(1, 'give at least one job')
        .max(MAX_JOBS_PER_APPLY, `at most ${MAX_JOBS_PER_APPLY} jobs per request`)
        .refine((js) => new Set(js.map((j) => j.jobId)).size === js.length, { message: 'job ids must be unique' }),
    }),
  },
  response: { status: 200, body: z.object({ jobs: z.array(JobAllocationOut.extend({ replayed: z.boolean() })) }) },
});

export const jobAllocationsRoute = defineRoute({
  id: 'market-job-allocations',
  method: 'GET',
  path: '/v1/futures/jobs/{jobId}/allocations',
  access: 'any',
  summary: "A job's coverage (the job's user, operator or admin)",
  entry: 'functions/market/handlers/job-allocations.ts',
  tags: TAGS,
  request: { params: z.strictObject({ jobId: JobId }) },
  response: { status: 200, body: JobAllocationOut },
});

export const expireRoute = defineRoute({
  id: 'market-expire',
  method: 'POST',
  path: '/v1/futures/expire',
  access: 'admin',
  summary: 'Run the expiry sweep now: gamma refund to owners, breakage to providers',
  entry: 'functions/market/handlers/expire.ts',
  tags: TAGS,
  request: { body: z.strictObject({ limit: z.number().int().min(1).max(5000).optional() }) },
  response: {
    status: 200,
    body: z.object({
      scanned: z.number().int(),
      /** Shards of the open-RC index whose read failed transiently: their RCs wait for the next sweep. */
      unscannedShards: z.number().int(),
      expiredCount: z.number().int(),
      busy: z.number().int(),
      refundTotal: acuString,
      breakageTotal: acuString,
      expired: z.array(ExpiredOut),
    }),
  },
  timeoutSec: 300,
});

const HoldOut = z.object({
  jobId: z.string(),
  buyerId: z.string(),
  providerId: z.string(),
  amount: acuString,
  releaseAt: z.string().describe('end of the dispute window: an undisputed hold goes to the provider after it'),
  status: z.enum(['HELD', 'DISPUTED', 'RELEASED', 'REFUNDED']),
  dispute: z.string().nullable(),
  settledAt: z.string().nullable(),
  transferId: z.string().nullable().describe('the ledger transfer that released or refunded it'),
});
const HoldParams = z.strictObject({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a job id') });

export const holdRoute = defineRoute({
  id: 'market-hold',
  method: 'GET',
  path: '/v1/settlement/holds/{jobId}',
  access: 'any',
  summary: "A settled job's hold (the part of its spot amount kept for the dispute window): its buyer, its provider, operators",
  entry: 'functions/market/handlers/hold.ts',
  tags: TAGS,
  request: { params: HoldParams },
  response: { status: 200, body: HoldOut },
});

export const holdDisputeRoute = defineRoute({
  id: 'market-hold-dispute',
  method: 'POST',
  path: '/v1/settlement/holds/{jobId}/dispute',
  access: 'any',
  summary: "The job's buyer disputes its hold within the window: it is not released until an operator decides",
  entry: 'functions/market/handlers/hold-dispute.ts',
  tags: TAGS,
  request: { params: HoldParams, body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }) },
  response: { status: 200, body: HoldOut },
});

export const holdDecisionRoute = defineRoute({
  id: 'market-hold-decision',
  method: 'POST',
  path: '/v1/settlement/holds/{jobId}/decision',
  access: 'operator',
  summary: 'Decide a disputed hold: to the provider (released) or back to the buyer (refunded)',
  entry: 'functions/market/handlers/hold-decision.ts',
  tags: TAGS,
  request: { params: HoldParams, body: z.strictObject({ award: z.enum(['provider', 'buyer']) }) },
  response: { status: 200, body: HoldOut },
});

export const disputedHoldsRoute = defineRoute({
  id: 'market-holds-disputed',
  method: 'GET',
  path: '/v1/settlement/disputes',
  access: 'operator',
  summary: 'Disputed holds waiting for a decision, oldest dispute first',
  entry: 'functions/market/handlers/holds-disputed.ts',
  tags: TAGS,
  response: { status: 200, body: z.object({ holds: z.array(HoldOut) }) },
});

export const marketRoutes = [
  holdRoute,
  holdDisputeRoute,
  holdDecisionRoute,
  disputedHoldsRoute,
  providersLoadRoute,
  marketRoute,
  curveRoute,
  quoteRoute,
  purchaseRoute,
  portfolioRoute,
  positionRoute,
  listingsRoute,
  listingCreateRoute,
  listingCancelRoute,
  tradeRoute,
  jobApplyRoute,
  jobsApplyBatchRoute,
  jobAllocationsRoute,
  expireRoute,
];
