/** Server configuration (SPEC 6): flags, environment, defaults, and validation with sentences that say what to fix. */
import type { Agent } from 'node:https';
import { availableParallelism, hostname } from 'node:os';
import { parseAppKey, parseTimeZone, PUSH_POLICIES, type PushPolicy } from '../core/index.ts';

export interface PushDeliveryConfig {
  /** Trusted CA (PEM) for push services, e.g. a test service's self-signed certificate. */
  ca?: string | Buffer | (string | Buffer)[];
  /** An agent to use instead of the keep-alive one built from `ca`. */
  agent?: Agent;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Attempts before a push is given up (first try included). */
  maxAttempts: number;
  /** First retry delay; doubles each time up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Longest Retry-After honoured (a service asking for more gets this). */
  retryAfterMaxMs: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Rows claimed per read of the queue (buffered ahead of the free slots). */
  claimBatch: number;
  /** Worker threads encrypting pushes (0: on the event loop). */
  encryptThreads: number;
  /** How often the worker looks for due rows when idle. */
  pollMs: number;
  /** How long a claimed row is this node's; a node that dies leaves its rows to others after this. */
  leaseMs: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  appKey: string;
  clientId?: string;
  clientSecret?: string;
  defaultTimeZone: string;
  pushPolicy: PushPolicy;
  openRegistration: boolean;
  allowPrivatePushEndpoints: boolean;
  demo: boolean;
  /** VAPID `sub` claim. */
  vapidSubject: string;
  /** PostgreSQL URL (cluster mode): the store lives there instead of --data. */
  postgres?: string;
  /** PostgreSQL schema to use (tests: one per file); default the URL's search_path. */
  postgresSchema?: string;
  /** Redis URL (cluster mode): presence and frames between nodes. */
  redis?: string;
  /** Prefix of every Redis key and channel (tests: one per file). */
  redisPrefix?: string;
  /** This node's name in logs, presence and the trace. */
  nodeId: string;
  /** On SIGTERM, how long /ready answers 503 (sockets already closed) before the port closes. */
  drainGraceMs: number;
  /** How long a node's presence outlives its last heartbeat (a node killed with SIGKILL counts as offline after this). */
  presenceTtlMs: number;
  /** IM connection ping interval (SPEC 3.7: 25 s); two missed pongs close it. */
  heartbeatMs: number;
  /** A WebSocket that has not sent its auth frame after this long is closed with 4000 (SPEC 3.7: 10 s). */
  authTimeoutMs: number;
  push: PushDeliveryConfig;
  /** REST requests per second per token (and per address without one); bursts of twice that; 0 = no limit (SPEC 7). */
  rateLimit: number;
  /** A request whose headers and body have not all arrived after this long is closed with 408 (SPEC 7: 30 s). */
  requestTimeoutMs: number;
  /** false, or the log level and (for tests) where the JSON lines go instead of stdout. Tests pass false. */
  logger: boolean | { level: string; stream?: { write(line: string): void } };
  /** The clock; injected by tests. */
  now: () => number;
  /** SPEC 9.1: the reference's message callbacks, sent to this URL. */
  callback?: CallbackConfig;
  /** SPEC 9.2: gateway mode in front of an upstream Easemob app (or another instance of this server). */
  gateway?: GatewayConfig;
}

export interface CallbackConfig {
  url: string;
  secret: string;
  /** Delay before the one retry (SPEC 9.1: 60 s). */
  retryMs: number;
  /** A callback with no 2xx within this is failed (SPEC 9.1: 5 s). */
  timeoutMs: number;
}

export interface GatewayConfig {
  /** The upstream REST base, e.g. https://a1.easemob.com (paths /{org}/{app}/... are added). */
  upstream: string;
  /** The upstream's app key, which the gateway serves. */
  appKey: string;
  clientId: string;
  clientSecret: string;
  /** The secret of the upstream's callback rule (signs what it posts to us). */
  callbackSecret: string;
  /** Also write settings and language changes upstream (SPEC 9.2). */
  mirrorSettings: boolean;
  /** Tests only (GATEWAY_DECIDE_DELAY_MS): how long a received callback waits before it is decided. */
  decideDelayMs: number;
}

