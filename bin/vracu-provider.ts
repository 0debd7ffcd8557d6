#!/usr/bin/env -S node --import tsx
import { providerProgram } from '../sdk/provider/program.ts';
import { describeError } from '../sdk/cli/context.ts';

providerProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`${describeError(err)}\n`);
    process.exit(1);
  });
