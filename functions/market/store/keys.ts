/**
 * Item layout of the market table (pk / sk; gsi1 and gsi2 overloaded):
 *   PROV#<id> / PROFILE          provider; gsi1 PROVIDERS / <id>
 *   PROV#<id> / CAP#<tenor>      capacity counter: soldScu, maxScu (the oversell guard)
 *   QUOTE#<id> / QUOTE           quote, expires (ttl) a little after its validity
 *   RC#<id> / RC                 reservation; gsi1 OWNER#<user> / <provider>#<expiresAt>#<rcId>;
 *                                gsi2 RCOPEN#<shard> / <expiresAt>#<rcId> while not EXPIRED (sparse)
 *   LST#<id> / LST               listing; gsi1 LISTINGS#OPEN / <createdAt>#<id> while OPEN (sparse);
 *                                gsi2 RCLST#<rcId> / <id>
 *   TRD#<id> / TRD               trade; gsi2 RCTRD#<parentRcId> / <id>
 *   JOB#<jobId> / ALLOC          job allocation summary (one per job: the idempotency anchor)
 *   JOB#<jobId> / DETAIL#<n>     one per RC drawn when several are; gsi2 RCALLOC#<rcId> / <jobId>
 *                                (one RC drawn: the ALLOC record itself carries that index)
 */
export const providerKey = (id: string) => ({ pk: `PROV#${id}`, sk: 'PROFILE' });
export const capacityKey = (id: string, tenor: string) => ({ pk: `PROV#${id}`, sk: `CAP#${tenor}` });
export const quoteKey = (id: string) => ({ pk: `QUOTE#${id}`, sk: 'QUOTE' });
export const rcKey = (id: string) => ({ pk: `RC#${id}`, sk: 'RC' });
export const listingKey = (id: string) => ({ pk: `LST#${id}`, sk: 'LST' });
export const tradeKey = (id: string) => ({ pk: `TRD#${id}`, sk: 'TRD' });
export const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'ALLOC' });
export const jobDetailKey = (jobId: string, n: number) => ({ pk: `JOB#${jobId}`, sk: `DETAIL#${String(n).padStart(2, '0')}` });

export const PROVIDERS_GSI = 'PROVIDERS';
export const ownerGsi = (user: string) => `OWNER#${user}`;
export const OPEN_LISTINGS_GSI = 'LISTINGS#OPEN';

const shardOf = (id: string, shards: number): number => {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % shards;
};

/** Open RCs are spread over shards so the expiry index has no single hot partition. */
export const RC_OPEN_SHARDS = 8;
export const rcOpenShard = (rcId: string): string => `RCOPEN#${shardOf(rcId, RC_OPEN_SHARDS)}`;

/** Settlement holds still HELD, by release time (gsi1), spread over shards like open RCs. */
export const HOLD_SHARDS = 8;
export const heldShard = (jobId: string): string => `HOLDS#${shardOf(jobId, HOLD_SHARDS)}`;
export const heldShardN = (n: number): string => `HOLDS#${n}`;
