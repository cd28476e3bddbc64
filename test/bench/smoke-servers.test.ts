/** The quick mode of the benchmarks that start whole servers (see smoke.test.ts). */
import { describe, it } from 'vitest';

describe('benchmarks that start servers', () => {
  for (const name of ['settings-rest', 'load-mixed', 'bundle-size']) {
    it(`${name} runs in quick mode`, async () => {
      const mod = (await import(`./${name}.bench.ts`)) as { run: (o: { quick: boolean }) => Promise<void> };
      await mod.run({ quick: true });
    }, 20_000);
  }
});
