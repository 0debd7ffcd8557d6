/** The dispatcher's identities on disk and its offline privacy statistics. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPrng } from '../../../functions/platform/ids.ts';
import { sign, jobHash } from '../../../functions/jobs/domain/attestation.ts';
import { KeySigner } from '../../../functions/jobs/drivers/key-file-signer.ts';
import { decodeWif } from '../../../functions/jobs/domain/wif.ts';
import { initAgents, readAgent, readAgents } from '../../../sdk/dispatcher/identities.ts';
import { privacyStats, type AttestedJob } from '../../../sdk/dispatcher/privacy.ts';
import { dispatcherEnv } from '../../../sdk/dispatcher/program.ts';

const SEED = 99;
const secrets = () => {
  const rand = seededPrng(SEED);
  return () => Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256));
};

describe(`identities (seed ${SEED})`, () => {
  it('init -n 3 writes keys.json {wif, identity, publicKey} and SOUL.md, 0600 in 0700', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vap-')), 'cfg');
    const made = initAgents(dir, 3, secrets());
    expect(made.map((a) => [a.name, a.identity])).toEqual([
      ['agent-1', 'ari1.agentplatform@'],
      ['agent-2', 'ari2.agentplatform@'],
      ['agent-3', 'ari3.agentplatform@'],
    ]);
    const file = JSON.parse(readFileSync(join(dir, 'agents', 'agent-2', 'keys.json'), 'utf8'));
    expect(Object.keys(file).sort()).toEqual(['identity', 'publicKey', 'wif']);
    expect(new KeySigner(decodeWif(file.wif).secretKey).publicKeyHex).toBe(file.publicKey);
    expect(readFileSync(join(dir, 'agents', 'agent-2', 'SOUL.md'), 'utf8')).toContain('ari2.agentplatform@');
    for (const p of ['keys.json', 'SOUL.md']) expect(statSync(join(dir, 'agents', 'agent-3', p)).mode & 0o777).toBe(0o600);
    for (const p of [dir, join(dir, 'agents'), join(dir, 'agents', 'agent-1')]) expect(statSync(p).mode & 0o777).toBe(0o700);
    expect(readAgents(dir).map((a) => a.name)).toEqual(['agent-1', 'agent-2', 'agent-3']);
  });

  it('refuses to overwrite, and detects a key file whose public key does not match its WIF', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vap-')), 'cfg');
    initAgents(dir, 2, secrets());
    const before = readFileSync(join(dir, 'agents', 'agent-1', 'keys.json'), 'utf8');
    expect(() => initAgents(dir, 3, secrets())).toThrow(/agent-1, agent-2/);
    expect(readFileSync(join(dir, 'agents', 'agent-1', 'keys.json'), 'utf8')).toBe(before);
    const f = join(dir, 'agents', 'agent-2', 'keys.json');
    const k = JSON.parse(readFileSync(f, 'utf8'));
    writeFileSync(f, JSON.stringify({ ...k, publicKey: readAgent(dir, 'agent-1').publicKey }));
    expect(() => readAgent(dir, 'agent-2')).toThrow(/does not match/);
    expect(() => readAgent(dir, 'agent-9')).toThrow(/no identity agent-9/);
  });

  it('reads VAP_API_URL, VAP_DISPATCHER_CONFIG (with ~) and MAX_AGENTS', () => {
    const e = dispatcherEnv({ VAP_API_URL: 'https://api.example', VAP_DISPATCHER_CONFIG: '~/x', MAX_AGENTS: '4', HOME: '/home/u' });
    expect(e.url).toBe('https://api.example');
    expect(e.configDir.endsWith('/x')).toBe(true);
    expect(e.maxAgents).toBe(4);
    expect(dispatcherEnv({}).url).toBe('http://127.0.0.1:8787');
    expect(() => dispatcherEnv({ MAX_AGENTS: '0' })).toThrow(/MAX_AGENTS/);
  });
});

describe('privacy statistics', () => {
  it('counts created, destroyed, verified and missing, and container lifetimes', async () => {
    const s = new KeySigner(secrets()());
    const keys = new Map([['agent-1', s.publicKeyHex]]);
    const mk = async (jobId: string, lifeS: number, opts: { noDeletion?: boolean; tamper?: boolean; noContainer?: boolean } = {}): Promise<AttestedJob> => {
      const hash = jobHash({ jobId });
      const created = '2026-01-01T00:00:00.000Z';
      const creation = await sign(
        {
          type: 'container:created',
          jobId,
          containerId: `c-${jobId}`,
          agentId: 'agent-1',
          identity: 'ari1.agentplatform@',
          createdAt: created,
          jobHash: hash,
          ephemeral: true,
          privacyTier: 'ephemeral-container',
        },
        s,
      );
      const deletion = await sign(
        {
          type: 'container:destroyed',
          jobId,
          containerId: `c-${jobId}`,
          createdAt: created,
          destroyedAt: new Date(Date.parse(created) + lifeS * 1000).toISOString(),
          dataVolumes: ['/app/job'],
          deletionMethod: 'm',
          exitCode: 0,
          stopReason: 'exited',
          privacyAttestation: true,
          privacyTier: 'ephemeral-container',
        },
        s,
      );
      if (opts.noContainer) return { jobId, status: 'ABORTED', jobHash: hash, agent: null, creation: null, deletion: null };
      return {
        jobId,
        status: 'COMPLETED',
        jobHash: hash,
        agent: { name: 'agent-1', identity: 'ari1.agentplatform@', publicKey: s.publicKeyHex },
        creation: opts.tamper ? { ...creation, createdAt: '2025-12-31T00:00:00.000Z' } : creation,
        deletion: opts.noDeletion ? null : deletion,
      };
    };
    const jobs = [
      await mk('a', 1),
      await mk('b', 3),
      await mk('c', 2),
      await mk('d', 1, { noDeletion: true }),
      await mk('e', 1, { tamper: true }),
      await mk('f', 0, { noContainer: true }),
    ];
    const st = privacyStats(jobs, keys);
    expect(st).toMatchObject({ jobs: 6, withContainer: 5, created: 5, destroyed: 4, verified: 3, missing: 1, lifetimeMs: { min: 1000, p50: 2000, max: 3000 } });
    expect(st.failed.map((f) => f.jobId)).toEqual(['d', 'e']);
    expect(privacyStats(jobs.slice(0, 1), new Map()).failed[0]!.problems).toEqual(['agent_not_registered']);
  });
});