export const DEFAULT_PUSH: PushDeliveryConfig = {
  timeoutMs: 10_000,
  maxAttempts: 5,
  backoffBaseMs: 2_000,
  backoffMaxMs: 300_000,
  retryAfterMaxMs: 3_600_000,
  // Measured (test/bench/webpush-throughput.bench.ts, 2 cores): 32 requests in flight over
  // keep-alive sockets, with encryption on one thread per core, did best (16 and 64 both slower).
  concurrency: 32,
  claimBatch: 256,
  encryptThreads: Math.min(4, availableParallelism()),
  pollMs: 500,
  leaseMs: 60_000,
};

/** Defaults for everything; `overrides` win. Used by main and by tests. */
export function makeConfig(overrides: Partial<ServerConfig> & { dataDir: string }): ServerConfig {
  return {
    port: 8080,
    host: '127.0.0.1',
    appKey: 'demo#im',
    defaultTimeZone: 'UTC',
    pushPolicy: 'allOffline',
    openRegistration: false,
    allowPrivatePushEndpoints: false,
    demo: false,
    vapidSubject: 'mailto:admin@localhost',
    heartbeatMs: 25_000,
    authTimeoutMs: 10_000,
    rateLimit: 100,
    requestTimeoutMs: 30_000,
    nodeId: defaultNodeId(),
    presenceTtlMs: 30_000,
    drainGraceMs: 0,
    logger: false,
    now: Date.now,
    ...overrides,
    push: { ...DEFAULT_PUSH, ...overrides.push },
  };
}

