/**
 * What an adapter finds wrong with a spec, as facts (no HTTP): the use case maps them to
 * `invalid_spec` and `unknown_adapter` (functions/jobs/usecases/submit.ts).
 */
import type { FieldIssue } from '../../platform/errors.ts';

/** The spec breaks the adapter's rules; each issue names its field (`body.spec.frames`). */
export class SpecError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues[0] ? `${issues[0].path}: ${issues[0].message}` : 'invalid spec');
    this.name = 'SpecError';
  }
}

/** No adapter has that name; `path` is where the name was given. */
export class UnknownAdapterError extends Error {
  constructor(
    readonly adapter: string,
    readonly known: string[],
    readonly path = 'body.adapter',
  ) {
    super(`unknown adapter "${adapter}"; known adapters: ${known.join(', ')}`);
    this.name = 'UnknownAdapterError';
  }
}
