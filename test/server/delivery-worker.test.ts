/**
 * The delivery worker (push/worker.ts) on its own, over a fake queue and store and a stubbed
 * sender, under fake timers: how many claims a pass makes, which rows it starts, when outcomes
 * are written and what it logs when the store fails. Every count follows from the protocol
 * (claim sizes, lease, batch size) and every delay is of the fake clock, never of wall time.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { makeConfig, type PushDeliveryConfig } from '../../src/server/config.ts';
import type { Context } from '../../src/server/context.ts';
import { DeliveryWorker, retryAfterMs } from '../../src/server/push/worker.ts';
import type { SendOutcome, WebPushSender } from '../../src/server/push/webpush.ts';
import type { DeliveryRow, SettledDelivery } from '../../src/server/store/ports.ts';

const T0 = 1_700_000_000_000;
const ORIGIN = 'https://push.example';

function subscription(id: number): string {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return JSON.stringify({ endpoint: `${ORIGIN}/ep${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } });
}

function row(id: number, over: Partial<DeliveryRow> = {}): DeliveryRow {
  const seq = over.message_seq ?? 1;
  const message = { id: String(seq), from: 'bob', to: 'alice', conversation: { id: 'bob', type: 'singleChat' }, type: 'txt', body: { msg: 'hi' }, ts: 1 };
  return { id, message_seq: seq, username: 'alice', device_id: `dev${id}`, badge: 1, language: 'en', attempts: 0, due: T0, message: JSON.stringify(message), token: subscription(id), ...over };
}

interface Rig {
  w: DeliveryWorker;
  ctx: Context;
  clock: { now: number };
  queue: DeliveryRow[];
  claim: ReturnType<typeof vi.fn>;
  nextDueAfter: ReturnType<typeof vi.fn>;
  release: ReturnType<typeof vi.fn>;
  settleDeliveries: ReturnType<typeof vi.fn>;
  nickname: ReturnType<typeof vi.fn>;
  removeIfToken: ReturnType<typeof vi.fn>;
  invalidate: ReturnType<typeof vi.fn>;
  send: MockInstance<WebPushSender['send']>;
  log: { error: ReturnType<typeof vi.fn>; warn: ReturnType<typeof vi.fn> };
  /** Every outcome written so far, in order. */
  settled(): SettledDelivery[];
}

const rigs: Rig[] = [];

function makeRig(push: Partial<PushDeliveryConfig> = {}, certificates: { type: string; name: string }[] = [{ type: 'webpush', name: 'webpush' }]): Rig {
  const clock = { now: T0 };
  const queue: DeliveryRow[] = [];
  const config = makeConfig({
    dataDir: '/nonexistent', nodeId: 'node-x', allowPrivatePushEndpoints: true, now: () => clock.now,
    push: { concurrency: 4, claimBatch: 2, pollMs: 1000, leaseMs: 1000, backoffBaseMs: 100, maxAttempts: 5, encryptThreads: 0, ...push } as PushDeliveryConfig,
  });
  const claim = vi.fn((_node: string, _now: number, limit: number) => queue.splice(0, limit));
  const nextDueAfter = vi.fn((): number | null => null);
  const release = vi.fn(() => 0);
  const settleDeliveries = vi.fn((_rows: readonly SettledDelivery[]) => undefined as unknown as Promise<void>);
  const nickname = vi.fn((u: string) => u.toUpperCase());
  const removeIfToken = vi.fn(() => true);
  const invalidate = vi.fn(() => undefined);
  const ctx = {
    config,
    deliveries: { claim, nextDueAfter, release },
    store: { settleDeliveries },
    users: { nickname },
    bindings: { removeIfToken },
    router: { invalidate },
    certificates,
    vapid: { publicKey: 'unused', privateKey: 'unused' },
  } as unknown as Context;
  const log = { error: vi.fn(), warn: vi.fn() };
  const w = new DeliveryWorker(ctx, log as unknown as FastifyBaseLogger);
  const send = vi.spyOn(w.sender, 'send').mockResolvedValue({ status: 201 });
  const rig: Rig = {
    w, ctx, clock, queue, claim, nextDueAfter, release, settleDeliveries, nickname, removeIfToken, invalidate, send, log,
    settled: () => settleDeliveries.mock.calls.flatMap((c) => [...c[0]]),
  };
  rigs.push(rig);
  return rig;
}

/** Lets every pending promise chain and every timer due now run (the fake clock stands still). */
async function idle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(0);
  }
}

