/**
 * The sidecar's artifacts client (sidecar/job-artifacts.ts): a 409 `artifacts_job_ended` while
 * the launch records the container is asked again (soon at first, then less often) until the
 * settle time runs out; any other refusal ends at once with its status and code. A job
 * launched with no inputs asks for its output slots beside the workload, not before it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactsClient, finishArtifacts, prepareArtifacts } from '../../../sidecar/job-artifacts.ts';

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const ended = () => answer(409, { code: 'artifacts_job_ended', detail: 'job j1 no longer holds its container (PLACED)' });

function client(replies: (() => Response)[], settleMs = 15_000) {
  const calls: { url: string; credential: string | null }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, credential: new Headers(init.headers).get('x-job-credential') });
    return (replies.shift() ?? ended)();
  }) as unknown as typeof fetch;
  return { c: new ArtifactsClient('http://exchange.test/', 'j1', 'cred-1', fetchImpl, settleMs), calls };
}

afterEach(() => void vi.useRealTimers());

describe('ArtifactsClient', () => {
  it('asks again while the container is being recorded, then answers', async () => {
    const { c, calls } = client([ended, ended, ended, () => answer(200, { inputs: [], outputs: null })]);
    expect(await c.session()).toEqual({ inputs: [], outputs: null });
    expect(calls).toHaveLength(4);
    expect(calls.every((x) => x.url === 'http://exchange.test/v1/jobs/j1/artifacts/session' && x.credential === 'cred-1')).toBe(true);
  });

  it('gives up once the settle time is over, with the last refusal; the tries are 20, 40, 80 ms apart, then 250', async () => {
    vi.useFakeTimers({ now: 0 });
    const { c, calls } = client([], 1_000);
    const at: number[] = [];
    const seen = calls.push.bind(calls);
    calls.push = (...xs) => (at.push(Date.now()), seen(...xs));
    const done = expect(c.session()).rejects.toThrow(/artifacts session: 409 artifacts_job_ended/);
    await vi.advanceTimersByTimeAsync(1_500);
    await done;
    expect(at).toEqual([0, 20, 60, 140, 300, 550, 800, 1050]);
  });

  it('any other refusal ends at once', async () => {
    const { c, calls } = client([() => answer(403, { code: 'artifacts_credential_invalid', detail: 'no' })]);
    await expect(c.report({ outputs: [] })).rejects.toThrow(/artifacts report: 403 artifacts_credential_invalid no/);
    expect(calls).toHaveLength(1);
  });
});

describe('prepareArtifacts with the number of inputs the launch gave', () => {
  /** A client whose session answers when the test says so. */
  function held() {
    let answer!: (r: Response) => void;
    const calls: string[] = [];
    const fetchImpl = (async (url: string) => {
      calls.push(url);
      return new Promise<Response>((r) => (answer = r));
    }) as unknown as typeof fetch;
    return { c: new ArtifactsClient('http://exchange.test', 'j1', 'cred-1', fetchImpl), calls, answer: (r: Response) => answer(r) };
  }

  it('none: returns before the session answers; the grant is awaited after the workload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-prep-'));
    try {
      const h = held();
      const p = await prepareArtifacts(h.c, dir, undefined, fetch, undefined, 0);
      expect(h.calls).toEqual(['http://exchange.test/v1/jobs/j1/artifacts/session']);
      expect(p.inputs).toEqual([]);
      const finished = finishArtifacts(h.c, 'j1', p);
      h.answer(answer(200, { inputs: [], outputs: null }));
      // The buyer registered no key: nothing is kept, and nothing else was asked.
      expect(await finished).toBeNull();
      expect(h.calls).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('none, and the session is refused: the outputs fail after the workload, with the refusal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-prep-'));
    try {
      const h = held();
      const p = await prepareArtifacts(h.c, dir, undefined, fetch, undefined, 0);
      h.answer(answer(403, { code: 'artifacts_credential_invalid', detail: 'no' }));
      await new Promise((r) => setTimeout(r, 0)); // refused before anyone awaits it: no unhandled rejection
      await expect(finishArtifacts(h.c, 'j1', p)).rejects.toThrow(/artifacts session: 403 artifacts_credential_invalid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('some, or not said: waits for the session before the workload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vracu-prep-'));
    try {
      const h = held();
      let done = false;
      const p = prepareArtifacts(h.c, dir, undefined, fetch, undefined, undefined).then((x) => ((done = true), x));
      await new Promise((r) => setTimeout(r, 20));
      expect([h.calls.length, done]).toEqual([1, false]);
      h.answer(answer(200, { inputs: [], outputs: null }));
      expect((await p).grant).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
