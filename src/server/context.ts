/** Everything a route needs, built once per app: the store, the router (presence and frames) and push machinery. */
import { randomBytes } from 'node:crypto';
import webpush from 'web-push';
import { type AppKey, parseAppKey, type PushPolicy } from '../core/index.ts';
import { AuthCache } from './auth-cache.ts';
import { LocalRouter } from './cluster/local-router.ts';
import type { RouterLog } from './cluster/redis-connect.ts';
import type { Router } from './cluster/router.ts';
import type { ServerConfig } from './config.ts';
import type { VapidKeys } from './push/webpush.ts';
import type { Gateway } from './gateway/gateway.ts';
import type { ImMessage, NewJob, Store } from './store/ports.ts';
import { openSqliteStore } from './store/sqlite.ts';
import { checkedAdvanced, checkedMeta, checkedPolicy, storedCertificatesSchema, storedVapidSchema } from './store/stored-checks.ts';

export interface Certificate {
  name: string;
  type: 'webpush' | 'stream';
  vapidPublicKey?: string;
}

/** Names of the two certificates created at first start. */
export const WEBPUSH_CERT = 'webpush';
export const STREAM_CERT = 'stream';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  /** True when generated at this start (main prints them). */
  generated: boolean;
}

export interface Context {
  config: ServerConfig;
  key: AppKey;
  store: Store;
  meta: Store['meta'];
  users: Store['users'];
  groups: Store['groups'];
  settings: Store['settings'];
  bindings: Store['bindings'];
  messages: Store['messages'];
  deliveries: Store['deliveries'];
  trace: Store['trace'];
  /** Presence and frames, this process or cluster-wide. */
  router: Router;
  /** Token owners and known users, remembered between requests (dropped through `router.invalidate`). */
  auth: AuthCache;
  vapid: VapidKeys;
  certificates: Certificate[];
  credentials: Credentials;
  /**
   * The app's push policy and advanced switch, read from the store each time (one small row;
   * SQLite's meta keeps it in memory, PostgreSQL's queries it): an admin's change is in force on
   * every node for the very next message, with no cache to drop across nodes.
   */
  policy(): Promise<PushPolicy>;
  advanced(): Promise<boolean>;
  /** Wakes the delivery worker after rows were queued (set by buildApp). */
  wake: () => void;
  /** Wakes the summary scheduler after summaries were counted or moved (set by buildApp). */
  wakeSummaries: () => void;
  /** SPEC 9: jobs queued with a stored message (its callbacks), given its recipients with no device online. */
  messageJobs?: (message: ImMessage, offline: readonly string[], now: number) => NewJob[];
  /** Wakes the jobs worker after jobs were queued (set by buildApp). */
  wakeJobs?: () => void;
  /** Gateway mode (SPEC 9.2), when configured. */
  gateway?: Gateway;
}

/** A stored value, or `fallback` when it is missing or does not pass its check (with a warning). */
async function storedOr<T>(read: () => Promise<T | undefined>, fallback: T): Promise<T> {
  try {
    return (await read()) ?? fallback;
  } catch (e) {
    process.emitWarning((e as Error).message, { code: 'IMPC_STORED_DATA' });
    return fallback;
  }
}

/** Opens the engine the config names (SQLite in --data, or PostgreSQL). */
async function openStore(config: ServerConfig): Promise<Store> {
  const opts = { defaultTimeZone: config.defaultTimeZone, webpushCert: WEBPUSH_CERT };
  if (config.postgres) {
    const { openPostgresStore } = await import('./store/postgres/index.ts');
    return openPostgresStore({ url: config.postgres, ...(config.postgresSchema ? { schema: config.postgresSchema } : {}), ...opts });
  }
  return openSqliteStore(config.dataDir, opts);
}

/** The embedded router, or Redis presence and routing in cluster mode. */
async function openRouter(config: ServerConfig, log?: RouterLog): Promise<Router> {
  if (!config.redis) return new LocalRouter(config.nodeId);
  const { createRedisRouter } = await import('./cluster/redis-router.ts');
  return createRedisRouter({ url: config.redis, nodeId: config.nodeId, prefix: config.redisPrefix ?? 'impc:', nodeTtlMs: config.presenceTtlMs, heartbeatMs: Math.max(250, Math.floor(config.presenceTtlMs / 3)), ...(log ? { log } : {}) });
}

/** Opens the store and router, and creates keys, credentials and certificates at first start. */
export async function createContext(config: ServerConfig, log?: RouterLog): Promise<Context> {
  const key = parseAppKey(config.appKey, 'appKey');
  if (!key.ok) throw new Error(`appKey "${config.appKey}" is not "org#app"`);
  const store = await openStore(config);
  let router: Router;
  try {
    router = await openRouter(config, log);
  } catch (e) {
    await store.close();
    throw e;
  }
  const meta = store.meta;
  let vapid: VapidKeys;
  let certificates: Certificate[];
  try {
    // Stored rows are checked before use: a bad one stops the start with a sentence naming it.
    vapid = checkedMeta('vapid', (await meta.getOrCreate('vapid', () => JSON.stringify(webpush.generateVAPIDKeys()))).value, storedVapidSchema);
    certificates = checkedMeta('certificates', (await meta.getOrCreate('certificates', () =>
      JSON.stringify([{ name: WEBPUSH_CERT, type: 'webpush' }, { name: STREAM_CERT, type: 'stream' }]),
    )).value, storedCertificatesSchema);
    checkedPolicy(await meta.get('policy'));
    checkedAdvanced(await meta.get('advanced'));
  } catch (e) {
    await router.close();
    await store.close();
    throw e;
  }
  let credentials: Credentials;
  if (config.clientId && config.clientSecret) {
    credentials = { clientId: config.clientId, clientSecret: config.clientSecret, generated: false };
  } else {
    const id = await meta.getOrCreate('client_id', () => `YXA6${randomBytes(16).toString('base64url')}`);
    const secret = await meta.getOrCreate('client_secret', () => `YXA6${randomBytes(24).toString('base64url')}`);
    credentials = { clientId: id.value, clientSecret: secret.value, generated: id.created || secret.created };
  }
  for (const c of certificates) if (c.type === 'webpush') c.vapidPublicKey = vapid.publicKey;
  const ctx: Context = {
    config,
    key: key.value,
    store,
    meta,
    users: store.users,
    groups: store.groups,
    settings: store.settings,
    bindings: store.bindings,
    messages: store.messages,
    deliveries: store.deliveries,
    trace: store.trace,
    router,
    auth: new AuthCache(store, config),
    vapid,
    certificates,
    credentials,
    // Read each time (one small row): an admin's change is in force on every node for the very next
    // message. Checked at start; a bad value written later (by hand) reads as the default, with a warning.
    policy: () => storedOr(async () => checkedPolicy(await meta.get('policy')), config.pushPolicy),
    advanced: () => storedOr(async () => checkedAdvanced(await meta.get('advanced')), true),
    wake: () => {},
    wakeSummaries: () => {},
  };
  router.onInvalidate((what) => {
    if (what.user !== undefined) store.settings.invalidate({ user: what.user });
    if (what.conversation) store.settings.invalidate({ conversation: what.conversation });
    if (what.bindingsOf !== undefined) store.bindings.invalidate(what.bindingsOf);
    if (what.token !== undefined) ctx.auth.forgetToken(what.token);
  });
  return ctx;
}
