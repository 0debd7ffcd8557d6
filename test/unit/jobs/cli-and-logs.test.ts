/** `vracu jobs` builds the typed requests; the cloud log reader asks CloudWatch for the task's stream. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { vracuProgram } from '../../../sdk/cli/program.ts';
import { cloudLogStream, readCloudLogs } from '../../../functions/jobs/drivers/cloud-logs.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(reply: unknown, status = 200) {
  const seen: { method: string; url: string; body: string; key: unknown }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, key: req.headers['x-api-key'] });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

describe('vracu jobs', () => {
  it('submit sends the adapter, the parsed spec and the limits', async () => {
    const { url, seen } = await serve({ jobId: 'job_01JD3Q0000000000000000000A', status: 'PENDING', jobHash: 'sha256:ab' });
    let out = '';
    await vracuProgram({ VRACU_URL: url, VRACU_API_KEY: 'vk_test' }, (s) => (out += s)).parseAsync([
      'node',
      'vracu',
      'jobs',
      'submit',
      '--adapter',
      'render',
      '--spec',
      '{"frames":2}',
      '--timeout-ms',
      '60000',
      '--network',
      'exchange',
    ]);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/jobs', key: 'vk_test' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ adapter: 'render', spec: { frames: 2 }, timeoutMs: 60000, network: 'exchange' });
    expect(out).toContain('submitted job_01JD3Q0000000000000000000A (PENDING)');
  });

  it('cancel is a DELETE on the job; logs pass the limit', async () => {
    const { url, seen } = await serve({ jobId: 'job_01JD3Q0000000000000000000A', status: 'RUNNING', abortRequested: 'cancelled', lines: [] });
    await vracuProgram({ VRACU_URL: url }, () => undefined).parseAsync(['node', 'vracu', 'jobs', 'cancel', 'job_01JD3Q0000000000000000000A']);
    await vracuProgram({ VRACU_URL: url }, () => undefined).parseAsync(['node', 'vracu', 'jobs', 'logs', 'job_01JD3Q0000000000000000000A', '--limit', '5']);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'DELETE /v1/jobs/job_01JD3Q0000000000000000000A',
      'GET /v1/jobs/job_01JD3Q0000000000000000000A/logs?limit=5',
    ]);
  });
});

describe('cloud logs', () => {
  it('reads the awslogs stream jobs/workload/<task id> of the log group, from the head, with the cursor', async () => {
    const sent: GetLogEventsCommand[] = [];
    const client = {
      async send(cmd: GetLogEventsCommand) {
        sent.push(cmd);
        return { events: [{ timestamp: 5, message: 'hello' }], nextForwardToken: 'f/2' };
      },
    };
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:task/vracu-prod/0123456789abcdef';
    expect(cloudLogStream(arn)).toBe('jobs/workload/0123456789abcdef');
    const page = await readCloudLogs(client as never, '/vracu/jobs', arn, 50, 'f/1');
    expect(sent[0]).toBeInstanceOf(GetLogEventsCommand);
    expect(sent[0]!.input).toEqual({
      logGroupName: '/vracu/jobs',
      logStreamName: 'jobs/workload/0123456789abcdef',
      limit: 50,
      startFromHead: true,
      nextToken: 'f/1',
    });
    expect(page).toEqual({ lines: [{ ts: 5, stream: 'stdout', message: 'hello' }], next: 'f/2' });
  });

  it('a stream that does not exist yet is an empty page', async () => {
    const client = { send: async () => Promise.reject(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' })) };
    expect(await readCloudLogs(client as never, '/g', 'task/x', 10)).toEqual({ lines: [] });
  });
});
