/** Entry point: `node sidecar.mjs -- <workload command...>` (the job container's ENTRYPOINT). */

// Signals first: a StopTask that lands while the rest loads must still end the workload
// cleanly (and not kill the sidecar, orphaning it), so handlers exist before anything else.
let stopNow: (() => void) | undefined;
let stopRequested = false;
const onSignal = () => {
  stopRequested = true;
  stopNow?.();
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

const { runSidecar } = await import('./sidecar.ts');
const report = await runSidecar({
  env: process.env,
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  nowMs: () => Date.now(),
  onStop: (stop) => {
    stopNow = stop;
    if (stopRequested) stop();
    return () => {
      stopNow = undefined;
    };
  },
});
process.exitCode = report.exitCode;
