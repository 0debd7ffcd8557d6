import { httpHandler, mustPrincipal } from '../../platform/http/handler.ts';
import { encryptionKeyRoute } from '../api.ts';
import { artifactsContext } from '../deps.ts';
import { registerEncryptionKey } from '../usecases/encryption-key.ts';

export const handler = httpHandler(encryptionKeyRoute, artifactsContext, async (req, d) => {
  const k = await registerEncryptionKey(d, mustPrincipal(req.principal), req.body.publicKey);
  return { publicKey: k.publicKey, registeredAt: k.registeredAt };
});
