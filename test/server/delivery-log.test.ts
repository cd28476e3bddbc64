/**
 * What the delivery worker tells the operator (worker.ts, `record`): a push that was not
 * delivered is logged once per answer, with who, which device and message, the push service's
 * origin (never the endpoint's path) and the result; a sent push is not logged at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from './helpers.ts';
import { startWebPushServer, type WebPushServer } from './webpush-server.ts';

let rig: WebPushServer;
const lines: string[] = [];

beforeAll(async () => {
  rig = await startWebPushServer(['ola', 'pia', 'quy'], {
    logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } },
    push: { maxAttempts: 3, pollMs: 20 },
  });
});
afterAll(() => rig.close());

const notDelivered = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'web push not delivered');

describe('the delivery log', () => {
  it('one warning per push not delivered, naming user, device, message, service origin and result; none for a sent push', async () => {
    await rig.bind('pia');
    const refused = await rig.bind('quy');
    rig.svc.failWith(refused, { status: 400 });
    const sent = await send(rig.s, rig.tokens.ola!, 'users', ['pia', 'quy'], 'hello both');
    await rig.settled('pia', sent.pia!, 'sent');
    await rig.settled('quy', sent.quy!, 'failed');
    const warned = notDelivered();
    expect(warned).toEqual([expect.objectContaining({
      level: 40, user: 'quy', device: 'quy-web', seq: expect.any(Number), service: rig.svc.origin, result: 'failed (HTTP 400)',
    })]);
    expect(JSON.stringify(warned)).not.toContain(new URL(refused).pathname);
  });
});
