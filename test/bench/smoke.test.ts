/**
 * Every benchmark module loads and its quick mode (tiny sizes) runs: `npm run bench` cannot rot
 * unnoticed. Figures are not checked (benchmarks are not assertions) and no result JSON is written.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { table } from './table.ts';

const here = dirname(fileURLToPath(import.meta.url));
// The server-starting ones are in smoke-servers.test.ts: two files run in parallel (~10 s each).
const QUICK = ['group-fanout', 'webpush-throughput', 'group-push-e2e', 'idle-connections'];

describe('benchmarks', () => {
  it('every *.bench.ts has a default export', async () => {
    for (const f of readdirSync(here).filter((x) => x.endsWith('.bench.ts'))) {
      const mod = (await import(`./${f}`)) as { default?: unknown };
      expect(typeof mod.default, f).toBe('function');
    }
  });

  for (const name of QUICK) {
    it(`${name} runs in quick mode`, async () => {
      const mod = (await import(`./${name}.bench.ts`)) as { run: (o: { quick: boolean }) => Promise<void> };
      await mod.run({ quick: true });
    }, 20_000);
  }

  it('the README table renders from the results', () => {
    expect(table()).toContain('| # | benchmark |');
  });
});
