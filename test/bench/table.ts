/**
 * `npm run bench:table`: the README's "Benchmarks (last run)" table, in markdown, from
 * test/bench/results/*.json (written by `npm run bench`). `--write` replaces the table in README.md
 * between its two marker comments.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './lib/report.ts';
import { machine, RESULTS_DIR } from './lib/report.ts';

type Stored = BenchResult & { at: string; machine: ReturnType<typeof machine> };

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
const order = (id: string) => [Number(/\d+/.exec(id)?.[0] ?? 99), id] as const;

export function table(): string {
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    /* no results yet */
  }
  const rows = files.map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as Stored)
    .sort((a, b) => { const [x, y] = [order(a.id), order(b.id)]; return x[0] - y[0] || x[1].localeCompare(y[1]); });
  const m = rows[0]?.machine ?? machine();
  const when = rows.map((r) => r.at).sort().at(-1) ?? 'never';
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `Machine: ${m.nproc} × ${m.cpu}, Node ${m.node}, ${m.memGb} GB${m.jsonRoundTripsPerMs ? ` (one core: ${m.jsonRoundTripsPerMs.toLocaleString('en-US')} JSON round trips of a settings object per ms)` : ''}; last result ${when.slice(0, 16).replace('T', ' ')} UTC. Shared machine: compare the ratio (measured in the same run), not absolute figures.`,
    '',
    '| # | benchmark | figure | baseline (same run) | ratio | target | met | limited by / note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.id} | ${esc(r.title)} | ${fmt(r.figure)} ${r.unit} | ${r.baseline !== undefined ? `${fmt(r.baseline)} ${r.unit}${r.baselineLabel ? ` (${esc(r.baselineLabel)})` : ''}` : '—'} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '—'} | ${esc(r.target)} | ${r.met ? 'yes' : '**no**'} | ${esc(r.limits ?? '')} |`),
  ];
  return lines.join('\n');
}

const START = '<!-- bench-table:start (npm run bench:table -- --write) -->';
const END = '<!-- bench-table:end -->';

if (process.argv[1] && /table\.ts$/.test(process.argv[1])) {
  const md = table();
  if (process.argv.includes('--write')) {
    const readme = join(RESULTS_DIR, '..', '..', '..', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} markers`);
    writeFileSync(readme, `${text.slice(0, a + START.length)}\n${md}\n${text.slice(b)}`);
    console.log('README.md table updated');
  } else console.log(md);
}
