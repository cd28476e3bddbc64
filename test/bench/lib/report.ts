/**
 * One line per benchmark (figure, baseline, ratio, target met or not, what limits it) and its
 * JSON under test/bench/results/<id>.json, which `npm run bench:table` turns into the README table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface BenchResult {
  /** B2, B3, ... */
  id: string;
  title: string;
  /** The headline figure and its unit ("pushes/s", "ms"). */
  figure: number;
  unit: string;
  /** The baseline measured in the same run, and what it is. */
  baseline?: number;
  baselineLabel?: string;
  /** figure / baseline, or baseline / figure for times: always "how many times better". */
  ratio?: number;
  target: string;
  met: boolean;
  /** What limits the figure when the target is missed (or a note when met). */
  limits?: string;
  /** Other figures worth keeping (p99, RSS, counts...). */
  details?: Record<string, unknown>;
}

let speed: number | undefined;

/**
 * How fast one core of this machine runs JavaScript now: JSON round trips of a settings-sized
 * object per millisecond, over 200 ms. Machines of the same name differ (the same code measured
 * 2× apart on two sessions' "2 × AMD EPYC"), so each result carries this to compare runs by.
 */
export function cpuSpeed(): number {
  if (speed !== undefined) return speed;
  const obj = { type: 'AT', ignoreInterval: '22:00-07:00', ignoreDuration: 0, timeZone: 'Europe/Paris', rules: [{ days: [1, 2, 3, 4, 5], from: 1320, to: 420 }] };
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 200) {
    for (let i = 0; i < 100; i++) JSON.parse(JSON.stringify(obj));
    n += 100;
  }
  speed = Math.round(n / (performance.now() - t0));
  return speed;
}

export function machine(): { nproc: number; cpu: string; node: string; memGb: number; jsonRoundTripsPerMs: number } {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, memGb: Math.round(totalmem() / 2 ** 30), jsonRoundTripsPerMs: cpuSpeed() };
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

/** Prints the benchmark's one line and writes its JSON (not in quick mode: smoke runs keep the last real figures). */
export function report(r: BenchResult, opts: { quick?: boolean } = {}): string {
  const base = r.baseline !== undefined ? `, baseline ${fmt(r.baseline)} ${r.unit}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}` : '';
  const ratio = r.ratio !== undefined ? `, ratio ${r.ratio.toFixed(2)}x` : '';
  const line = `${r.id} ${r.title}: ${fmt(r.figure)} ${r.unit}${base}${ratio} — target ${r.target}: ${r.met ? 'met' : 'MISSED'}${r.limits ? ` (${r.met ? 'note' : 'limited by'}: ${r.limits})` : ''}`;
  console.log(line);
  if (!opts.quick) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${r.id}.json`), `${JSON.stringify({ ...r, at: new Date().toISOString(), machine: machine() }, null, 2)}\n`);
  }
  return line;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};
