/**
 * Every route the console calls, from the route table's own modules: request and response
 * types are the server's. The bundle holds only each route's id, method, path and access
 * (console/build.ts). If a context moves its routes, this is the one file to change.
 */
export { health, whoami, createKeyRoute } from '../../../functions/platform/api.ts';
export { accountRoute, checkRoute, entriesRoute, mintRoute } from '../../../functions/ledger/api.ts';
export {
  curveRoute,
  disputedHoldsRoute,
  holdDecisionRoute,
  holdDisputeRoute,
  holdRoute,
  jobAllocationsRoute,
  jobApplyRoute,
  listingCancelRoute,
  listingCreateRoute,
  listingsRoute,
  marketRoute,
  portfolioRoute,
  positionRoute,
  providersLoadRoute,
  purchaseRoute,
  quoteRoute,
  tradeRoute,
} from '../../../functions/market/api.ts';
export {
  attestationsRoute,
  cancelJobRoute,
  getJobRoute,
  jobLogsRoute,
  listAgentsRoute,
  listJobsRoute,
  poolAttestationsRoute,
  poolStatusRoute,
  preflightRoute,
  submitJobRoute,
} from '../../../functions/jobs/api.ts';
export { checkoutRoute, paymentsListRoute, payoutRequestRoute, payoutsListRoute, reconcileRoute } from '../../../functions/payments/api.ts';
export { joinTokenCreateRoute, providerGetRoute, providersListRoute } from '../../../functions/providers/api.ts';
export { privacyGetRoute, revokeRoute } from '../../../functions/privacy/api.ts';
export { deleteArtifactRoute, jobArtifactsRoute, listArtifactsRoute } from '../../../functions/artifacts/api.ts';
export { receiptRoute } from '../../../functions/control-plane/api.ts';
