/** Loading a call's result into a view: data, the error to show, and a reload. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { shown, type Shown } from '../api/problem.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Shown | null;
  loading: boolean;
  reload(): Promise<void>;
}

/** Runs `fn` now and whenever `deps` change; with `everyMs`, again on that period while `until` is false. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[], opts: { everyMs?: number; until?: (v: T) => boolean } = {}): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Shown | null>(null);
  const [loading, setLoading] = useState(true);
  const gen = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++gen.current;
    setLoading(true);
    try {
      const v = await fn();
      if (mine !== gen.current) return;
      setData(v);
      setError(null);
    } catch (e) {
      if (mine === gen.current) setError(shown(e));
    } finally {
      if (mine === gen.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
    return () => void gen.current++;
  }, [reload]);
  const done = data !== undefined && opts.until?.(data);
  useEffect(() => {
    if (!opts.everyMs || done) return;
    const t = setInterval(() => void reload(), opts.everyMs);
    return () => clearInterval(t);
  }, [reload, opts.everyMs, done]);
  return { data, error, loading, reload };
}

/** A user action (a button): runs once at a time, keeps its result or error. */
export function useAction<A extends unknown[], T>(fn: (...args: A) => Promise<T>) {
  const [result, setResult] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (...args: A): Promise<T | undefined> => {
    if (busy) return undefined;
    setBusy(true);
    setError(null);
    try {
      const v = await fn(...args);
      setResult(v);
      return v;
    } catch (e) {
      setError(shown(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, result, error, busy, clear: () => (setResult(undefined), setError(null)) };
}
