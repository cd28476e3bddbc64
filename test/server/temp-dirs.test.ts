/** Tests leave no temporary folders behind: a test server's own data folder goes with `close`. */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';

it('removes the data folder it made when closed', async () => {
  const s = await startTestServer();
  expect(existsSync(s.dataDir)).toBe(true);
  await s.close();
  expect(existsSync(s.dataDir)).toBe(false);
});
