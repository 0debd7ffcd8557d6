/**
 * Form fields that send what the user typed and let the API judge it: a number box sends a
 * JSON number when it reads as one, else the text itself, so the API's own field error
 * (`body.quantityScu: must be at least 1`) is what the user sees under the field.
 */
import type { ComponentChildren } from 'preact';
import { issuesAt, type Shown } from '../api/problem.ts';
import { FieldErrors } from './error.tsx';

export function numberOrText(s: string): number | string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export function Field(props: { label: string; path: string; error: Shown | null; children: ComponentChildren; hint?: string }) {
  const issues = issuesAt(props.error, props.path);
  return (
    <label class={`field ${issues.length ? 'invalid' : ''}`} data-field={props.path}>
      <span class="field-label">{props.label}</span>
      {props.children}
      {props.hint ? <span class="muted hint">{props.hint}</span> : null}
      <FieldErrors issues={issues} />
    </label>
  );
}

export const inputValue = (e: Event): string => (e.currentTarget as HTMLInputElement).value;
