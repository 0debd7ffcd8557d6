/**
 * The providers context's face to other contexts: the directory's providers (placement reads
 * who is online and what is free) and how to compose the context. Other contexts import from here only.
 */
export type { DirectoryProvider } from './domain/provider.ts';
export { isQuotable } from './domain/provider.ts';
export { composeProviders, type ProvidersDeps } from './deps.ts';
export { directoryPlacer } from './usecases/placement.ts';
/** The metering's check that a provider's node signed a slice. */
export { signedByNode } from './usecases/node-signature.ts';
