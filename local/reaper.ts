/**
 * The local stack's reaper (local/processes.ts): started detached, its stdin a pipe from the
 * stack. When the stack says `stop` it has stopped its children itself, and the reaper just
 * leaves. When the pipe closes without that — the stack crashed or was SIGKILLed — it kills
 * every process group the stack recorded under `<runDir>/children/`, so no DynamoDB Local or
 * job sandbox outlives the stack, and notes what it stopped for the next start to report
 * (the dead stack's lock stays: the next start sees it and says so).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reapChildren } from './processes.ts';

const runDir = process.argv[2];
if (!runDir) process.exit(2);

let told = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => (told += chunk));
process.stdin.on('end', () => {
  if (!told.includes('stop')) {
    const reaped = reapChildren(runDir);
    writeFileSync(join(runDir, 'reaped.json'), JSON.stringify(reaped), { mode: 0o600 });
  }
  process.exit(0);
});
process.stdin.resume();
