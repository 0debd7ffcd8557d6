import { AppError } from '../../platform/errors.ts';
import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { registerAgentRoute } from '../api.ts';
import { jobsContext } from '../deps.ts';
import { agentView } from '../views.ts';
import { registerAgent } from '../usecases/agent-registration.ts';
import { createPublicKey } from 'node:crypto';

/** DER prefix of a SubjectPublicKeyInfo holding a compressed secp256k1 point: Node decodes (and so checks) the point. */
const COMPRESSED_SECP256K1_SPKI = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');

export const handler = httpHandler(registerAgentRoute, jobsContext, async (req, d) => {
  const p = mustPrincipal(req.principal);
  try {
    createPublicKey({ key: Buffer.concat([COMPRESSED_SECP256K1_SPKI, Buffer.from(req.body.publicKey, 'hex')]), format: 'der', type: 'spki' });
  } catch {
    throw new AppError('validation_failed', 'body.publicKey: not a point on secp256k1', {
      issues: [{ path: 'body.publicKey', message: 'not a point on secp256k1' }],
    });
  }
  return agentView(await registerAgent(d, p, req.body));
});
