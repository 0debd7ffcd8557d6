/** `vap-dispatcher start` locally: the whole exchange on this machine, signing with these identities. */
import { VracuClient } from '../client.ts';
import { startLocalStack } from '../../local/stack.ts';
import { readAgents } from './identities.ts';
import { registerAgent } from './agents.ts';

export async function startLocal(o: { configDir: string; maxAgents: number; port: number; memory: boolean; log: (s: string) => void }) {
  const agents = readAgents(o.configDir);
  if (agents.length === 0) throw new Error(`no identities under ${o.configDir} (run: vap-dispatcher init -n 9)`);
  // One wiring: the stack's jobs plugin signs with these key files and runs at most maxAgents.
  const stack = await startLocalStack({ port: o.port, memory: o.memory, log: o.log, jobs: { dispatcherDir: o.configDir, maxAgents: o.maxAgents } });
  const client = new VracuClient({ baseUrl: stack.url, apiKey: stack.adminKey });
  const registered: string[] = [];
  for (const a of agents) {
    await registerAgent(client, o.configDir, a.name, a.identity);
    registered.push(a.name);
  }
  return { url: stack.url, adminKey: stack.adminKey, client, registered, stop: () => stack.stop() };
}