/** Host name and process id: unique enough to tell nodes apart in logs and presence. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}

type Env = Record<string, string | undefined>;

const FLAGS = {
  port: 'PORT', host: 'HOST', data: 'DATA_DIR', 'app-key': 'APP_KEY', 'client-id': 'CLIENT_ID',
  'client-secret': 'CLIENT_SECRET', 'default-time-zone': 'DEFAULT_TIME_ZONE', 'push-policy': 'PUSH_POLICY',
  'open-registration': 'OPEN_REGISTRATION', 'allow-private-push-endpoints': 'ALLOW_PRIVATE_PUSH_ENDPOINTS', demo: 'DEMO',
  postgres: 'DATABASE_URL', redis: 'REDIS_URL', 'node-id': 'NODE_ID', 'rate-limit': 'RATE_LIMIT',
  'callback-url': 'CALLBACK_URL', 'callback-secret': 'CALLBACK_SECRET', 'callback-retry-ms': 'CALLBACK_RETRY_MS',
  upstream: 'UPSTREAM_URL', 'upstream-app-key': 'UPSTREAM_APP_KEY', 'upstream-client-id': 'UPSTREAM_CLIENT_ID',
  'upstream-client-secret': 'UPSTREAM_CLIENT_SECRET', 'mirror-settings': 'MIRROR_SETTINGS',
} as const;
type Flag = keyof typeof FLAGS;
const BOOLEAN_FLAGS = new Set<Flag>(['open-registration', 'allow-private-push-endpoints', 'demo', 'mirror-settings']);

export const USAGE = `Usage: npm run server -- [flags]   (each flag also reads the environment variable shown)
  --port N                      PORT               (8080; 0 = any free port)
  --host H                      HOST               (127.0.0.1)
  --data DIR                    DATA_DIR           (./data: database and keys)
  --app-key org#app             APP_KEY            (demo#im)
  --client-id ID                CLIENT_ID          (generated at first start)
  --client-secret S             CLIENT_SECRET      (generated at first start)
  --default-time-zone ZONE      DEFAULT_TIME_ZONE  (UTC)
  --push-policy P               PUSH_POLICY        (allOffline | anyOffline)
  --open-registration           OPEN_REGISTRATION
  --allow-private-push-endpoints ALLOW_PRIVATE_PUSH_ENDPOINTS
  --demo                        DEMO               (users alice, bob, carol and a web chat at /)
  --postgres URL                DATABASE_URL       (cluster mode: store in PostgreSQL instead of --data)
  --redis URL                   REDIS_URL          (cluster mode: presence and routing between nodes)
  --node-id NAME                NODE_ID            (host name and process id)
  --rate-limit N                RATE_LIMIT         (100 REST requests per second per token, bursts of 2×N; 0 = off)
  --callback-url URL            CALLBACK_URL       (send Easemob-style message callbacks there)
  --callback-secret S           CALLBACK_SECRET    (signs callbacks sent, or checks those received in gateway mode)
  --callback-retry-ms N         CALLBACK_RETRY_MS  (60000: delay before a failed callback's one retry)
  --upstream URL                UPSTREAM_URL       (gateway mode: the Easemob REST base whose users get browser push)
  --upstream-app-key org#app    UPSTREAM_APP_KEY   (gateway mode: the upstream's app key, served here too)
  --upstream-client-id ID       UPSTREAM_CLIENT_ID
  --upstream-client-secret S    UPSTREAM_CLIENT_SECRET
  --mirror-settings             MIRROR_SETTINGS    (gateway mode: also write settings changes upstream)`;

function truthy(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (['1', 'true', 'yes', 'on', ''].includes(l)) return true;
  if (['0', 'false', 'no', 'off'].includes(l)) return false;
  return undefined;
}

/** Parses argv and env into a config, or the list of problems (each a sentence saying what to fix). */
export function parseCommandLine(argv: readonly string[], env: Env): { ok: true; config: ServerConfig } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const raw = new Map<Flag, string>();
  for (const [flag, name] of Object.entries(FLAGS) as [Flag, string][]) {
    const v = env[name];
    if (v !== undefined) raw.set(flag, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { ok: false, errors: [] };
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const flag = m?.[1] as Flag | undefined;
    if (!m || !flag || !(flag in FLAGS)) {
      errors.push(`Unknown argument "${arg}". Run with --help to see the flags.`);
      continue;
    }
    if (BOOLEAN_FLAGS.has(flag)) raw.set(flag, m[2] ?? 'true');
    else if (m[2] !== undefined) raw.set(flag, m[2]);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) raw.set(flag, argv[++i]!);
    else errors.push(`--${flag} needs a value, e.g. --${flag} ${flag === 'port' ? '8080' : '...'}.`);
  }
  const bool = (flag: Flag): boolean => {
    const v = raw.get(flag);
    if (v === undefined) return false;
    const b = truthy(v);
    if (b === undefined) errors.push(`--${flag} (${FLAGS[flag]}) is "${v}"; use true or false.`);
    return b ?? false;
  };
  const portText = raw.get('port') ?? '8080';
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) errors.push(`--port (PORT) is "${portText}"; use a whole number from 0 to 65535 (0 picks a free port).`);
  const host = raw.get('host') ?? '127.0.0.1';
  if (host === '') errors.push('--host (HOST) is empty; use an address such as 127.0.0.1 or 0.0.0.0.');
  const dataDir = raw.get('data') ?? './data';
  if (dataDir === '') errors.push('--data (DATA_DIR) is empty; use a folder path such as ./data.');
  const appKey = raw.get('app-key') ?? 'demo#im';
  const key = parseAppKey(appKey, '--app-key');
  if (!key.ok) errors.push(`--app-key (APP_KEY) is "${appKey}"; use "org#app" with letters, digits, "_" and "-", e.g. demo#im.`);
  const zoneText = raw.get('default-time-zone') ?? 'UTC';
  const zone = parseTimeZone(zoneText, '--default-time-zone');
  if (!zone.ok) errors.push(`--default-time-zone (DEFAULT_TIME_ZONE) is "${zoneText}"; use an IANA zone such as UTC or Europe/Paris.`);
  const policy = raw.get('push-policy') ?? 'allOffline';
  if (!(PUSH_POLICIES as readonly string[]).includes(policy))
    errors.push(`--push-policy (PUSH_POLICY) is "${policy}"; use allOffline or anyOffline.`);
  const clientId = raw.get('client-id');
  const clientSecret = raw.get('client-secret');
  if ((clientId === undefined) !== (clientSecret === undefined))
    errors.push('Give both --client-id and --client-secret (CLIENT_ID and CLIENT_SECRET), or neither to use the generated pair.');
  if (clientSecret !== undefined && clientSecret.length < 16)
    errors.push('--client-secret (CLIENT_SECRET) is too short; use at least 16 characters.');
  const postgres = raw.get('postgres');
  if (postgres !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(postgres))
    errors.push(`--postgres (DATABASE_URL) is "${redactUrl(postgres)}"; use a URL such as postgres://user@127.0.0.1:5432/impc.`);
  const redis = raw.get('redis');
  if (redis !== undefined && !/^rediss?:\/\/\S+$/.test(redis))
    errors.push(`--redis (REDIS_URL) is "${redactUrl(redis)}"; use a URL such as redis://127.0.0.1:6379.`);
  if (redis !== undefined && postgres === undefined)
    errors.push('--redis needs --postgres too: several nodes must share one PostgreSQL store (SQLite in --data serves one process).');
  const nodeId = raw.get('node-id') ?? defaultNodeId();
  // Environment only: several deployments in one PostgreSQL database or one Redis, and shorter
  // failure detection (tests).
  const postgresSchema = env.DATABASE_SCHEMA;
  if (postgresSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(postgresSchema))
    errors.push(`DATABASE_SCHEMA is "${postgresSchema}"; use a lower-case PostgreSQL identifier such as impc.`);
  const redisPrefix = env.REDIS_PREFIX;
  const ms = (name: string, min: number, max: number): number | undefined => {
    const v = env[name];
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) errors.push(`${name} is "${v}"; use milliseconds from ${min} to ${max}.`);
    return n;
  };
  const leaseMs = ms('DELIVERY_LEASE_MS', 1000, 3_600_000);
  const presenceTtlMs = ms('PRESENCE_TTL_MS', 1000, 60_000);
  const drainGraceMs = ms('DRAIN_GRACE_MS', 0, 60_000) ?? 1000;
  const extra = callbackAndGateway(raw, env, errors, bool('mirror-settings'));
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(nodeId)) errors.push(`--node-id (NODE_ID) is "${nodeId}"; use 1–64 letters, digits, "_", "." or "-".`);
  const rateText = raw.get('rate-limit') ?? '100';
  const rateLimit = /^\d{1,9}$/.test(rateText) ? Number(rateText) : NaN;
  if (Number.isNaN(rateLimit))
    errors.push(`--rate-limit (RATE_LIMIT) is "${rateText}"; use a whole number of requests per second per token, e.g. 100 (0 turns the limit off).`);
  const config = makeConfig({
    port, host, dataDir, appKey: extra.gateway?.appKey ?? appKey,
    ...extra,
    ...(clientId !== undefined ? { clientId } : {}),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    defaultTimeZone: zone.ok ? zone.value : 'UTC',
    pushPolicy: policy as PushPolicy,
    openRegistration: bool('open-registration'),
    allowPrivatePushEndpoints: bool('allow-private-push-endpoints'),
    demo: bool('demo'),
    ...(postgres !== undefined ? { postgres } : {}),
    ...(redis !== undefined ? { redis } : {}),
    nodeId,
    ...(postgresSchema !== undefined ? { postgresSchema } : {}),
    ...(redisPrefix !== undefined ? { redisPrefix } : {}),
    ...(presenceTtlMs !== undefined ? { presenceTtlMs } : {}),
    drainGraceMs,
    ...(leaseMs !== undefined ? { push: { ...DEFAULT_PUSH, leaseMs } } : {}),
    rateLimit: Number.isNaN(rateLimit) ? 100 : rateLimit,
    logger: { level: env.LOG_LEVEL ?? 'warn' },
  });
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;

