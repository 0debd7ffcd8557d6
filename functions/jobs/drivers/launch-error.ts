/**
 * A container could not be launched. `retryable` says whether trying again later can help
 * (no capacity now) or not (an image without a task definition, a spec no task can hold).
 */
export type LaunchFailure = 'capacity_unavailable' | 'no_task_definition' | 'image_not_allowed' | 'invalid_spec' | 'rejected' | 'failed_to_start';

export class ContainerLaunchError extends Error {
  constructor(
    readonly failure: LaunchFailure,
    message: string,
    readonly retryable: boolean,
    /** Reasons as the engine gave them (for example RunTask `failures[].reason`). */
    readonly reasons: string[] = [],
  ) {
    super(message);
    this.name = 'ContainerLaunchError';
  }
}
