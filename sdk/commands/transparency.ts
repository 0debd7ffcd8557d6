/**
 * `vracu transparency sth|bundle|verify`. `bundle` fetches a key's entry, its inclusion proof
 * in the latest signed tree head and, with `--since <size>`, the older head and the
 * consistency proof to it; `verify` checks such a file offline against the log's keys
 * (`--keys`, the answer of GET /v1/signing-keys): the head's two signatures, the inclusion,
 * and that the log only grew. Anything invalid ends in TransparencyRejectedError (exit 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { consistencyRoute, inclusionRoute, sthRoute } from '../../functions/control-plane/api.ts';
import { checkKey, type LogEntry, type SignedTreeHead } from '../../functions/control-plane/index.ts';

export class TransparencyRejectedError extends Error {
  constructor(readonly detail: string) {
    super(`transparency check failed: ${detail}`);
    this.name = 'TransparencyRejectedError';
  }
}

export interface KeyBundle {
  entry: LogEntry;
  sth: SignedTreeHead;
  leafIndex: number;
  treeSize: number;
  proof: string[];
  previous?: { sth: SignedTreeHead; proof: string[] };
}

type Keys = Parameters<typeof checkKey>[0];

export function registerTransparency(program: Command, ctx: CliContext): void {
  const t = program.command('transparency').description('the key transparency log (RFC 6962)');
  t.command('sth')
    .description("the log's latest signed tree head")
    .action(async () => {
      const r = await ctx.client().call(sthRoute);
      ctx.print(r, (d: typeof r) => `${d.head.origin}  size ${d.head.treeSize}  root ${d.head.rootHash}  at ${d.head.timestamp}`);
    });
  t.command('bundle')
    .description("fetch a key's inclusion proof (and, with --since, the consistency proof from an older head) into a file for `verify`")
    .requiredOption('--key-id <keyId>', 'SHA-256 of the raw public key, hex')
    .option('--since <size>', 'the size of an older signed tree head you hold')
    .requiredOption('--out <file>', 'where to write the bundle')
    .action(async (o: { keyId: string; since?: string; out: string }) => {
      const c = ctx.client();
      const inc = await c.call(inclusionRoute, { query: { keyId: o.keyId } });
      const bundle: KeyBundle = {
        entry: inc.entry as LogEntry,
        sth: inc.sth as SignedTreeHead,
        leafIndex: inc.leafIndex,
        treeSize: inc.treeSize,
        proof: inc.proof,
      };
      if (o.since) {
        const cons = await c.call(consistencyRoute, { query: { first: o.since, second: String(inc.treeSize) } });
        bundle.previous = { sth: cons.first as SignedTreeHead, proof: cons.proof };
      }
      writeFileSync(o.out, `${JSON.stringify(bundle, null, 2)}\n`);
      ctx.print({ out: o.out, treeSize: bundle.treeSize, leafIndex: bundle.leafIndex }, (d: { out: string }) => `bundle written to ${d.out}`);
    });
  t.command('verify <bundle>')
    .description("offline: the head's signatures, the key's inclusion, and (with a previous head) that the log only grew; exits 1 otherwise")
    .requiredOption('--keys <file>', 'the log signing keys as GET /v1/signing-keys answers them')
    .action(async (file: string, o: { keys: string }) => {
      const b = JSON.parse(readFileSync(file, 'utf8')) as KeyBundle;
      const keys = (JSON.parse(readFileSync(o.keys, 'utf8')) as { keys: Keys }).keys;
      const v = checkKey(keys, b.sth, b.entry, { leafIndex: b.leafIndex, treeSize: b.treeSize, proof: b.proof }, b.previous);
      const out = { ...v, keyId: b.entry?.keyId ?? null, treeSize: b.sth?.head?.treeSize ?? null };
      ctx.print(
        out,
        (d: typeof out) =>
          `${d.valid ? 'VALID' : 'INVALID'}: key ${d.keyId} in tree of ${d.treeSize}: head signed ${d.sthSigned ? 'ok' : 'bad'}, inclusion ${d.included ? 'ok' : 'bad'}, consistency ${d.consistent === null ? 'not checked' : d.consistent ? 'ok' : 'bad'}`,
      );
      if (!v.valid) throw new TransparencyRejectedError(JSON.stringify(v));
    });
}
