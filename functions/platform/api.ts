/** Platform routes: health, identity, keys. */
import * as z from 'zod';
import { defineRoute } from './http/route.ts';
import { Role } from './auth/principal.ts';

const PrincipalOut = z.object({ principalId: z.string(), tenant: z.string(), roles: z.array(Role), keyId: z.string() });

export const health = defineRoute({
  id: 'health',
  method: 'GET',
  path: '/health',
  access: 'public',
  summary: 'Readiness check',
  entry: 'functions/platform/handlers/health.ts',
  tags: ['platform'],
  response: { status: 200, body: z.object({ status: z.literal('ok'), stage: z.string(), time: z.string() }) },
});

export const whoami = defineRoute({
  id: 'whoami',
  method: 'GET',
  path: '/v1/whoami',
  access: 'any',
  summary: 'The principal behind the API key',
  entry: 'functions/platform/handlers/whoami.ts',
  tags: ['platform'],
  response: { status: 200, body: PrincipalOut },
});

export const createKeyRoute = defineRoute({
  id: 'keys-create',
  method: 'POST',
  path: '/v1/keys',
  access: 'admin',
  summary: 'Create an API key; the secret is returned once',
  entry: 'functions/platform/handlers/keys-create.ts',
  tags: ['platform'],
  request: {
    body: z.strictObject({
      roles: z.array(Role).min(1).max(4),
      tenant: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .optional(),
      principalId: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .optional(),
      label: z.string().max(200).optional(),
    }),
  },
  response: { status: 201, body: PrincipalOut.extend({ secret: z.string(), createdAt: z.string() }) },
  throttle: { rateLimit: 5, burstLimit: 10 },
});

export const platformRoutes = [health, whoami, createKeyRoute];
