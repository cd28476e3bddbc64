/**
 * A test server that delivers to the fake push service (its CA trusted, its VAPID key expected),
 * with users registered and signed in, and the trace read back: the set-up the delivery tests share.
 */
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import type { PushDeliveryConfig, ServerConfig } from '../../src/server/config.ts';
import { call, eventually, register, signIn, startTestServer, type TestServer } from './helpers.ts';

export interface WebPushServer {
  s: TestServer;
  svc: FakePushService;
  /** Each user's REST token. */
  tokens: Record<string, string>;
  /** Binds `<user>-web` to a fresh subscription of the fake service; returns its endpoint. */
  bind(user: string): Promise<string>;
  /** Waits (10 s at most) for the result traced for the user's device for message `id` to start with `prefix`; returns it. */
  settled(user: string, id: string, prefix: string): Promise<string>;
  close(): Promise<void>;
}

export type WebPushServerOptions = Omit<Partial<ServerConfig>, 'push'> & {
  /** Merged into the test server's delivery settings (the service's CA is added). */
  push?: Partial<PushDeliveryConfig>;
  /** Lifetime of the users' tokens in seconds (a test that moves the clock needs a long one). */
  tokenTtl?: number;
};

export async function startWebPushServer(users: readonly string[], options: WebPushServerOptions = {}): Promise<WebPushServer> {
  const { push, tokenTtl, ...rest } = options;
  const svc = await startPushService();
  const s = await startTestServer({ ...rest, push: { ca: svc.ca, ...push } as PushDeliveryConfig });
  svc.expectVapidKey(s.server.ctx.vapid.publicKey);
  await register(s, ...users);
  const tokens: Record<string, string> = {};
  for (const u of users) tokens[u] = await signIn(s, u, tokenTtl);
  const result = async (user: string, id: string): Promise<string> => {
    const r = await call<{ data: { messageId: string; devices: { result: string }[] }[] }>(s.base, 'GET', `/users/${user}/notification/trace`, { token: tokens[user] });
    return r.json.data.find((t) => t.messageId === id)?.devices[0]?.result ?? '';
  };
  return {
    s,
    svc,
    tokens,
    async bind(user) {
      const sub = svc.createSubscription();
      const r = await call(s.base, 'PUT', `/users/${user}/push/binding`, {
        token: tokens[user], body: { device_id: `${user}-web`, device_token: JSON.stringify(sub), notifier_name: 'webpush' },
      });
      if (r.status !== 200) throw new Error(`bind ${user}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
      return sub.endpoint;
    },
    settled: (user, id, prefix) => eventually(async () => {
      const r = await result(user, id);
      return r.startsWith(prefix) ? r : undefined;
    }, 10_000, `${user}'s push to be "${prefix}…"`),
    async close() {
      await s.close();
      await svc.stop();
    },
  };
}
