/**
 * Stands in for `semver` in Lambda bundles (lib/bundling.ts). Its one user there is the
 * X-Ray SDK's patcher for AWS SDK v2 (`semver.gte(AWS.VERSION, ...)`), which we never
 * call; the real package adds 28 KB to every bundle.
 */
const parts = (v: string) =>
  String(v)
    .replace(/^v/, '')
    .split(/[.+-]/)
    .slice(0, 3)
    .map((x) => Number.parseInt(x, 10) || 0);

/** `a >= b` for plain `major.minor.patch` versions (pre-release tags are ignored). */
export function gte(a: string, b: string): boolean {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
}
