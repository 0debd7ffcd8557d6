/**
 * Item layout of the providers table (pk / sk; gsi1 and gsi2 overloaded):
 *   JTOKEN#<sha256 of secret> / TOKEN   join token (policy, expiry, status); expires (ttl) a day after its expiry
 *   PROV#<id> / PROFILE                 the directory entry; gsi1 PROVIDERS / <id>;
 *                                       gsi2 ONLINE / <lastHeartbeatMs, 15 digits>#<id> while online (sparse: the sweep reads it)
 */
export const tokenKey = (hash: string) => ({ pk: `JTOKEN#${hash}`, sk: 'TOKEN' });
export const providerKey = (id: string) => ({ pk: `PROV#${id}`, sk: 'PROFILE' });

export const PROVIDERS_GSI = 'PROVIDERS';
export const ONLINE_GSI = 'ONLINE';
export const onlineSk = (lastMs: number, id: string) => `${String(lastMs).padStart(15, '0')}#${id}`;
