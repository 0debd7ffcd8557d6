#!/usr/bin/env -S node --import tsx
import { dispatcherProgram } from '../sdk/dispatcher/program.ts';
import { describeError } from '../sdk/cli/context.ts';

dispatcherProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`${describeError(err)}\n`);
    process.exit(1);
  });
