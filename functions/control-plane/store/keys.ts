/**
 * Item keys of the control-plane table, one partition per aggregate:
 *   BUCKET#<bucketId>  OFFER#<providerId>   a provider's latest supply offer in the bucket
 *   BUCKET#<bucketId>  DEMAND               the bucket's demand configuration (versioned)
 */
export const bucketPk = (bucketId: string) => `BUCKET#${bucketId}`;
export const offerKey = (bucketId: string, providerId: string) => ({ pk: bucketPk(bucketId), sk: `OFFER#${providerId}` });
export const demandKey = (bucketId: string) => ({ pk: bucketPk(bucketId), sk: 'DEMAND' });
/**
 *   UNITS              UNIT#<unitId>        a scheduling unit (whole GPU or MIG instance), versioned
 *   RESERVATION#<id>   RESERVATION          a reservation the scheduler accepted
 */
export const UNITS_PK = 'UNITS';
export const unitKey = (unitId: string) => ({ pk: UNITS_PK, sk: `UNIT#${unitId}` });
export const reservationKey = (id: string) => ({ pk: `RESERVATION#${id}`, sk: 'RESERVATION' });
/**
 *   RECEIPT#<jobId>    RECEIPT              a job's signed settlement receipt (written once)
 *   SLICE#<jobId>      SEQ#<seq, 10 digits> a metered slice (written once; its digest decides duplicates)
 */
export const receiptKey = (jobId: string) => ({ pk: `RECEIPT#${jobId}`, sk: 'RECEIPT' });
export const slicePk = (jobId: string) => `SLICE#${jobId}`;
export const sliceKey = (jobId: string, seq: number) => ({ pk: slicePk(jobId), sk: `SEQ#${String(seq).padStart(10, '0')}` });
