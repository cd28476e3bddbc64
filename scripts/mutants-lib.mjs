// Shared by check-mutants.mjs (which writes re-check results) and mutation-summary.mjs (which reads them).
import { createHash } from 'node:crypto';

/** Outcomes of mutants re-run in a fresh process, per file, valid while the file's source hash holds. */
export const RECHECKED = 'reports/mutation-rechecked.json';
export const sourceHash = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);
/** The key of a Stryker mutant: where it is and what it puts there. */
export const mutantKey = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.replacement ?? ''}`;