/** A send that answers when the test says so. */
function heldSend(rig: Rig): ((o: SendOutcome) => void)[] {
  const answers: ((o: SendOutcome) => void)[] = [];
  rig.send.mockImplementation(() => new Promise<SendOutcome>((r) => answers.push(r)));
  return answers;
}

const result = (rig: Rig, id: number) => rig.settled().find((s) => s.id === id)?.result;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    const stopped = r.w.stop();
    await vi.advanceTimersByTimeAsync(5000);
    await stopped;
  }
  vi.useRealTimers();
});

describe('Retry-After', () => {
  it('a number of seconds with spaces around it is still read as seconds', () => {
    expect(retryAfterMs(' 120 ', T0)).toBe(120_000);
  });
});

describe('the sender the worker builds', () => {
  it('uses the configured agent as is', () => {
    const agent = new Agent();
    const { w } = makeRig({ agent });
    expect((w.sender as unknown as { agent: Agent }).agent).toBe(agent);
    agent.destroy();
  });

  it.each([[4, 32], [100, 100]])('with concurrency %i keeps up to %i sockets per origin (never fewer than 32)', (concurrency, sockets) => {
    const { w } = makeRig({ concurrency });
    expect((w.sender as unknown as { agent: Agent }).agent.maxSockets).toBe(sockets);
  });
});

describe('passes and claims', () => {
  it('runs from construction: a kick before start() already claims and sends', async () => {
    const rig = makeRig();
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(1);
  });

  it('a queue read that fails is logged with its error and tried again after pollMs', async () => {
    const rig = makeRig();
    const err = new Error('database restarting');
    rig.claim.mockImplementationOnce(() => { throw err; });
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    expect(rig.log.error).toHaveBeenCalledWith({ err }, 'delivery worker could not read the queue');
    expect(rig.send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(1);
  });

  it('claims max(free slots, claimBatch) rows and no more once every slot is busy', async () => {
    const rig = makeRig({ concurrency: 4, claimBatch: 2 });
    heldSend(rig);
    rig.queue.push(...[1, 2, 3, 4, 5, 6].map((i) => row(i)));
    rig.w.kick();
    await idle();
    expect(rig.claim.mock.calls).toEqual([['node-x', T0, 4, 1000]]);
    expect(rig.send).toHaveBeenCalledTimes(4);
  });

  it('a pass while every slot is busy neither claims nor looks up the next due time', async () => {
    const rig = makeRig({ concurrency: 1, claimBatch: 1 });
    heldSend(rig);
    rig.queue.push(row(1), row(2));
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
    expect(rig.nextDueAfter).toHaveBeenCalledTimes(1);
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
    expect(rig.nextDueAfter).toHaveBeenCalledTimes(1);
  });

  it('a claim that returns fewer rows than asked is the last claim of its pass', async () => {
    const rig = makeRig({ concurrency: 4 });
    heldSend(rig);
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
  });

  it('a row claimed again while its request is in flight is not sent twice', async () => {
    const rig = makeRig({ concurrency: 3, claimBatch: 2 });
    heldSend(rig);
    const first = row(1);
    rig.queue.push(first);
    rig.w.kick();
    await idle();
    // Its lease ran out elsewhere, say: the queue hands it out again with a new row.
    rig.queue.push(first, row(2));
    rig.w.kick();
    await idle();
    expect(rig.send.mock.calls.length).toBe(2);
  });

  it('waits for the next due row (at least 5 ms) rather than the poll interval', async () => {
    const rig = makeRig({ pollMs: 1000 });
    rig.nextDueAfter.mockReturnValue(T0 + 100);
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(rig.claim).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rig.claim).toHaveBeenCalledTimes(2);
  });

  it('rows of a service that is not answering become waits without requests, and a pass reads at most 8 batches of them', async () => {
    const rig = makeRig({ concurrency: 2, claimBatch: 2 });
    rig.send.mockResolvedValueOnce({ status: 0, error: 'timed out', unanswered: true });
    let next = 100;
    // First the row whose request gets no answer, then an endless supply (bounded so a mutant
    // that never stops claiming ends) of rows for the same service.
    rig.claim.mockImplementation(() => (rig.claim.mock.calls.length === 1 ? [row(1)] : rig.claim.mock.calls.length > 40 ? [] : [row(next++), row(next++)]));
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
    // The next pass (at the poll: the finished request's kick came while the first pass was
    // still running) claims batch after batch of waits, 8 at most.
    await vi.advanceTimersByTimeAsync(1000);
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(1);
    expect(rig.claim).toHaveBeenCalledTimes(1 + 8);
    await vi.advanceTimersByTimeAsync(10);
    const waits = rig.settled().filter((s) => s.id >= 100);
    expect(waits).toHaveLength(16);
    expect(waits[0]!.result).toBe(`retrying (${ORIGIN} is not answering, attempt 1 of 5, next in 100 ms)`);
    // A wait is not a failed push: only the request that got no answer is logged.
    expect(rig.log.warn.mock.calls.filter((c) => c[1] === 'web push not delivered')).toHaveLength(1);
  });
});

