/**
 * Placeholder bundled in place of a function entry that does not exist yet. Only used
 * when bundling is skipped (infra unit tests); a real synth fails on a missing entry.
 */
export function handler(): never {
  throw new Error('this function was synthesized without its entry (bundling skipped)');
}
