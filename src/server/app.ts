/**
 * buildApp(config): the whole server as a Fastify instance, apart from listening (main.ts).
 * Tests build it on a temp data folder and listen on 127.0.0.1 port 0.
 */
import { STATUS_CODES } from 'node:http';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { errorEnvelope, jsonDepthExceeds, MAX_JSON_DEPTH } from '../core/index.ts';
import type { ServerConfig } from './config.ts';
import { type Context, createContext } from './context.ts';
import { seedDemo } from './demo/seed.ts';
import { demoRoutes } from './demo/static.ts';
import { ApiError, type ErrorCode, LimitedError } from './errors.ts';
import { installRateLimit } from './limits/index.ts';
import { SummaryScheduler } from './push/summary.ts';
import { CALLBACK_JOB, callbackHandler, callbackJobs } from './callbacks/sender.ts';
import { EVENT_JOB, eventHandler } from './gateway/events.ts';
import { Gateway } from './gateway/gateway.ts';
import { MIRROR_JOB, mirrorHandler } from './gateway/mirror.ts';
import { type JobHandler, JobWorker } from './jobs/worker.ts';
import { DeliveryWorker } from './push/worker.ts';
import { accountRoutes } from './routes/accounts.ts';
import { adminRoutes } from './routes/admin.ts';
import { bindingRoutes } from './routes/bindings.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { explainRoutes } from './routes/explain.ts';
import { gatewayRoutes } from './routes/gateway.ts';
import { markStart } from './routes/http.ts';
import { imSocketRoutes } from './routes/im-ws.ts';
import { messageRoutes } from './routes/messages.ts';
import { pushTestRoutes } from './routes/push-test.ts';
import { settingsRoutes } from './routes/settings.ts';
import { streamSocketRoutes } from './routes/stream-ws.ts';

export interface ServerApp {
  app: FastifyInstance;
  ctx: Context;
  worker: DeliveryWorker;
  /** Id of "Demo group" when built with demo: true. */
  demoGroupId?: string;
  /** Listens on config host/port (port 0 = any); resolves to the base URL, e.g. http://127.0.0.1:41234. */
  listen(): Promise<string>;
  /** Stops the worker, closes sockets, the server and the database. */
  close(): Promise<void>;
  /**
   * Graceful stop (SIGTERM): /ready answers 503, sockets are closed with 1012 so clients
   * reconnect to another node, claimed deliveries are finished or released, then `close`.
   */
  drain(graceMs?: number): Promise<void>;
}

/** What never reaches the logs: credentials, tokens and device tokens (message text is never logged at all). */
const REDACT = [
  'req.headers.authorization', 'headers.authorization', '*.password', '*.access_token', '*.token', '*.client_secret',
  '*.device_token', 'body', 'req.body',
];

function mapFastifyError(err: FastifyError): { code: ErrorCode; description: string } {
  const status = err.statusCode ?? 500;
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { code: 'illegal_argument', description: '(body) is missing: a JSON object' };
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { code: 'illegal_argument', description: `Content-Type: send "application/json" (${err.message})` };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 'payload_too_large', description: 'request body is too large: at most 2 MB' };
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return { code: 'illegal_argument', description: `(body) is not valid JSON: ${err.message}` };
  if (status < 500) return { code: 'illegal_argument', description: err.message };
  return { code: 'internal_error', description: 'The server failed on this request; it has been logged.' };
}

/** Does a parsed body hold a `__proto__` key, or `constructor.prototype`, anywhere? Iterative: depth is checked first but a stack is cheap. */
function forbiddenKey(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return '__proto__';
    const ctor = (v as Record<string, unknown>).constructor;
    if (Object.prototype.hasOwnProperty.call(v, 'constructor') && typeof ctor === 'object' && ctor !== null && Object.prototype.hasOwnProperty.call(ctor, 'prototype'))
      return 'constructor.prototype';
    for (const child of Object.values(v)) stack.push(child);
  }
  return undefined;
}

/**
 * The JSON body parser: depth is checked on the raw text before parsing (SPEC 7, #1), and keys
 * that could reach an object's prototype are refused by name, as Fastify's parser did.
 */
function parseJsonBody(text: string): unknown {
  if (jsonDepthExceeds(text))
    throw new ApiError('illegal_argument', `(body) is nested deeper than ${MAX_JSON_DEPTH} levels: JSON may nest at most ${MAX_JSON_DEPTH} arrays and objects`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('illegal_argument', `(body) is not valid JSON: ${(err as Error).message}`);
  }
  const key = forbiddenKey(value);
  if (key) throw new ApiError('illegal_argument', `(body) has a key "${key}", which is not allowed`);
  return value;
}