describe('buffered rows and the lease', () => {
  it.each([
    ['exactly half the lease: it is still sent', 500, 2],
    ['more than half the lease: it is left to be claimed again', 501, 1],
  ])('a row buffered for %s', async (_what, waited, sends) => {
    const rig = makeRig({ concurrency: 1, claimBatch: 3, leaseMs: 1000 });
    const answers = heldSend(rig);
    rig.queue.push(row(1), row(2), row(3));
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
    // Buffered rows left: the pass does not look for the next due time.
    expect(rig.nextDueAfter).not.toHaveBeenCalled();
    rig.clock.now = T0 + waited;
    answers[0]!({ status: 201 });
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(sends);
  });

  it('a failure while recording a buffered row\'s wait is logged with its error', async () => {
    const rig = makeRig({ concurrency: 1, claimBatch: 2 });
    const err = new Error('boom');
    // Stands in for any failure inside `record` for the wait (the first record, of the
    // unanswered request, reads the certificates fine; the wait's read throws).
    let reads = 0;
    Object.defineProperty(rig.ctx, 'certificates', {
      get: () => {
        if (++reads === 2) throw err;
        return [{ type: 'webpush', name: 'webpush' }];
      },
    });
    rig.send.mockResolvedValueOnce({ status: 0, error: 'timed out', unanswered: true });
    rig.queue.push(row(1), row(2));
    rig.w.kick();
    await idle();
    expect(rig.log.error).toHaveBeenCalledWith({ err }, 'delivery worker could not record a wait');
    expect(rig.log.error).toHaveBeenCalledTimes(1);
  });
});

describe('message reads', () => {
  it('reads a message and its sender once for all its rows, and keeps the last 64 messages', async () => {
    const rig = makeRig({ concurrency: 100, claimBatch: 100 });
    const seqs = [...Array.from({ length: 65 }, (_, i) => i + 1), 1, 65];
    rig.queue.push(...seqs.map((seq, i) => row(i + 1, { message_seq: seq })));
    rig.w.kick();
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(67);
    // 65 messages, then message 1 again (the 65th pushed it out), then 65 (still kept).
    expect(rig.nickname).toHaveBeenCalledTimes(66);
  });
});

describe('with encryption threads', () => {
  /** A rig whose sender says it encrypts off the event loop, with `prepare` and `post` stubbed. */
  function threadedRig(push: Partial<PushDeliveryConfig>) {
    const rig = makeRig(push);
    vi.spyOn(rig.w.sender, 'encryptsOffThread', 'get').mockReturnValue(true);
    const prepare = vi.spyOn(rig.w.sender, 'prepare').mockImplementation(async (sub) => ({ url: new URL(sub.endpoint), body: Buffer.from('sealed') }));
    const answers: ((o: SendOutcome) => void)[] = [];
    const post = vi.spyOn(rig.w.sender, 'post').mockImplementation(() => new Promise<SendOutcome>((r) => answers.push(r)));
    return { rig, prepare, post, answers };
  }

  it('prepares every claimed row at once, and posts them as slots free up, each with its Topic', async () => {
    const { rig, prepare, post, answers } = threadedRig({ concurrency: 2, claimBatch: 5 });
    rig.queue.push(...[1, 2, 3, 4, 5].map((i) => row(i)));
    rig.w.kick();
    await idle();
    // The whole batch went to encryption in one turn; only two requests are in flight.
    expect(prepare).toHaveBeenCalledTimes(5);
    expect(prepare.mock.calls.map(([sub]) => sub.endpoint)).toEqual([1, 2, 3, 4, 5].map((i) => `${ORIGIN}/ep${i}`));
    expect(JSON.parse(prepare.mock.calls[0]![1])).toMatchObject({ t: 'alice', badge: 1 });
    expect(post).toHaveBeenCalledTimes(2);
    expect(post.mock.calls[0]![0]).toEqual({ url: new URL(`${ORIGIN}/ep1`), body: Buffer.from('sealed') });
    expect(post.mock.calls[0]![1]).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(rig.send).not.toHaveBeenCalled();
    answers[0]!({ status: 201 });
    answers[1]!({ status: 410 });
    await idle();
    expect(post).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(10);
    expect(result(rig, 1)).toBe('sent (HTTP 201)');
    expect(result(rig, 2)).toBe('gone (HTTP 410): binding removed');
  });

  it('a push that cannot be prepared is given up without a request; an unbound row is skipped', async () => {
    const { rig, prepare, post } = threadedRig({ concurrency: 4, claimBatch: 4 });
    prepare.mockResolvedValueOnce({ status: 0, error: 'cannot encrypt for this subscription: bad point' });
    rig.queue.push(row(1), row(2, { token: null }), row(3, { token: 'not json' }));
    rig.w.kick();
    await idle();
    await vi.advanceTimersByTimeAsync(10);
    expect(post).not.toHaveBeenCalled();
    expect(result(rig, 1)).toBe('failed (cannot encrypt for this subscription: bad point)');
    expect(result(rig, 2)).toBe('skipped: the device was unbound');
    expect(result(rig, 3)).toBe('failed (stored token is not a valid subscription)');
  });

  it('a row left in the buffer past half its lease is not posted, though it was prepared', async () => {
    const { rig, prepare, post, answers } = threadedRig({ concurrency: 1, claimBatch: 2, leaseMs: 1000 });
    rig.queue.push(row(1), row(2));
    rig.w.kick();
    await idle();
    expect(prepare).toHaveBeenCalledTimes(2);
    rig.clock.now += 501;
    answers[0]!({ status: 201 });
    await idle();
    expect(post).toHaveBeenCalledTimes(1);
  });
});

