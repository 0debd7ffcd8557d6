/**
 * `vracu receipts get|verify` and `vracu signing-keys`. `verify` checks a receipt file's
 * two signatures (Ed25519 AND ML-DSA-65) over its RFC 8785 bytes: offline with `--keys`
 * (a file holding what `GET /v1/signing-keys` answers), else with the keys the exchange
 * publishes now — and then also that both signing keys are in the key transparency log
 * (sdk/key-log.ts; logged after the latest head is a note). An invalid receipt, or a signer
 * key the log refuses, ends in ReceiptRejectedError (exit 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { receiptRoute, signingKeysRoute } from '../../functions/control-plane/api.ts';
import { verifyReceipt, type SignedReceipt } from '../../functions/control-plane/index.ts';
import { keyInLog, type KeyLogVerdict } from '../key-log.ts';

export class ReceiptRejectedError extends Error {
  constructor(readonly detail: string) {
    super(`receipt rejected: ${detail}`);
    this.name = 'ReceiptRejectedError';
  }
}

type Keys = Parameters<typeof verifyReceipt>[0];

export function registerReceipts(program: Command, ctx: CliContext): void {
  program
    .command('signing-keys')
    .description("the exchange's receipt signing keys (save with --json to verify offline)")
    .action(async () => {
      const r = await ctx.client().call(signingKeysRoute);
      ctx.print(r, (d: typeof r) => d.keys.map((k) => `${k.alg.padEnd(10)} ${k.keyId}`).join('\n'));
    });

  const receipts = program.command('receipts').description('signed settlement receipts');
  receipts
    .command('get <jobId>')
    .description("a settled job's signed receipt")
    .option('--out <file>', 'write the receipt to a file (for `receipts verify`)')
    .action(async (jobId: string, o: { out?: string }) => {
      const r = await ctx.client().call(receiptRoute, { params: { id: jobId } });
      if (o.out) writeFileSync(o.out, `${JSON.stringify(r, null, 2)}\n`);
      ctx.print(r, (d: typeof r) => (o.out ? `receipt of ${jobId} written to ${o.out}` : JSON.stringify(d, null, 2)));
    });
  receipts
    .command('verify <file>')
    .description('check both signatures of a receipt file (Ed25519 and ML-DSA-65) and, online, that both keys are in the key log; exits 1 unless all hold')
    .option('--keys <file>', 'the signing keys as GET /v1/signing-keys answers them (offline); default: fetched from the exchange')
    .action(async (file: string, o: { keys?: string }) => {
      const signed = JSON.parse(readFileSync(file, 'utf8')) as SignedReceipt;
      const keys: Keys = o.keys ? (JSON.parse(readFileSync(o.keys, 'utf8')) as { keys: Keys }).keys : (await ctx.client().call(signingKeysRoute)).keys;
      const v = verifyReceipt(keys, signed);
      // Online, the keys that verified must be the ones the key transparency log holds.
      let keyLog: KeyLogVerdict[] | null = null;
      if (!o.keys && v.valid) {
        const c = ctx.client();
        keyLog = await Promise.all(
          keys.map((k) => keyInLog(c, { kind: 'receipt-signer', keyId: k.keyId, publicKey: k.publicKey, name: `the receipt signer's ${k.alg}` }, keys)),
        );
      }
      const refused = keyLog?.find((k) => k.state === 'refused') as Extract<KeyLogVerdict, { state: 'refused' }> | undefined;
      const logged = keyLog === null ? null : refused ? 'refused' : keyLog.every((k) => k.state === 'included') ? 'included' : 'pending';
      const out = {
        valid: v.valid && !refused,
        ed25519: v.ed25519,
        mlDsa65: v.mlDsa65,
        jobId: signed.receipt?.jobId ?? null,
        offline: Boolean(o.keys),
        signersLogged: logged,
      };
      const logLine = (d: typeof out) =>
        d.signersLogged === 'included'
          ? '\n  signing keys in the key transparency log'
          : d.signersLogged === 'pending'
            ? '\n  signing keys logged after the latest signed tree head (the next head includes them)'
            : d.signersLogged === 'refused'
              ? `\n  key transparency log: ${refused!.why}`
              : '';
      ctx.print(
        out,
        (d: typeof out) =>
          `${d.valid ? 'VALID' : 'INVALID'} receipt of ${d.jobId}: ed25519 ${d.ed25519 ? 'ok' : 'bad'}, ml-dsa-65 ${d.mlDsa65 ? 'ok' : 'bad'}${logLine(d)}`,
      );
      if (!v.valid) throw new ReceiptRejectedError(`ed25519 ${v.ed25519 ? 'ok' : 'bad'}, ml-dsa-65 ${v.mlDsa65 ? 'ok' : 'bad'}`);
      if (refused) throw new ReceiptRejectedError(refused.why);
    });
}
