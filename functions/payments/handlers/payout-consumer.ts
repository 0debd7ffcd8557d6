import * as z from 'zod';
import { sqsConsumer } from '../../platform/consumer.ts';
import { paymentsContext } from '../deps.ts';
import { payPayout } from '../usecases/payouts.ts';

export const handler = sqsConsumer(paymentsContext, z.strictObject({ payoutId: z.string().regex(/^po_[0-9A-HJKMNP-TV-Z]{26}$/) }), (d, m) =>
  payPayout(d, m.payoutId),
);
