/**
 * The dispatcher's agent identities on disk (seed 000): `agents/agent-N/keys.json`
 * {wif, identity, publicKey} and `SOUL.md`, files 0600 and directories 0700. Keys are made
 * here and never leave this directory except as public keys.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { encodeWif } from '../../functions/jobs/domain/wif.ts';
import { KeySigner, type AgentKeyFile } from '../../functions/jobs/drivers/key-file-signer.ts';

export interface AgentIdentity extends AgentKeyFile {
  name: string;
  dir: string;
}

export const agentsDir = (configDir: string): string => join(configDir, 'agents');

const soul = (name: string, identity: string) => `# ${name}

Identity: ${identity}

I run one job at a time, each in a fresh container that nobody reuses. I sign when the
container is created and when it is destroyed, so the buyer can prove both with my public
key alone. I keep nothing from a job once it ends.
`;

/** Creates agent-1..agent-N; refuses if any of them already exists (keys are never overwritten). */
export function initAgents(configDir: string, n: number, randomSecret: () => Uint8Array = () => secp256k1.utils.randomSecretKey()): AgentIdentity[] {
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('the number of agents must be an integer from 1 to 1000');
  const root = agentsDir(configDir);
  const clash = Array.from({ length: n }, (_, i) => `agent-${i + 1}`).filter((a) => existsSync(join(root, a)));
  if (clash.length) throw new Error(`refusing to overwrite existing identities: ${clash.join(', ')} (in ${root})`);
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  mkdirSync(root, { recursive: true, mode: 0o700 });
  chmodSync(configDir, 0o700);
  chmodSync(root, 0o700);
  const out: AgentIdentity[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `agent-${i}`;
    const dir = join(root, name);
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    const secret = randomSecret();
    const key: AgentKeyFile = { wif: encodeWif(secret), identity: `ari${i}.agentplatform@`, publicKey: new KeySigner(secret).publicKeyHex };
    writeFileSync(join(dir, 'keys.json'), `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    writeFileSync(join(dir, 'SOUL.md'), soul(name, key.identity), { mode: 0o600, flag: 'wx' });
    out.push({ name, dir, ...key });
  }
  return out;
}

export function readAgent(configDir: string, name: string): AgentIdentity {
  const dir = join(agentsDir(configDir), name);
  const file = join(dir, 'keys.json');
  if (!existsSync(file)) throw new Error(`no identity ${name} under ${agentsDir(configDir)} (run: vap-dispatcher init)`);
  const key = JSON.parse(readFileSync(file, 'utf8')) as AgentKeyFile;
  // The file must hold what it says: the public key is derived again from the WIF.
  if (KeySigner.fromWif(key.wif).publicKeyHex !== key.publicKey) throw new Error(`${file}: publicKey does not match the WIF`);
  return { name, dir, ...key };
}

export function readAgents(configDir: string): AgentIdentity[] {
  const root = agentsDir(configDir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => /^agent-\d+$/.test(n))
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
    .map((n) => readAgent(configDir, n));
}

/** Records the identity an agent was registered under. */
export function setIdentity(agent: AgentIdentity, identity: string): void {
  const file = join(agent.dir, 'keys.json');
  const key: AgentKeyFile = { wif: agent.wif, identity, publicKey: agent.publicKey };
  writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
