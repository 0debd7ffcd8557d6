/**
 * Item layout of the providers table (pk / sk; gsi1 and gsi2 overloaded):
 *   JTOKEN#<sha256 of secret> / TOKEN   join token (policy, expiry, status); expires (ttl) a day after its expiry
 *   PROV#<id> / HOLD#<jobId>            the units a placed job holds until it ends (the counter: heldUnits on PROFILE)
 *   PROV#<id> / PROFILE                 the directory entry; gsi1 PROVIDERS / <id>;
 *                                       gsi2 ONLINE / <lastHeartbeatMs, 15 digits>#<id> while online (sparse: the sweep reads it)
 */
export const tokenKey = (hash: string) => ({ pk: `JTOKEN#${hash}`, sk: 'TOKEN' });
export const providerKey = (id: string) => ({ pk: `PROV#${id}`, sk: 'PROFILE' });
export const holdKey = (id: string, jobId: string) => ({ pk: `PROV#${id}`, sk: `HOLD#${jobId}` });

export const PROVIDERS_GSI = 'PROVIDERS';
export const ONLINE_GSI = 'ONLINE';
export const onlineSk = (lastMs: number, id: string) => `${String(lastMs).padStart(15, '0')}#${id}`;
