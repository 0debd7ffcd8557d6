/** Small pieces shared by the views: amounts, times, status badges, checks, copy-able ids. */
import type { ComponentChildren } from 'preact';
import { fmt } from '../money.ts';

export const Acu = ({ v }: { v: string }) => (
  <span class="acu" title={`${v} ACU`}>
    {fmt(v)}
  </span>
);

export const When = ({ iso }: { iso: string | undefined }) =>
  iso ? (
    <time dateTime={iso} title={iso}>
      {iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}
    </time>
  ) : (
    <span class="muted">–</span>
  );

const TONE: Record<string, string> = {
  COMPLETED: 'good',
  MINTED: 'good',
  PAID: 'good',
  VERIFIED: 'good',
  UPLOADED: 'good',
  JOINED: 'wait',
  ATTESTING: 'wait',
  REFUNDED: 'muted',
  ACTIVE: 'good',
  OPEN: 'good',
  RUNNING: 'info',
  LAUNCHING: 'info',
  QUEUED: 'wait',
  PENDING: 'wait',
  PROFILING: 'wait',
  ALLOCATING: 'wait',
  FAILED: 'bad',
  ABORTED: 'bad',
  EXPIRED: 'muted',
  FULLY_USED: 'muted',
  FILLED: 'muted',
  CANCELLED: 'muted',
};

export const Status = ({ s }: { s: string }) => (
  <span class={`badge ${TONE[s] ?? 'muted'}`} data-status={s}>
    {s}
  </span>
);

export const Verdict = ({ ok, children }: { ok: boolean; children: ComponentChildren }) => (
  <span class={`verdict ${ok ? 'good' : 'bad'}`} data-ok={String(ok)}>
    {ok ? '✔' : '✘'} {children}
  </span>
);

export const Section = ({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) => (
  <section class="card">
    <header class="card-head">
      <h2>{title}</h2>
      {actions}
    </header>
    {children}
  </section>
);

/** A view waiting for a route the API does not have yet. */
export const Waiting = ({ what, route }: { what: string; route: string }) => (
  <p class="waiting">
    {what}: waits for <code>{route}</code> (not in the API yet).
  </p>
);
