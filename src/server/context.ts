/** Everything a route needs, built once per app: the database, repositories, live hubs and push machinery. */
import { randomBytes } from 'node:crypto';
import webpush from 'web-push';
import { type AppKey, parseAppKey, type PushPolicy } from '../core/index.ts';
import type { ServerConfig } from './config.ts';
import { ConnectionHub } from './presence/hub.ts';
import { openDb, type Db } from './store/db.ts';
import { BindingsRepo } from './store/bindings.ts';
import { DeliveriesRepo } from './store/deliveries.ts';
import { GroupsRepo } from './store/groups.ts';
import { MessagesRepo } from './store/messages.ts';
import { MetaRepo } from './store/meta.ts';
import { SettingsRepo } from './store/settings.ts';
import { TraceRepo } from './store/trace.ts';
import { UsersRepo } from './store/users.ts';
import type { VapidKeys } from './push/webpush.ts';

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
  db: Db;
  meta: MetaRepo;
  users: UsersRepo;
  groups: GroupsRepo;
  settings: SettingsRepo;
  bindings: BindingsRepo;
  messages: MessagesRepo;
  deliveries: DeliveriesRepo;
  trace: TraceRepo;
  /** IM connections: these make a device online. */
  im: ConnectionHub;
  /** Push-stream connections: these do not. */
  streams: ConnectionHub;
  vapid: VapidKeys;
  certificates: Certificate[];
  credentials: Credentials;
  policy(): PushPolicy;
  advanced(): boolean;
  /** Wakes the delivery worker after rows were queued (set by buildApp). */
  wake: () => void;
}

/** Opens the data folder and creates keys, credentials and certificates at first start. */
export function createContext(config: ServerConfig): Context {
  const key = parseAppKey(config.appKey, 'appKey');
  if (!key.ok) throw new Error(`appKey "${config.appKey}" is not "org#app"`);
  const db = openDb(config.dataDir);
  const meta = new MetaRepo(db);
  const vapid = JSON.parse(meta.getOrCreate('vapid', () => JSON.stringify(webpush.generateVAPIDKeys())).value) as VapidKeys;
  let credentials: Credentials;
  if (config.clientId && config.clientSecret) {
    credentials = { clientId: config.clientId, clientSecret: config.clientSecret, generated: false };
  } else {
    const id = meta.getOrCreate('client_id', () => `YXA6${randomBytes(16).toString('base64url')}`);
    const secret = meta.getOrCreate('client_secret', () => `YXA6${randomBytes(24).toString('base64url')}`);
    credentials = { clientId: id.value, clientSecret: secret.value, generated: id.created || secret.created };
  }
  const certificates: Certificate[] = JSON.parse(
    meta.getOrCreate('certificates', () =>
      JSON.stringify([{ name: WEBPUSH_CERT, type: 'webpush' }, { name: STREAM_CERT, type: 'stream' }]),
    ).value,
  ) as Certificate[];
  for (const c of certificates) if (c.type === 'webpush') c.vapidPublicKey = vapid.publicKey;
  return {
    config,
    key: key.value,
    db,
    meta,
    users: new UsersRepo(db),
    groups: new GroupsRepo(db),
    settings: new SettingsRepo(db, config.defaultTimeZone),
    bindings: new BindingsRepo(db),
    messages: new MessagesRepo(db),
    deliveries: new DeliveriesRepo(db, certificates.find((c) => c.type === 'webpush')?.name ?? WEBPUSH_CERT),
    trace: new TraceRepo(db),
    im: new ConnectionHub(),
    streams: new ConnectionHub(),
    vapid,
    certificates,
    credentials,
    policy: () => (meta.get('policy') as PushPolicy | undefined) ?? config.pushPolicy,
    advanced: () => meta.get('advanced') !== 'false',
    wake: () => {},
  };
}
