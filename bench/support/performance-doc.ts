/** The benches' report: each bench owns one `## ` section of docs/performance.md and rewrites only that. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const PERFORMANCE_DOC = resolve(import.meta.dirname, '../../docs/performance.md');

/** Replaces (or appends) one `## ` section of a markdown document. */
export function replaceSection(doc: string, heading: string, body: string): string {
  const start = doc.indexOf(`${heading}\n`);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) return `${doc.trimEnd()}\n\n${section}`;
  const next = doc.indexOf('\n## ', start + heading.length);
  return `${doc.slice(0, start)}${section}${next < 0 ? '' : doc.slice(next)}`;
}

/** Rewrites one section of docs/performance.md (appended when it is not there yet). */
export function writeSection(heading: string, body: string): void {
  const doc = existsSync(PERFORMANCE_DOC) ? readFileSync(PERFORMANCE_DOC, 'utf8') : '# Performance\n';
  writeFileSync(PERFORMANCE_DOC, replaceSection(doc, heading, body));
}