/** SPEC 9's flags: callbacks sent (9.1) and gateway mode (9.2), each problem a sentence. */
function callbackAndGateway(raw: Map<Flag, string>, env: Env, errors: string[], mirrorSettings: boolean): Pick<ServerConfig, 'callback' | 'gateway'> {
  const out: Pick<ServerConfig, 'callback' | 'gateway'> = {};
  const url = raw.get('callback-url');
  const secret = raw.get('callback-secret');
  const upstream = raw.get('upstream');
  if (url !== undefined && !HTTP_URL.test(url)) errors.push(`--callback-url (CALLBACK_URL) is "${redactUrl(url)}"; use an http or https URL such as https://example.com/easemob/callback.`);
  if (secret !== undefined && (secret.length < 8 || secret.length > 256)) errors.push('--callback-secret (CALLBACK_SECRET) must be 8–256 characters: the secret of the callback rule.');
  if (secret === undefined && (url !== undefined || upstream !== undefined))
    errors.push(`${url !== undefined ? '--callback-url' : '--upstream'} needs --callback-secret (CALLBACK_SECRET): the secret both sides of the callback share, which signs every callback.`);
  if (secret !== undefined && url === undefined && upstream === undefined)
    errors.push('--callback-secret is used with --callback-url (callbacks sent) or --upstream (callbacks received); give one of them, or leave the secret out.');
  const retryText = raw.get('callback-retry-ms');
  const retryMs = retryText === undefined ? 60_000 : /^\d+$/.test(retryText) ? Number(retryText) : NaN;
  if (!(retryMs >= 0 && retryMs <= 3_600_000)) errors.push(`--callback-retry-ms (CALLBACK_RETRY_MS) is "${retryText}"; use milliseconds from 0 to 3600000 (default 60000).`);
  if (retryText !== undefined && url === undefined) errors.push('--callback-retry-ms needs --callback-url: it is the delay before a failed callback is sent again.');
  if (url !== undefined && secret !== undefined) out.callback = { url, secret, retryMs, timeoutMs: 5_000 };

  const upstreamKey = raw.get('upstream-app-key');
  const clientId = raw.get('upstream-client-id');
  const clientSecret = raw.get('upstream-client-secret');
  if (upstream === undefined) {
    const given = (['upstream-app-key', 'upstream-client-id', 'upstream-client-secret', 'mirror-settings'] as const).filter((f) => raw.has(f));
    if (given.length) errors.push(`${given.map((f) => `--${f}`).join(', ')} ${given.length > 1 ? 'are' : 'is'} for gateway mode: add --upstream URL (UPSTREAM_URL), the upstream's REST base.`);
    return out;
  }
  if (!HTTP_URL.test(upstream)) errors.push(`--upstream (UPSTREAM_URL) is "${redactUrl(upstream)}"; use the upstream's REST base, such as https://a1.easemob.com.`);
  if (upstreamKey === undefined) errors.push('--upstream needs --upstream-app-key (UPSTREAM_APP_KEY): the upstream app key "org#app" its users sign in with.');
  else if (!parseAppKey(upstreamKey, '--upstream-app-key').ok) errors.push(`--upstream-app-key (UPSTREAM_APP_KEY) is "${upstreamKey}"; use "org#app" with letters, digits, "_" and "-".`);
  if (clientId === undefined || clientSecret === undefined)
    errors.push('--upstream needs --upstream-client-id and --upstream-client-secret (UPSTREAM_CLIENT_ID, UPSTREAM_CLIENT_SECRET): the upstream app\'s client credentials, from its console.');
  const ownKey = raw.get('app-key');
  if (ownKey !== undefined && upstreamKey !== undefined && ownKey !== upstreamKey)
    errors.push(`--app-key is "${ownKey}" but --upstream-app-key is "${upstreamKey}": a gateway serves the upstream's app key, so leave --app-key out or make them equal.`);
  if (url !== undefined) errors.push('--callback-url and --upstream do not go together: a gateway receives callbacks, it does not send them.');
  const delayText = env.GATEWAY_DECIDE_DELAY_MS;
  const decideDelayMs = delayText === undefined ? 0 : /^\d+$/.test(delayText) ? Number(delayText) : NaN;
  if (!(decideDelayMs >= 0 && decideDelayMs <= 600_000)) errors.push(`GATEWAY_DECIDE_DELAY_MS is "${delayText}"; use milliseconds from 0 to 600000.`);
  if (upstreamKey !== undefined && clientId !== undefined && clientSecret !== undefined && secret !== undefined)
    out.gateway = { upstream: upstream.replace(/\/+$/, ''), appKey: upstreamKey, clientId, clientSecret, callbackSecret: secret, mirrorSettings, decideDelayMs };
  return out;
}

/** A URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
