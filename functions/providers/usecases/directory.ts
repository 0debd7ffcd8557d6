/** Reading and amending the directory: a provider sees itself, operators see every provider; anyone else gets 404. */
import type { Principal } from '../../platform/auth/principal.ts';
import { visibleOr404 } from '../../platform/auth/visibility.ts';
import { notFound } from '../../platform/errors.ts';
import type { ProvidersDeps } from '../deps.ts';
import type { DirectoryProvider } from '../domain/provider.ts';
import { getProvider, listProviders } from '../store/reads.ts';
import { patchProvider } from '../store/writes.ts';

const OVERSEERS = ['operator'] as const;
const ownerOf = (p: DirectoryProvider) => ({ id: p.providerId });

export async function visibleProvider(d: ProvidersDeps, who: Principal, id: string): Promise<DirectoryProvider> {
  return visibleOr404(who, await getProvider(d.store, id), ownerOf, 'provider', OVERSEERS);
}

export const allProviders = (d: ProvidersDeps): Promise<DirectoryProvider[]> => listProviders(d.store);

export async function amendProvider(d: ProvidersDeps, who: Principal, id: string, change: { name?: string | undefined; contact?: string | undefined }) {
  await visibleProvider(d, who, id);
  if (!(await patchProvider(d.store, id, change))) throw notFound('provider');
  return visibleProvider(d, who, id);
}