/** Largest request line plus headers Node's parser accepts (its default, stated so the error can say it). */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (a URL or headers over the
 * limit, a timeout, broken HTTP): answered with the SPEC 3 envelope, not Fastify's own body (#10).
 */
function clientErrorResponse(err: NodeJS.ErrnoException, now: number): string {
  const [status, description] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `the request's URL and headers are too large: at most ${MAX_HEADER_BYTES / 1024} KB together; send long lists in a JSON body`]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time; send it again']
        : [400, `the request is not valid HTTP (${err.code ?? 'parse error'})`];
  const body = JSON.stringify(errorEnvelope('illegal_argument', description, now));
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n${body}`;
}

/** Builds the server on the config's data folder (created and migrated if needed). */
export async function buildApp(config: ServerConfig): Promise<ServerApp> {
  const app = Fastify({
    logger: config.logger === false ? false : {
      level: typeof config.logger === 'object' ? config.logger.level : 'info',
      redact: { paths: REDACT, censor: '[redacted]' },
      ...(typeof config.logger === 'object' && config.logger.stream ? { stream: config.logger.stream } : {}),
    },
    bodyLimit: 2 * 1024 * 1024,
    // Slow clients (SPEC 7): headers and body must arrive within requestTimeoutMs, checked every
    // second at most (Node's default check runs every 30 s, which would double the limit).
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    requestTimeout: config.requestTimeoutMs,
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.end(clientErrorResponse(err, config.now()));
      // Read and drop what the client is still sending, so closing does not reset the
      // connection before it has read the answer; give up after a few seconds.
      socket.on('data', () => undefined).resume();
      setTimeout(() => socket.destroy(), 5_000).unref();
    },
    forceCloseConnections: true,
    // Ids are up to 128 characters; longer path segments get our envelope, not the router's.
    routerOptions: { maxParamLength: 256 },
    // Errors the router raises before any route runs (bad percent-encoding, over-long segments).
    frameworkErrors: (err, _req, reply) => {
      const description = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is too long: ids are at most 128 characters' : `the URL is not valid: ${err.message}`;
      void (reply as unknown as FastifyReply).code(400).send(errorEnvelope('illegal_argument', description, config.now()));
    },
  });
  // The context (store, router) after the app, so the router logs through the app's logger.
  const ctx = await createContext(config, app.log);
  // SPEC 9: callbacks sent with each message, and gateway mode (checked against the upstream first).
  const jobHandlers: Record<string, JobHandler> = {};
  if (config.callback) {
    const cb = config.callback;
    ctx.messageJobs = (message, offline, now) => callbackJobs(cb, config.appKey, message, offline, now);
    jobHandlers[CALLBACK_JOB] = callbackHandler(cb, config.now, app.log);
  }
  if (config.gateway) {
    const gateway = new Gateway(config.gateway, ctx, app.log);
    try {
      await gateway.start();
    } catch (e) {
      await ctx.router.close();
      await ctx.store.close();
      throw e;
    }
    ctx.gateway = gateway;
    jobHandlers[EVENT_JOB] = eventHandler(ctx);
    jobHandlers[MIRROR_JOB] = mirrorHandler(ctx, gateway.upstream, app.log);
  }
  const jobs = new JobWorker(ctx, jobHandlers, app.log);
  ctx.wakeJobs = () => jobs.kick();
  const demoGroupId = config.demo ? await seedDemo(ctx) : undefined;
  // Every body is JSON; a text/plain body would otherwise reach the validators as a string.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // A DELETE has nothing to say in a body; clients that always send Content-Type may send none (#10).
    if (body === '' && req.method === 'DELETE') return done(null, undefined);
    if (body === '') return done(Object.assign(new Error('empty body'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }), undefined);
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const worker = new DeliveryWorker(ctx, app.log);
  ctx.wake = () => worker.kick();
  const summaries = new SummaryScheduler(ctx, app.log);
  ctx.wakeSummaries = () => summaries.kick();
  // Rows queued by another node wake this one's worker too (PostgreSQL NOTIFY).
  await ctx.store.onDeliveriesQueued?.(() => worker.kick());
  let draining = false;

  // CORS: bearer tokens, no cookies, so any origin (the extension's pages) may call.
  // A callback hook (an async one costs a promise on every request). Answering without `done()` ends the request here.
  app.addHook('onRequest', (req, reply, done) => {
    markStart(req);
    reply.header('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      reply
        .header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS')
        .header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
        .header('Access-Control-Max-Age', '86400')
        .code(204)
        .send();
      return;
    }
    // No id, name or query value holds a NUL character (bodies are checked by core's parseWith):
    // refused before any route reads the URL, since no store can keep one in text.
    if (/%00|\u0000/i.test(req.url)) {
      reply.code(400).send(errorEnvelope('illegal_argument', 'the URL holds a NUL character (%00); ids, names and query values take text without it', config.now()));
      return;
    }
    done();
  });

  installRateLimit(app, ctx);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const now = config.now();
    if (err instanceof LimitedError) reply.header('Retry-After', String(err.retryAfterS));
    if (err instanceof ApiError) return reply.code(err.status).send(errorEnvelope(err.code, err.message, now));
    const mapped = mapFastifyError(err);
    if (mapped.code === 'internal_error') req.log.error({ err }, 'request failed');
    const status = mapped.code === 'internal_error' ? 500 : mapped.code === 'payload_too_large' ? 413 : 400;
    return reply.code(status).send(errorEnvelope(mapped.code, mapped.description, now));
  });

  app.setNotFoundHandler((req, reply) => {
    const prefix = `/${ctx.key.org}/${ctx.key.app}`;
    const path = req.url.split('?')[0]!;
    const hint = path.startsWith(`${prefix}/`) ? '' : ` Paths start with ${prefix} (app key ${config.appKey}).`;
    reply.code(404).send(errorEnvelope('service_resource_not_found', `No such endpoint: ${req.method} ${path}.${hint}`, config.now()));
  });

  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(
    async (scoped) => {
      accountRoutes(scoped, ctx);
      settingsRoutes(scoped, ctx);
      bindingRoutes(scoped, ctx);
      messageRoutes(scoped, ctx);
      explainRoutes(scoped, ctx);
      adminRoutes(scoped, ctx);
      pushTestRoutes(scoped, ctx, worker);
      // Gateway mode: IM stays upstream (its /ws answers 404 in gatewayRoutes).
      if (!ctx.gateway) imSocketRoutes(scoped, ctx);
      streamSocketRoutes(scoped, ctx);
      callbackRoutes(scoped, ctx);
      gatewayRoutes(scoped, ctx);
    },
    { prefix: `/${ctx.key.org}/${ctx.key.app}` },
  );
  if (config.demo) demoRoutes(app, config.appKey);

  // For load balancers (SPEC 8): /health while the process is up, /ready while it can serve.
  app.get('/health', async () => ({ ok: true, node: config.nodeId }));
  app.get('/ready', async (_req, reply) => {
    const checks: Record<string, string> = {};
    const probe = async (name: string, fn: () => unknown) => {
      try {
        await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref())]);
        checks[name] = 'ok';
      } catch (e) {
        checks[name] = (e as Error).message || 'failed';
      }
    };
    await probe(ctx.store.engine, () => ctx.store.ping());
    if (config.redis) await probe('redis', () => ctx.router.ping());
    if (draining) checks.node = 'draining: this node is stopping';
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ ready, node: config.nodeId, checks });
  });

  // Clean-up at start and every hour (in a cluster every node does it; the deletes are idempotent).
  const tidy = async () => {
    try {
      await ctx.store.housekeep(config.now());
    } catch (err) {
      app.log.error({ err }, 'housekeeping failed');
    }
  };
  await tidy();
  const tidyTimer = setInterval(() => void tidy(), 3600_000);
  tidyTimer.unref();

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(tidyTimer);
    await Promise.all([worker.stop(), summaries.stop(), jobs.stop()]);
    for (const s of ctx.router.localSockets()) s.terminate();
    await app.close();
    await ctx.router.close();
    await ctx.store.close();
  };
  const drain = async (graceMs = config.drainGraceMs) => {
    if (closed || draining) return;
    draining = true;
    // 1012 "service restart": clients reconnect, and the load balancer sends them to another node.
    for (const s of ctx.router.localSockets()) s.close(1012, 'this node is restarting');
    // /ready answers 503 meanwhile, so a load balancer stops sending here before the port closes.
    if (graceMs > 0) await new Promise((r) => setTimeout(r, graceMs));
    await close();
  };

  return {
    app,
    ctx,
    worker,
    ...(demoGroupId ? { demoGroupId } : {}),
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      worker.start();
      summaries.start();
      jobs.start();
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}`;
    },
    close,
    drain,
  };
}
