/**
 * The Pump's bounded drain (pump.ts): what the delivery worker, summary scheduler and jobs worker
 * wait for on stop. Shutdown must not cut a pass short, nor wait for ever on one that hangs.
 */
import { describe, expect, it } from 'vitest';
import { Pump } from '../../src/server/pump.ts';

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const noRetry = () => 60_000;

describe('haltAndSettle', () => {
  it('waits for the pass in progress to end, and starts no other', async () => {
    const held = gate();
    let passes = 0;
    const pump = new Pump(async () => {
      passes++;
      await held.promise;
      return 0;
    }, noRetry);
    pump.start();
    await until(() => pump.running);
    pump.kick(); // a wake-up during the pass would run another after it
    let settled = false;
    const stopping = pump.haltAndSettle(5000).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    const opened = Date.now();
    held.open();
    await stopping;
    expect(Date.now() - opened).toBeLessThan(1000);
    expect(pump.running).toBe(false);
    expect(pump.stopped).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(passes).toBe(1);
  });

  it('waits for tracked work that outlives the pass', async () => {
    const held = gate();
    let started = false;
    const pump = new Pump(async () => {
      void pump.track(held.promise);
      started = true;
      return undefined;
    }, noRetry);
    pump.start();
    await until(() => started && !pump.running);
    let settled = false;
    const stopping = pump.haltAndSettle(5000).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    held.open();
    await stopping;
  });

  it('returns after the bound when a pass hangs', async () => {
    const pump = new Pump(() => new Promise<undefined>(() => {}), noRetry);
    pump.start();
    await until(() => pump.running);
    const began = Date.now();
    await pump.haltAndSettle(100);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(90);
    expect(took).toBeLessThan(1000);
    expect(pump.running).toBe(true);
  });

  it('returns at once when nothing runs', async () => {
    const pump = new Pump(async () => undefined, noRetry);
    const began = Date.now();
    await pump.haltAndSettle(5000);
    expect(Date.now() - began).toBeLessThan(100);
  });
});

describe('track', () => {
  it('hands the rejection back to the caller', async () => {
    const pump = new Pump(async () => undefined, noRetry);
    await expect(pump.track(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await pump.haltAndSettle(100);
  });
});

describe('kick', () => {
  it('a kick during a pass that ends before the next timer tick still runs another pass at once, not after the poll', async () => {
    let passes = 0;
    let kickDuringPass = true;
    const pump = new Pump(async () => {
      passes++;
      if (kickDuringPass) {
        kickDuringPass = false;
        pump.kick(); // new work arrives while this pass runs; the pass ends within the same tick
      }
      return 60_000; // nothing due: the next look would be the poll
    }, noRetry, { startHalted: false });
    pump.kick();
    await until(() => passes >= 2, 1000);
    expect(passes).toBe(2);
    pump.halt();
  });
});
