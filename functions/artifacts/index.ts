/**
 * The artifacts context's face to other contexts. The privacy gate calls releaseInputs after a
 * job's handshake passed; the job lifecycle calls outputSlots before the workload starts and
 * recordOutputs with what the sidecar reported (docs/artifacts.md, "Integration seams").
 */
export { composeArtifacts, artifactsContext, type ArtifactsDeps, type ArtifactsInputs } from './deps.ts';
export { loadArtifactsConfig, type ArtifactsConfig } from './config.ts';
export { releaseInputs, type ReleaseRequest, type ReleasedInput } from './usecases/release.ts';
export { outputSlots, recordOutputs, type OutputGrant, type OutputSlot, type ReportedOutput } from './usecases/outputs.ts';
export type { KeyWrapper } from './drivers/key-wrapper.ts';
export { LocalKeyWrapper } from './drivers/local-key-wrapper.ts';
export type { ObjectStore, PresignedUrl } from './drivers/object-store.ts';
/** The privacy gate's side of the handshake: released inputs as they travel to the sidecar, and the wire shape. */
export { wireInputs, type WireInput } from './usecases/sidecar.ts';
export { OutputGrantOut, ReleasedInputOut } from './api.ts';
