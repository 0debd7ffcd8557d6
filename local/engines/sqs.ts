/** The SQS-compatible server `fauxqs`, embedded in this process. */
import { startFauxqs } from 'fauxqs';

export interface SqsEngine {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSqs(opts: { port?: number; dataDir?: string } = {}): Promise<SqsEngine> {
  const server = await startFauxqs({ port: opts.port ?? 0, host: '127.0.0.1', logger: false, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
  return { endpoint: `http://127.0.0.1:${server.port}`, port: server.port, stop: async () => void (await server.stop()) };
}