describe('results', () => {
  it('a row whose device was unbound is skipped without a request', async () => {
    const rig = makeRig();
    rig.queue.push(row(1, { token: null }));
    rig.w.kick();
    await idle();
    await vi.advanceTimersByTimeAsync(10);
    expect(result(rig, 1)).toBe('skipped: the device was unbound');
    expect(rig.send).not.toHaveBeenCalled();
  });

  it('a stored token that is not a subscription is given up, logged with an empty service', async () => {
    const rig = makeRig();
    rig.queue.push(row(1, { token: 'not json' }));
    rig.w.kick();
    await idle();
    await vi.advanceTimersByTimeAsync(10);
    expect(result(rig, 1)).toBe('failed (stored token is not a valid subscription)');
    expect(rig.log.warn).toHaveBeenCalledWith(expect.objectContaining({ service: '', result: 'failed (stored token is not a valid subscription)' }), 'web push not delivered');
  });

  it('a push that could not be made and says nothing is "failed (no answer)"', async () => {
    const rig = makeRig();
    rig.send.mockResolvedValueOnce({ status: 0 });
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    await vi.advanceTimersByTimeAsync(10);
    expect(result(rig, 1)).toBe('failed (no answer)');
  });

  it.each([
    ['the Web Push certificate\'s name', [{ type: 'apns', name: 'my-apns' }, { type: 'webpush', name: 'my-webpush' }], 'my-webpush'],
    ['"webpush" when there is no such certificate', [], 'webpush'],
  ])('a 404 removes the binding under %s and drops the cached bindings', async (_what, certificates, notifier) => {
    const rig = makeRig({}, certificates);
    rig.send.mockResolvedValueOnce({ status: 404 });
    const r = row(1);
    rig.queue.push(r);
    rig.w.kick();
    await idle();
    expect(rig.removeIfToken).toHaveBeenCalledWith('alice', 'dev1', notifier, r.token);
    expect(rig.invalidate).toHaveBeenCalledWith({ bindingsOf: 'alice' });
  });
});

describe('outcome batches', () => {
  it('outcomes wait (10 ms) to be written together in one batch', async () => {
    const rig = makeRig();
    rig.queue.push(row(1), row(2), row(3));
    rig.w.kick();
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(3);
    expect(rig.settleDeliveries).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10);
    expect(rig.settleDeliveries.mock.calls.map((c) => c[0].length)).toEqual([3]);
  });

  it('the 256th waiting outcome writes the batch at once; the rest wait for the timer', async () => {
    const rig = makeRig({ concurrency: 300, claimBatch: 300 });
    rig.queue.push(...Array.from({ length: 257 }, (_, i) => row(i + 1, { token: null })));
    rig.w.kick();
    await idle();
    expect(rig.settleDeliveries.mock.calls.map((c) => c[0].length)).toEqual([256]);
    await vi.advanceTimersByTimeAsync(10);
    expect(rig.settleDeliveries.mock.calls.map((c) => c[0].length)).toEqual([256, 1]);
  });

  it('a batch written by the timer that fails is logged with its error', async () => {
    const rig = makeRig();
    const err = new Error('disk full');
    rig.settleDeliveries.mockImplementationOnce(() => Promise.reject(err));
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    await vi.advanceTimersByTimeAsync(10);
    expect(rig.log.error).toHaveBeenCalledWith({ err }, 'could not store delivery outcomes; those rows are sent again after their lease');
  });
});

