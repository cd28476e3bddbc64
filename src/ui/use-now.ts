/** A clock that re-renders its user every `everyMs`; the time source is injected for tests. */
import { useEffect, useState } from 'preact/hooks';

export type Clock = () => number;

/** The current time from `clock`, refreshed every `everyMs` (0 = never). */
export function useNow(clock: Clock, everyMs = 1000): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (everyMs <= 0) return undefined;
    const id = setInterval(() => setNow(clock()), everyMs);
    return () => clearInterval(id);
  }, [clock, everyMs]);
  return now;
}
