/**
 * Merkle inclusion check for one record (chunk) of an artifact: against the root the exchange
 * recorded for an artifact the caller may see, or against a root the caller gives.
 */
import type { Principal } from '../../platform/auth/principal.ts';
import { verifyInclusion } from '../../platform/crypto/merkle.ts';
import { visibleArtifact } from './inputs.ts';
import type { ArtifactsDeps } from '../deps.ts';

export interface VerifyInput {
  artifactId?: string | undefined;
  merkleRoot?: string | undefined;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

export async function verifyProof(
  d: ArtifactsDeps,
  p: Principal,
  v: VerifyInput,
): Promise<{ valid: boolean; merkleRoot: string; checks: { rootMatchesRecord: boolean | null } }> {
  const recorded = v.artifactId ? (await visibleArtifact(d, p, v.artifactId)).merkleRoot : undefined;
  const root = v.merkleRoot ?? recorded!;
  const rootMatchesRecord = recorded === undefined ? null : recorded === root;
  const included = verifyInclusion(
    Buffer.from(v.leafHash, 'hex'),
    v.leafIndex,
    v.treeSize,
    v.proof.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(root, 'hex'),
  );
  return { valid: included && rootMatchesRecord !== false, merkleRoot: root, checks: { rootMatchesRecord } };
}
