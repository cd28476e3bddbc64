/** The flags of `npm run migrate`, checked into sentences. */
import { MigrateError } from './copy.ts';

const USAGE = 'usage: npm run migrate -- --data DIR --postgres URL [--schema NAME] [--batch N]';

export interface Args {
  data: string;
  postgres: string;
  schema?: string;
  batch?: number;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Args {
  const out: Partial<Record<'data' | 'postgres' | 'schema' | 'batch', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--help' || a === '-h') throw new MigrateError(USAGE);
    const m = /^--(data|postgres|schema|batch)(?:=(.*))?$/.exec(a);
    if (!m) throw new MigrateError(`unknown option ${a}; ${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--'))) throw new MigrateError(`--${m[1]} needs a value; ${USAGE}`);
    out[m[1] as keyof typeof out] = value;
  }
  const postgres = out.postgres ?? env.DATABASE_URL;
  if (!out.data) throw new MigrateError(`--data DIR is required: the server's data folder holding im.sqlite; ${USAGE}`);
  if (!postgres) throw new MigrateError(`--postgres URL (or DATABASE_URL) is required, for example postgres://user:password@host:5432/db; ${USAGE}`);
  if (!/^postgres(ql)?:\/\//.test(postgres)) throw new MigrateError(`--postgres must be a postgres:// URL, got "${postgres}"`);
  if (out.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(out.schema)) throw new MigrateError(`--schema must be lower-case letters, digits and _, got "${out.schema}"`);
  let batch: number | undefined;
  if (out.batch !== undefined) {
    batch = Number(out.batch);
    if (!Number.isInteger(batch) || batch < 1 || batch > 50_000) throw new MigrateError(`--batch must be a whole number from 1 to 50000, got "${out.batch}"`);
  }
  return { data: out.data, postgres, ...(out.schema ? { schema: out.schema } : {}), ...(batch ? { batch } : {}) };
}

