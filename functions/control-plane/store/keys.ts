/**
 * Item keys of the control-plane table, one partition per aggregate:
 *   BUCKET#<bucketId>  OFFER#<providerId>   a provider's latest supply offer in the bucket
 *   BUCKET#<bucketId>  DEMAND               the bucket's demand configuration (versioned)
 */
export const bucketPk = (bucketId: string) => `BUCKET#${bucketId}`;
export const offerKey = (bucketId: string, providerId: string) => ({ pk: bucketPk(bucketId), sk: `OFFER#${providerId}` });
export const demandKey = (bucketId: string) => ({ pk: bucketPk(bucketId), sk: 'DEMAND' });
