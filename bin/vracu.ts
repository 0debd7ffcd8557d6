#!/usr/bin/env -S node --import tsx
import { vracuProgram } from '../sdk/cli/program.ts';
import { describeError } from '../sdk/cli/context.ts';

vracuProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`${describeError(err)}\n`);
    process.exit(1);
  });
