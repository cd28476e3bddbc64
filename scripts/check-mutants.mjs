#!/usr/bin/env node
/**
 * Checks mutants by hand, each in a fresh test process: `node scripts/check-mutants.mjs list.json`.
 * Stryker keeps one test process for all mutants, so a mutant in code that runs once per process
 * (a schema built at import, a lazily built table) is never re-run and survives spuriously; and
 * a mutant on a line changed after a run is not measured. Each entry of the list:
 *   { "file": "src/core/x.ts", "line": 12, "from": "a > b", "to": "a >= b", "tests": ["test/core/x.test.ts"] }
 * `from` must occur exactly once on that line. The file is changed in place and restored, so run
 * this in a clean worktree, not beside a Stryker run. Prints one line per mutant; exits 1 if any
 * survived.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const list = JSON.parse(readFileSync(process.argv[2] ?? '/dev/stdin', 'utf8'));
let survived = 0;
for (const m of list) {
  const original = readFileSync(m.file, 'utf8');
  const lines = original.split('\n');
  const line = lines[m.line - 1] ?? '';
  const at = line.indexOf(m.from);
  if (at < 0 || line.indexOf(m.from, at + 1) >= 0) {
    console.log(`NOT APPLIED ${m.file}:${m.line} — "${m.from}" must occur once on: ${line.trim()}`);
    survived++;
    continue;
  }
  lines[m.line - 1] = line.slice(0, at) + m.to + line.slice(at + m.from.length);
  writeFileSync(m.file, lines.join('\n'));
  try {
    const r = spawnSync('npx', ['vitest', 'run', ...(m.project === null ? [] : ['--project', m.project ?? 'unit']), ...m.tests], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const out = (r.stdout + r.stderr).replace(/\u001b\[[0-9;]*m/g, '').replace(/\u0000/g, '');
    const summary = /Tests\s+(.*)/.exec(out)?.[1]?.trim() ?? '(no summary: the run itself failed)';
    const killed = r.status !== 0;
    if (!killed) survived++;
    console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${m.file}:${m.line} ${m.from} → ${m.to} — ${summary}`);
  } finally {
    writeFileSync(m.file, original);
  }
}
process.exitCode = survived > 0 ? 1 : 0;
