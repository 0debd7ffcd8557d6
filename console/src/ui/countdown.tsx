/** Seconds left until an instant on the server's clock; re-renders every 250 ms until zero. */
import { useEffect, useState } from 'preact/hooks';
import { serverNow } from '../api/client.ts';

export function useSecondsLeft(untilIso: string | undefined): number {
  const until = untilIso ? Date.parse(untilIso) : NaN;
  const left = () => (Number.isFinite(until) ? Math.max(0, Math.ceil((until - serverNow()) / 1000)) : 0);
  const [s, setS] = useState(left);
  useEffect(() => {
    setS(left());
    const t = setInterval(() => setS(left()), 250);
    return () => clearInterval(t);
  }, [until]);
  return s;
}

export function Countdown({ until }: { until: string }) {
  const s = useSecondsLeft(until);
  return (
    <span class={`countdown ${s <= 10 ? 'bad' : ''}`} data-seconds={s} aria-live="polite">
      {s > 0 ? `expires in ${s} s` : 'expired'}
    </span>
  );
}
