/**
 * Reference ("golden") GPU measurements and the comparison nvtrust's local verifier makes:
 * the driver RIM and the VBIOS RIM together give, per measurement index, whether it is active,
 * its size and its accepted alternatives; every active index must be present in the report
 * with that size and one of those values. RIM indices count from 0, SPDM block indices from 1
 * (RIM index i is block i + 1, as nvtrust pairs them). RIM index 35 (NVDEC0) is skipped when
 * NVDEC0 is disabled. Pure.
 */
import { toHex } from '../bytes.ts';
import type { Findings } from '../result.ts';
import type { MeasurementBlock } from './spdm.ts';

export interface GoldenMeasurement {
  index: number;
  active: boolean;
  /** Bytes. */
  size: number;
  /** Lowercase hex values, any of which is accepted. */
  alternatives: string[];
}

export interface ReferenceSet {
  /** Where it came from ("driver RIM 545.00", "configured"), for messages. */
  source: string;
  /** The RIM's colloquialVersion (the driver or VBIOS version it is for). */
  version?: string;
  measurements: GoldenMeasurement[];
}

export const NVDEC0_INDEX = 35;

/** Driver ∪ VBIOS: an index active in both is a conflict (nvtrust refuses it too). */
export function mergeGolden(sets: readonly ReferenceSet[], f: Findings): Map<number, GoldenMeasurement & { source: string }> {
  const out = new Map<number, GoldenMeasurement & { source: string }>();
  for (const s of sets) {
    for (const m of s.measurements) {
      if (!m.active) continue;
      const prior = out.get(m.index);
      if (prior) {
        f.fail('malformed', `measurement ${m.index} is active in both ${prior.source} and ${s.source}`);
        continue;
      }
      out.set(m.index, { ...m, source: s.source });
    }
  }
  return out;
}

export function compareMeasurements(
  blocks: readonly MeasurementBlock[],
  golden: Map<number, GoldenMeasurement & { source: string }>,
  nvdec0Disabled: boolean,
  f: Findings,
): { matched: number; compared: number } {
  const runtime = new Map(blocks.map((b) => [b.index, b]));
  let matched = 0;
  let compared = 0;
  const bad: string[] = [];
  for (const g of [...golden.values()].sort((a, b) => a.index - b.index)) {
    if (g.index === NVDEC0_INDEX && nvdec0Disabled) continue;
    compared++;
    const b = runtime.get(g.index + 1);
    if (!b) {
      bad.push(`${g.index} missing`);
      continue;
    }
    const v = toHex(b.value);
    if (b.value.length !== g.size || !g.alternatives.includes(v)) bad.push(`${g.index} (${g.source})`);
    else matched++;
  }
  if (bad.length)
    f.fail(
      'measurement_mismatch',
      `${bad.length} of ${compared} golden measurements do not match: ${bad.slice(0, 8).join(', ')}${bad.length > 8 ? ', …' : ''}`,
    );
  return { matched, compared };
}
