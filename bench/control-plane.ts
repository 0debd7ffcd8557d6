/**
 * The control plane in-process (`npm run bench:control-plane`): clearing price over 10,000
 * offers (target ≤ 10 ms p50), DRF batch placements per second over 1,000 units with MIG,
 * receipts signed and verified per second for each algorithm, transparency proof size and
 * verification time at 1,000,000 leaves (a simulated log: leaf hashes in memory), and the
 * bundle size of two control-plane Lambdas. Prints a report; exit code 1 when the clearing
 * target is missed. Options: --runs N (default 50).
 */
import { statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions } from '../lib/bundling.ts';
import { clearingPrice, supplyCurve, type SupplyOffer } from '../functions/control-plane/domain/oracle.ts';
import { scheduleBatch, type PlacementRequest, type Unit } from '../functions/control-plane/domain/scheduler.ts';
import { keyPairFromSeeds, publicKeys, signBoth, verifyOne } from '../functions/control-plane/domain/signatures.ts';
import { inclusionProof, consistencyProof, leafHash, rootOf, verifyInclusion, verifyConsistency } from '../functions/control-plane/domain/merkle.ts';
import { seededPrng } from '../functions/platform/ids.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const RUNS = Number(values.runs);
const rnd = seededPrng(42);
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => void, n = RUNS) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return p50(out);
};
const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};

// Oracle
const offers: SupplyOffer[] = Array.from({ length: 10_000 }, (_, i) => ({
  providerId: `p${i}`,
  gpuProfile: 'H100',
  region: 'us-east-1',
  capacityScm: BigInt(1 + Math.floor(rnd() * 1000)),
  priceMicro: BigInt(1 + Math.floor(rnd() * 5_000_000)),
  offeredAt: 0,
}));
const cfg = { reserveRatioBps: 1_000n, floorPriceMicro: 0n, capPriceMicro: 10n ** 12n };
const clearMs = time(() => clearingPrice('b', supplyCurve(offers), 2_000_000n, cfg));
say(`clearing price, 10,000 offers (curve + clear): p50 ${clearMs.toFixed(2)} ms (target ≤ 10 ms)`);

// Scheduler
const units: Unit[] = [];
for (let g = 0; units.length < 1000; g++) {
  if (g % 4 === 0)
    for (let m = 0; m < 7; m++)
      units.push({
        unitId: `g${g}/mig${m}`,
        providerId: `p${g % 50}`,
        gpuProfile: 'H100',
        region: 'r',
        kind: 'mig',
        gpuId: `g${g}`,
        migProfile: '1g.10gb',
        capacity: { memoryMb: 10_000n, sms: 16n },
        attainedScm: 0n,
        allocations: [],
      });
  else
    units.push({
      unitId: `g${g}`,
      providerId: `p${g % 50}`,
      gpuProfile: 'H100',
      region: 'r',
      kind: 'gpu',
      gpuId: `g${g}`,
      capacity: { memoryMb: 80_000n, sms: 132n },
      attainedScm: BigInt(Math.floor(rnd() * 1000)),
      allocations: [],
    });
}
const reqs: PlacementRequest[] = Array.from({ length: 1000 }, (_, i) => ({
  jobId: `j${i}`,
  tenantId: `t${i % 20}`,
  need: { memoryMb: BigInt(2_000 + (i % 5) * 4_000), sms: BigInt(4 + (i % 7) * 4) },
  scm: 60n,
}));
const batchMs = time(() => scheduleBatch(units, reqs), Math.max(3, Math.floor(RUNS / 10)));
say(`DRF batch, 1,000 requests over ${units.length} units (incl. MIG): p50 ${batchMs.toFixed(1)} ms → ${Math.round(1000 / (batchMs / 1000))} placements/s`);

// Receipts
const keys = keyPairFromSeeds(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
const pks = publicKeys(keys);
const msg = new TextEncoder().encode(JSON.stringify({ receipt: 'x'.repeat(600) }));
signBoth(keys, 'l', msg);
const sigs = signBoth(keys, 'l', msg);
const signMs = time(() => signBoth(keys, 'l', msg));
const edMs = time(() => verifyOne(pks[0]!, sigs[0]!, 'l', msg));
const pqMs = time(() => verifyOne(pks[1]!, sigs[1]!, 'l', msg));
say(
  `receipts: sign both p50 ${signMs.toFixed(2)} ms (${Math.round(1000 / signMs)}/s); verify Ed25519 ${edMs.toFixed(3)} ms (${Math.round(1000 / edMs)}/s), ML-DSA-65 ${pqMs.toFixed(2)} ms (${Math.round(1000 / pqMs)}/s)`,
);

// Transparency, simulated 1,000,000 leaves
const N = 1_000_000;
const leaves = Array.from({ length: N }, (_, i) => leafHash(new TextEncoder().encode(`k${i}`)));
let t = performance.now();
const root = rootOf(leaves);
say(`transparency: root of 1,000,000 leaves ${(performance.now() - t).toFixed(0)} ms`);
const proof = inclusionProof(leaves, 123_456);
const incMs = time(() => verifyInclusion(123_456, N, leaves[123_456]!, proof, root));
const m = 600_000;
const cons = consistencyProof(leaves, m);
const oldRoot = rootOf(leaves.slice(0, m));
t = performance.now();
const ok = verifyConsistency(m, N, cons, oldRoot, root);
say(
  `  inclusion proof ${proof.length} hashes (${proof.length * 32} B), verify p50 ${incMs.toFixed(3)} ms; consistency ${m} → ${N}: ${cons.length} hashes (${cons.length * 32} B), verified ${ok} in ${(performance.now() - t).toFixed(3)} ms`,
);

// Bundles
const dir = mkdtempSync(join(tmpdir(), 'vracu-cp-bench-'));
for (const entry of ['functions/control-plane/handlers/oracle-price.ts', 'functions/control-plane/handlers/job-receipt.ts']) {
  const out = join(dir, `${entry.split('/').pop()}.mjs`);
  await build(esbuildOptions(entry, out, false));
  say(`bundle ${entry}: ${Math.round(statSync(out).size / 1024)} KB`);
}
process.exitCode = clearMs <= 10 ? 0 : 1;
