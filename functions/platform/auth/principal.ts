/** Who is calling: resolved from an API key by the authorizer, checked per route. */
import * as z from 'zod';

export const ROLES = ['buyer', 'provider', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export interface Principal {
  id: string;
  tenant: string;
  roles: Role[];
  keyId: string;
}

/**
 * A route needs `public`, `any` authenticated principal, one role (admin passes every role
 * check), or `job`: a job credential (header JOB_CREDENTIAL_HEADER) that the route's use case
 * checks itself on every request, revocation included (the authorizer's cache is minutes long).
 */
export type Access = 'public' | 'any' | 'job' | Role;

/** The header a job's sidecar sends its job credential in (routes with access `job`). */
export const JOB_CREDENTIAL_HEADER = 'X-Job-Credential';

export function allows(access: Access, p: Principal | null): boolean {
  if (access === 'public' || access === 'job') return true;
  if (!p) return false;
  if (access === 'any') return true;
  return p.roles.includes(access) || p.roles.includes('admin');
}

/** The authorizer's context travels as strings (HTTP API simple responses). */
export interface AuthorizerContext {
  [k: string]: string;
  authenticated: 'true' | 'false';
  principalId: string;
  tenant: string;
  roles: string;
  keyId: string;
}

export function toAuthorizerContext(p: Principal | null): AuthorizerContext {
  return p
    ? { authenticated: 'true', principalId: p.id, tenant: p.tenant, roles: p.roles.join(','), keyId: p.keyId }
    : { authenticated: 'false', principalId: '', tenant: '', roles: '', keyId: '' };
}

export function fromAuthorizerContext(ctx: Record<string, unknown> | undefined): Principal | null {
  if (!ctx || ctx.authenticated !== 'true' || typeof ctx.principalId !== 'string') return null;
  const roles = String(ctx.roles ?? '')
    .split(',')
    .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return { id: ctx.principalId, tenant: String(ctx.tenant ?? ''), roles, keyId: String(ctx.keyId ?? '') };
}
