/** Registering agent identities with the exchange: from their key files, or from KMS keys (the cloud). */
import { bytesToHex } from '@noble/hashes/utils.js';
import { KmsSigner } from '../../functions/jobs/drivers/kms-signer.ts';
import type { KmsSend } from '../../functions/platform/crypto/kms-key.ts';
import { agentChallengeRoute, listAgentsRoute, registerAgentRoute } from '../../functions/jobs/api.ts';
import { KeySigner } from '../../functions/jobs/drivers/key-file-signer.ts';
import { signRegistration } from '../../functions/jobs/domain/agent-registration.ts';
import type { Signer } from '../../functions/jobs/domain/attestation.ts';
import type { VracuClient } from '../client.ts';
import { readAgent, setIdentity } from './identities.ts';

/** A challenge from the exchange, and the agent key's signature over the registration and it (proof of possession). */
async function signedRegistration(client: VracuClient, signer: Pick<Signer, 'signDigest'>, facts: { name: string; identity: string; publicKey: string }) {
  const { challenge } = await client.call(agentChallengeRoute, { body: {} });
  return { ...facts, challenge, signature: await signRegistration({ ...facts, challenge }, signer) };
}

/** Registers one identity; an agent already registered with the same key counts as done. */
export async function registerAgent(
  client: VracuClient,
  configDir: string,
  agentName: string,
  ariName: string,
): Promise<{ created: boolean; identity: string }> {
  const agent = readAgent(configDir, agentName);
  const identity = ariName.endsWith('.agentplatform@') ? ariName : `${ariName}.agentplatform@`;
  try {
    await client.call(registerAgentRoute, {
      body: await signedRegistration(client, KeySigner.fromWif(agent.wif), { name: agent.name, identity, publicKey: agent.publicKey }),
    });
    setIdentity(agent, identity);
    return { created: true, identity };
  } catch (e) {
    if ((e as { code?: string }).code !== 'agent_exists') throw e;
    const listed = (await client.call(listAgentsRoute)).agents.find((a) => a.name === agent.name);
    if (listed?.publicKey !== agent.publicKey) throw new Error(`${agent.name} is registered with another public key`);
    return { created: false, identity: listed.identity };
  }
}

/**
 * Registers an identity whose key lives in KMS (the cloud): the public key is read from
 * KMS, and the exchange signs for this agent with that key. No key file is involved.
 */
export async function registerKmsAgent(
  client: VracuClient,
  kms: KmsSend,
  agentName: string,
  ariName: string,
  keyId: string,
): Promise<{ created: boolean; identity: string; publicKey: string }> {
  const identity = ariName.endsWith('.agentplatform@') ? ariName : `${ariName}.agentplatform@`;
  const signer = new KmsSigner(kms, keyId);
  const publicKey = bytesToHex(await signer.publicKey());
  try {
    await client.call(registerAgentRoute, {
      body: { ...(await signedRegistration(client, signer, { name: agentName, identity, publicKey })), kmsKeyId: keyId },
    });
    return { created: true, identity, publicKey };
  } catch (e) {
    if ((e as { code?: string }).code !== 'agent_exists') throw e;
    const listed = (await client.call(listAgentsRoute)).agents.find((a) => a.name === agentName);
    if (listed?.publicKey !== publicKey) throw new Error(`${agentName} is registered with another public key`);
    return { created: false, identity: listed.identity, publicKey };
  }
}
