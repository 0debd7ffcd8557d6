/**
 * One visibility rule for owned resources (jobs, RCs and portfolios, job allocations, ledger
 * accounts): the owner sees it, and so do the roles that oversee others' (given per kind of
 * resource; admin always). Anyone else gets the same answer as for a resource that does not
 * exist — 404 `not_found` — so ids are not an oracle.
 */
import { AppError } from '../errors.ts';
import type { Principal, Role } from './principal.ts';

/** Who owns a resource: a principal id, or a tenant (a tenant's resources are its principals'). */
export type Owner = { id: string } | { tenant: string };

export function maySee(p: Principal, owner: Owner, overseers: readonly Role[] = []): boolean {
  if (p.roles.includes('admin') || overseers.some((r) => p.roles.includes(r))) return true;
  return 'id' in owner ? owner.id === p.id : owner.tenant === p.tenant;
}

/** The resource when `p` may see it; missing or someone else's is the same 404. */
export function visibleOr404<T>(p: Principal, resource: T | null | undefined, ownerOf: (r: T) => Owner, what: string, overseers: readonly Role[] = []): T {
  if (resource === null || resource === undefined || !maySee(p, ownerOf(resource), overseers)) throw new AppError('not_found', `${what} not found`);
  return resource;
}
