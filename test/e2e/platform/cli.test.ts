/** `vracu` commands against the local stack, with VRACU_URL / VRACU_API_KEY and --json. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../support/stack.ts';
import { runVracu } from '../../support/cli.ts';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

const vracu = (args: string[], key: string = stack.adminKey): Promise<string> => runVracu(stack.url, key, args);

describe('vracu CLI', () => {
  it('health and whoami', async () => {
    expect(await vracu(['health'])).toMatch(/^ok \(stage local/);
    expect(await vracu(['whoami'])).toMatch(/roles\s+admin/);
  });

  it('keys create --role buyer prints a working secret once; --json is machine-readable', async () => {
    const human = await vracu(['keys', 'create', '--role', 'buyer', '--tenant', 'acme']);
    const secret = /\n {2}(vk_\S+)\n/.exec(human)![1]!;
    expect(human).toMatch(/shown once/);
    const who = JSON.parse(await vracu(['--json', 'whoami'], secret));
    expect(who).toMatchObject({ tenant: 'acme', roles: ['buyer'] });
  });

  it('a buyer is refused keys create with the problem code', async () => {
    const secret = JSON.parse(await vracu(['--json', 'keys', 'create', '--role', 'buyer'])).secret as string;
    await expect(vracu(['keys', 'create', '--role', 'admin'], secret)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});
