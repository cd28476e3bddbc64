/** The quick mode of the benchmarks that start whole servers (see smoke.test.ts). */
import { describe, it } from 'vitest';
import { canRun } from './popup-open.bench.ts';

describe('benchmarks that start servers', () => {
  for (const name of ['settings-rest', 'load-mixed', 'bundle-size']) {
    it(`${name} runs in quick mode`, async () => {
      const mod = (await import(`./${name}.bench.ts`)) as { run: (o: { quick: boolean }) => Promise<void> };
      await mod.run({ quick: true });
    }, 20_000);
  }

  // B5 drives Chromium with the test build: counted as skipped where either is missing (`npm test` builds it first).
  it.skipIf(!canRun())('popup-open runs in quick mode', async () => {
    const mod = await import('./popup-open.bench.ts');
    await mod.run({ quick: true });
  }, 90_000);
});
