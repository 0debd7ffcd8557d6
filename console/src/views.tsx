/**
 * The views and who sees them: each names the route access it needs (the same rule the
 * API applies), so the nav shows a principal only what the API would let it do.
 */
import type { ComponentChildren } from 'preact';
import type { Access } from '../../functions/platform/auth/principal.ts';
import { principal } from './session.ts';
import { MarketView } from './views/market.tsx';
import { QuoteView } from './views/quote.tsx';
import { PortfolioView } from './views/portfolio.tsx';
import { ListingsView } from './views/listings.tsx';
import { JobsView } from './views/jobs.tsx';
import { JobView } from './views/job.tsx';
import { AccountView, MyAccountView } from './views/account.tsx';
import { PoolView } from './views/pool.tsx';
import { PrivacyView } from './views/privacy.tsx';
import { CapacityView } from './views/capacity.tsx';
import { LedgerCheckView } from './views/ledger-check.tsx';
import { ReconcileView } from './views/reconcile.tsx';
import { InputsView } from './views/inputs.tsx';
import { DisputesView } from './views/disputes.tsx';
import { ProvidersView } from './views/providers.tsx';
import { KeysView } from './views/keys.tsx';
import { BillingView } from './views/billing.tsx';
import { PaymentsView } from './views/payments.tsx';
import { FleetView } from './views/fleet.tsx';

export interface ViewDef {
  id: string;
  title: string;
  group: 'market' | 'buyer' | 'provider' | 'operator' | 'admin';
  access: Access;
  /** Hidden from the nav (reached by a link). */
  hidden?: boolean;
  render(arg?: string): ComponentChildren;
}

export const VIEWS: ViewDef[] = [
  { id: 'market', title: 'Market', group: 'market', access: 'any', render: () => <MarketView /> },
  { id: 'quote', title: 'Quote & buy', group: 'buyer', access: 'buyer', render: () => <QuoteView /> },
  { id: 'portfolio', title: 'Portfolio', group: 'buyer', access: 'buyer', render: () => <PortfolioView /> },
  { id: 'listings', title: 'Listings', group: 'buyer', access: 'buyer', render: () => <ListingsView /> },
  { id: 'jobs', title: 'Jobs', group: 'buyer', access: 'buyer', render: () => <JobsView /> },
  { id: 'job', title: 'Job', group: 'buyer', access: 'buyer', hidden: true, render: (id) => <JobView key={id} id={id ?? ''} /> },
  { id: 'inputs', title: 'Inputs', group: 'buyer', access: 'buyer', render: () => <InputsView /> },
  { id: 'payments', title: 'Payments', group: 'buyer', access: 'buyer', render: () => <PaymentsView /> },
  { id: 'balance', title: 'Balance', group: 'buyer', access: 'any', render: () => <MyAccountView /> },
  { id: 'pool', title: 'Pool', group: 'provider', access: 'provider', render: () => <PoolView /> },
  { id: 'attestations', title: 'Attestations', group: 'provider', access: 'provider', render: () => <PrivacyView /> },
  { id: 'capacity', title: 'Capacity & earnings', group: 'provider', access: 'provider', render: () => <CapacityView /> },
  { id: 'providers', title: 'Providers', group: 'operator', access: 'operator', render: () => <ProvidersView /> },
  { id: 'fleet', title: 'Fleet', group: 'operator', access: 'operator', render: () => <FleetView /> },
  {
    id: 'accounts',
    title: 'Accounts',
    group: 'operator',
    access: 'operator',
    render: () => <AccountView initial={`user:${principal.value!.principalId}`} title="Account" lookup />,
  },
  { id: 'billing', title: 'Billing', group: 'operator', access: 'operator', render: () => <BillingView /> },
  { id: 'disputes', title: 'Disputes', group: 'operator', access: 'operator', render: () => <DisputesView /> },
  { id: 'reconcile', title: 'Chain reconciliation', group: 'operator', access: 'operator', render: () => <ReconcileView /> },
  { id: 'ledger-check', title: 'Ledger check', group: 'admin', access: 'admin', render: () => <LedgerCheckView /> },
  { id: 'keys', title: 'Keys & credit', group: 'admin', access: 'admin', render: () => <KeysView /> },
];
