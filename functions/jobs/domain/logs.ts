/** A job's output, page by page: where it comes from depends on where jobs run (the composition chooses). */
import type { Job } from './job.ts';

export interface LogLine {
  /** Milliseconds since the epoch. */
  ts: number;
  stream: 'stdout' | 'stderr';
  message: string;
}

export interface LogPage {
  lines: LogLine[];
  next?: string;
}

/** The port: one page of a job's output after `cursor`. A cursor it did not hand out is a 400. */
export interface LogSource {
  read(job: Pick<Job, 'jobId' | 'containerId'>, limit: number, cursor?: string): Promise<LogPage>;
}
