/**
 * The offline collateral source: files in one folder, named by the collateral key with `/`
 * turned into `__` (e.g. `tdx__b0c06f000000__platform.json`, `amd-crl__Milan.der`,
 * `nvidia-rim__NV_GPU_DRIVER_GH100_545.00.swidtag`). For the CLI, air-gapped verification
 * and tests; nothing is fetched.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { keyString, type CollateralKey, type CollateralRecord, type CollateralSource } from './source.ts';
import { certificateRecord, crlRecord, rimRecord, tdxRecord } from './versions.ts';
import type { TdxCollateral } from '../domain/tdx/collateral.ts';

export const fileStem = (key: CollateralKey): string => keyString(key).replace(/\//g, '__');

export class FileCollateralSource implements CollateralSource {
  constructor(private readonly dir: string) {}

  async fetch(key: CollateralKey, atMs: number): Promise<CollateralRecord | undefined> {
    const stem = fileStem(key);
    const name = existsSync(this.dir) ? readdirSync(this.dir).find((n) => n === stem || n.startsWith(`${stem}.`)) : undefined;
    if (!name) return undefined;
    const bytes = new Uint8Array(readFileSync(join(this.dir, name)));
    const k = keyString(key);
    switch (key.kind) {
      case 'tdx':
        return tdxRecord(k, JSON.parse(Buffer.from(bytes).toString('utf8')) as TdxCollateral, atMs);
      case 'amd-crl':
        return crlRecord(k, bytes, atMs);
      case 'nvidia-rim':
        return rimRecord(k, Buffer.from(bytes).toString('utf8'), atMs);
      default:
        return certificateRecord(k, bytes, atMs);
    }
  }
}