describe('stop()', () => {
  it('writes the waiting outcomes, gives the claims back, and leaves no timer behind', async () => {
    const rig = makeRig();
    rig.queue.push(row(1), row(2));
    rig.w.kick();
    await idle();
    expect(rig.settleDeliveries).not.toHaveBeenCalled();
    await rig.w.stop();
    expect(result(rig, 1)).toBe('sent (HTTP 201)');
    expect(result(rig, 2)).toBe('sent (HTTP 201)');
    expect(rig.release).toHaveBeenCalledWith('node-x');
    expect(vi.getTimerCount()).toBe(0);
    rig.queue.push(row(2));
    rig.w.kick();
    await idle();
    expect(rig.claim).toHaveBeenCalledTimes(1);
  });

  it('with nothing waiting, writes no empty batch', async () => {
    const rig = makeRig();
    await rig.w.stop();
    expect(rig.settleDeliveries).not.toHaveBeenCalled();
  });

  it('logs (and survives) a failed last batch and a failed release', async () => {
    const rig = makeRig();
    const stored = new Error('store gone');
    const released = new Error('release failed');
    rig.settleDeliveries.mockImplementationOnce(() => Promise.reject(stored));
    rig.release.mockImplementationOnce(() => { throw released; });
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    await rig.w.stop();
    expect(rig.log.warn).toHaveBeenCalledWith({ err: stored }, 'could not store delivery outcomes; those rows are sent again after their lease');
    expect(rig.log.warn).toHaveBeenCalledWith({ err: released }, 'could not release delivery claims; they expire with their lease');
  });

  it.each([
    ['no answer (the request was cut short) leaves the row unwritten for the next start', { status: 0, error: 'closed', unanswered: true } as SendOutcome, undefined],
    ['an answer that came is still written', { status: 201 } as SendOutcome, 'sent (HTTP 201)'],
  ])('during stop, %s', async (_what, outcome, written) => {
    const rig = makeRig();
    const answers = heldSend(rig);
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    const stopped = rig.w.stop();
    answers[0]!(outcome);
    await stopped;
    expect(result(rig, 1)).toBe(written);
  });

  it('a late 404 whose binding removal fails during stop is dropped quietly (the row is sent again next start)', async () => {
    const rig = makeRig();
    const answers = heldSend(rig);
    rig.removeIfToken.mockImplementation(() => Promise.reject(new Error('database closed')));
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    const stopped = rig.w.stop();
    answers[0]!({ status: 404 });
    await stopped;
    // A rethrown error here would be an unhandled rejection, which fails the run.
    await idle();
    expect(result(rig, 1)).toBeUndefined();
    expect(rig.release).toHaveBeenCalled();
    expect(rig.log.error).not.toHaveBeenCalled();
  });

  it('a 404 whose binding removal fails while the worker runs is logged with the row, not thrown; the row stays claimed', async () => {
    const rig = makeRig();
    const failure = new Error('database unreachable');
    rig.removeIfToken.mockImplementation(() => Promise.reject(failure));
    rig.send.mockResolvedValue({ status: 404 });
    rig.queue.push(row(1));
    rig.w.kick();
    await idle();
    expect(rig.log.error).toHaveBeenCalledWith({ err: failure, id: 1 }, 'a delivery failed; its row is sent again after its lease');
    expect(result(rig, 1)).toBeUndefined();
  });

  it('a nickname that cannot be read fails that delivery with a log line; the failed read is not kept, so the next row of that message is sent', async () => {
    const rig = makeRig();
    const failure = new Error('users table locked');
    rig.nickname.mockImplementationOnce(() => Promise.reject(failure));
    rig.queue.push(row(1, { message_seq: 1 }));
    rig.w.kick();
    await idle();
    expect(rig.log.error).toHaveBeenCalledWith({ err: failure, id: 1 }, 'a delivery failed; its row is sent again after its lease');
    rig.queue.push(row(2, { message_seq: 1 }));
    rig.w.kick();
    await idle();
    expect(rig.send).toHaveBeenCalledTimes(1);
  });
});
