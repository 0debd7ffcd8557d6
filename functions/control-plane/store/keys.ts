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
/**
 *   LOGSIZE            LOGSIZE              the log's size (the append guard; the only updated log item)
 *   TLOG#LEAF          IDX#<12 digits>      a log entry (written once)
 *   TLOG#KEY#<keyId>   KEY                  the entry's index by key id (written once: a key is logged once)
 *   TLOG#STH           SIZE#<12 digits>     a signed tree head (written once per size)
 */
export const LOG_SIZE_KEY = { pk: 'LOGSIZE', sk: 'LOGSIZE' };
export const LEAF_PK = 'TLOG#LEAF';
export const leafKey = (i: number) => ({ pk: LEAF_PK, sk: `IDX#${String(i).padStart(12, '0')}` });
export const logKeyIndexKey = (keyId: string) => ({ pk: `TLOG#KEY#${keyId}`, sk: 'KEY' });
export const STH_PK = 'TLOG#STH';
export const sthKey = (size: number) => ({ pk: STH_PK, sk: `SIZE#${String(size).padStart(12, '0')}` });
/**
 *   PARAM#<name>       PARAM                a governed parameter's value and version
 *   PROPOSAL#<id>      PROPOSAL             a proposal (rev-guarded); gsi1: PROPOSALS / <createdAt>#<id>
 *   GOVEXEC#<id>       GOVEXEC              the signed execution receipt (written once)
 */
export const paramKey = (name: string) => ({ pk: `PARAM#${name}`, sk: 'PARAM' });
export const proposalKey = (id: string) => ({ pk: `PROPOSAL#${id}`, sk: 'PROPOSAL' });
export const executionKey = (id: string) => ({ pk: `GOVEXEC#${id}`, sk: 'GOVEXEC' });
export const PROPOSALS_GSI = { name: 'gsi1', pk: 'PROPOSALS' } as const;
