import { sqsConsumer } from '../../platform/consumer.ts';
import { paymentsContext } from '../deps.ts';
import { groupOf, StripeMessage } from '../domain/stripe-event.ts';
import { applyStripeMessage } from '../usecases/apply-event.ts';

/** The FIFO worker: one buyer's events in order; a failure holds the rest of that buyer's batch back. */
export const handler = sqsConsumer(paymentsContext, StripeMessage, (d, m) => applyStripeMessage(d, m), groupOf, { stopGroupOnError: true });
