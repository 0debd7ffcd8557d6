/**
 * The node's state on disk, under VRACU_PROVIDER_CONFIG (default `~/.vracu/provider`), directory
 * 0700 and files 0600: `node-key.pem` (the private node key, made at init, never sent) and
 * `node.json` (exchange URL, provider id, the provider's API key, the key's algorithm, whether
 * it was verified). Nothing here is ever overwritten by `init`.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeKeyAlgorithm } from '../../functions/providers/domain/node-key.ts';
import { nodeKeyFromPem, nodeKeyToPem, type NodeKey } from './node-key.ts';

export interface NodeState {
  url: string;
  providerId: string;
  apiKey: string;
  algorithm: NodeKeyAlgorithm;
  verified: boolean;
  joinedAt: string;
}

export const providerConfigDir = (env: NodeJS.ProcessEnv = process.env): string =>
  (env.VRACU_PROVIDER_CONFIG ?? join(homedir(), '.vracu', 'provider')).replace(/^~(?=\/|$)/, homedir());

const KEY_FILE = 'node-key.pem';
const STATE_FILE = 'node.json';

export const hasNode = (dir: string): boolean => existsSync(join(dir, STATE_FILE)) || existsSync(join(dir, KEY_FILE));

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
}

/** Writes the node key once; refuses if one exists (a node key is never replaced silently). */
export function saveNodeKey(dir: string, key: NodeKey): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = join(dir, KEY_FILE);
  if (existsSync(path)) throw new Error(`a node key exists already: ${path}`);
  writeFileSync(path, nodeKeyToPem(key), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

export function saveState(dir: string, s: NodeState): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writePrivate(join(dir, STATE_FILE), `${JSON.stringify(s, null, 2)}\n`);
}

export function loadState(dir: string): NodeState {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) throw new Error(`no node here (${path}): run vracu-provider init --join-token <token> first`);
  return JSON.parse(readFileSync(path, 'utf8')) as NodeState;
}

/** The node key, refusing a key file others can read. */
export function loadNodeKey(dir: string, algorithm: NodeKeyAlgorithm): NodeKey {
  const path = join(dir, KEY_FILE);
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new Error(`${path} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  return nodeKeyFromPem(readFileSync(path, 'utf8'), algorithm);
}

export const keyFileMode = (dir: string): number => statSync(join(dir, KEY_FILE)).mode & 0o777;
