/**
 * `npm run migrate -- --data DIR --postgres URL [--schema NAME] [--batch N]`: copies an embedded
 * store into PostgreSQL so a deployment can grow into cluster mode without losing anyone's
 * settings (SPEC 8). Safe to run again: it copies only what is missing, then compares counts.
 * Exit status: 0 all counts equal, 1 some differ, 2 nothing done (a flag, a path, the server).
 */
import { parseArgs } from './args.ts';
import { MigrateError, migrateSqliteToPostgres } from './copy.ts';

async function main(): Promise<number> {
  try {
    const args = parseArgs(process.argv.slice(2));
    const report = await migrateSqliteToPostgres({ dataDir: args.data, url: args.postgres, ...(args.schema ? { schema: args.schema } : {}), ...(args.batch ? { batch: args.batch } : {}) });
    if (!report.ok) {
      const bad = report.tables.filter((t) => t.source !== t.target).map((t) => `${t.table} (${t.source} in SQLite, ${t.target} in PostgreSQL)`);
      console.error(`migration incomplete: row counts differ for ${bad.join(', ')}; was the PostgreSQL database already in use by another deployment?`);
      return 1;
    }
    console.log('done: every table has as many rows in PostgreSQL as in SQLite; start the server with --postgres.');
    return 0;
  } catch (e) {
    if (e instanceof MigrateError) {
      console.error(e.message);
      return 2;
    }
    console.error('migration failed:', e);
    return 2;
  }
}

process.exitCode = await main();
