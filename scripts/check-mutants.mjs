#!/usr/bin/env node
/**
 * Checks mutants again, each in a fresh test process. Stryker keeps one test process for all
 * mutants, so a mutant in code that runs once per process (a schema built at import, a lazily
 * built table, a cache) is never re-run and survives spuriously.
 *
 *   node scripts/check-mutants.mjs --report reports/mutation-core/mutation.json --tests 'test/core/schema*.test.ts' src/core/schema.ts
 *     re-runs every survivor of those files from a Stryker report, applied at its exact location,
 *     and records the outcome in reports/mutation-rechecked.json, which mutation-summary.mjs reads
 *     (an entry counts only while the file's source is the one checked);
 *   node scripts/check-mutants.mjs list.json
 *     hand-written mutants: [{ "file", "line", "from", "to", "tests": [...] }], `from` once on that line.
 *
 * Files are changed in place and restored: run it in a clean worktree, never beside a Stryker run
 * (Stryker copies the tree when it starts). Prints one line per mutant; exits 1 if any survived.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mutantKey, RECHECKED, sourceHash } from './mutants-lib.mjs';

function runTests(tests, project) {
  const r = spawnSync('npx', ['vitest', 'run', ...(project === null ? [] : ['--project', project ?? 'unit']), ...tests], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = (r.stdout + r.stderr).replace(/\u001b\[[0-9;]*m/g, '').replace(/\u0000/g, '');
  const summary = /Tests\s+(.*)/.exec(out)?.[1]?.trim();
  // A run that never got to its tests (a missing dependency, a syntax error) proves nothing.
  if (summary === undefined) throw new Error(`vitest ran no tests (exit ${r.status}):\n${out.slice(-2000)}`);
  return { killed: r.status !== 0, summary };
}

/** Replaces `file`'s text for the duration of `fn`. */
function withText(file, text, fn) {
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, text);
  try {
    return fn();
  } finally {
    writeFileSync(file, original);
  }
}

/** Offset of a 1-based line and column. */
const offsetOf = (text, { line, column }) => {
  let at = 0;
  for (let l = 1; l < line; l++) at = text.indexOf('\n', at) + 1;
  return at + column - 1;
};

const args = process.argv.slice(2);
let survived = 0;
if (args[0] === '--report') {
  const report = JSON.parse(readFileSync(args[1], 'utf8'));
  if (args[2] !== '--tests') throw new Error('usage: --report <mutation.json> --tests <glob,glob> <file>...');
  const tests = args[3].split(',');
  const recorded = existsSync(RECHECKED) ? JSON.parse(readFileSync(RECHECKED, 'utf8')) : {};
  for (const file of args.slice(4)) {
    const entry = report.files[file];
    if (!entry) throw new Error(`${file} is not in ${args[1]}`);
    const source = readFileSync(file, 'utf8');
    if (source !== entry.source) throw new Error(`${file} changed since ${args[1]} was made: run Stryker on it again first`);
    const results = {};
    for (const m of entry.mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      const from = offsetOf(source, m.location.start);
      const to = offsetOf(source, m.location.end);
      const r = withText(file, source.slice(0, from) + m.replacement + source.slice(to), () => runTests(tests));
      results[mutantKey(m)] = r.killed ? 'Killed' : 'Survived';
      if (!r.killed) survived++;
      console.log(`${r.killed ? 'killed  ' : 'SURVIVED'} ${file}:${m.location.start.line} ${m.mutatorName}: ${source.slice(from, to).replace(/\s+/g, ' ').slice(0, 80)} → ${m.replacement.replace(/\s+/g, ' ').slice(0, 60)} — ${r.summary}`);
    }
    recorded[file] = { source: sourceHash(source), tests, checked: new Date().toISOString(), results };
  }
  writeFileSync(RECHECKED, `${JSON.stringify(recorded, null, 1)}\n`);
} else {
  for (const m of JSON.parse(readFileSync(args[0] ?? '/dev/stdin', 'utf8'))) {
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
    const r = withText(m.file, lines.join('\n'), () => runTests(m.tests, m.project));
    if (!r.killed) survived++;
    console.log(`${r.killed ? 'killed  ' : 'SURVIVED'} ${m.file}:${m.line} ${m.from} → ${m.to} — ${r.summary}`);
  }
}
process.exitCode = survived > 0 ? 1 : 0;
