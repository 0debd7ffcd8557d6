/** Entry point: `node main.ts -- <workload command...>` (the job container's ENTRYPOINT). */
import { runSidecar } from './sidecar.ts';

const report = await runSidecar({
  env: process.env,
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  nowMs: () => Date.now(),
  onStop: (stop) => {
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    };
  },
});
process.exitCode = report.exitCode;
