/**
 * The data folder holds secrets (the database with the VAPID private key and client secret): it
 * is created 0700 with its files 0600, a wider existing one is reported, and the server refuses
 * to start on a folder it cannot write (SPEC 7, #6 #8) instead of failing at the first write.
 */
import * as nodeFs from 'node:fs';
import { join } from 'node:path';

/** The file system calls used here (tests inject failing ones). */
export type DataDirFs = Pick<typeof nodeFs, 'mkdirSync' | 'writeFileSync' | 'unlinkSync' | 'statSync' | 'chmodSync' | 'existsSync'>;

export const DB_FILE = 'im.sqlite';
const DB_FILES = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`];

/** Creates the folder (0700) if needed and proves it writable with a probe file; throws a sentence otherwise. */
export function prepareDataDir(dir: string, fs: DataDirFs = nodeFs): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new Error(`cannot create it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '', { mode: 0o600 });
    fs.unlinkSync(probe);
  } catch (e) {
    throw new Error(`it is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Creates the database file 0600 before SQLite opens it (its WAL and shm files copy that mode). */
export function createDbFile(dir: string, fs: DataDirFs = nodeFs): void {
  const path = join(dir, DB_FILE);
  if (!fs.existsSync(path)) fs.writeFileSync(path, '', { mode: 0o600, flag: 'a' });
}

/** Narrows the database files to 0600 (after opening, when the WAL files exist). */
export function tightenDbFiles(dir: string, fs: DataDirFs = nodeFs): void {
  for (const f of DB_FILES) {
    const path = join(dir, f);
    if (fs.existsSync(path)) fs.chmodSync(path, 0o600);
  }
}

/** Sentences about an existing folder or database file that others than the owner may read. */
export function permissionWarnings(dir: string, fs: DataDirFs = nodeFs): string[] {
  const out: string[] = [];
  const check = (path: string, what: string, want: number) => {
    if (!fs.existsSync(path)) return;
    const mode = fs.statSync(path).mode & 0o777;
    if (mode & 0o077)
      out.push(`Warning: ${what} "${path}" has permissions ${mode.toString(8).padStart(4, '0')}; it holds secrets, so only the server's user should have access: chmod ${want.toString(8)} "${path}".`);
  };
  check(dir, 'the data folder', 0o700);
  for (const f of DB_FILES) check(join(dir, f), 'the database file', 0o600);
  return out;
}
