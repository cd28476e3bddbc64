/** REST access for the browser tests, through the project's own SDK client (src/client). */
import { PushClient } from '../../../src/client/index.ts';
import type { ConversationRef } from '../../../src/core/index.ts';

export const APP_KEY = 'demo#im';
/** Fixed app credentials passed to the server child, so tests can get an app token. */
export const CLIENT_ID = 'e2e-client';
export const CLIENT_SECRET = 'e2e-secret-0123456789';

/** A client signed in as a demo user (password = user name). */
export async function userClient(baseUrl: string, username: string): Promise<PushClient> {
  const c = new PushClient({ baseUrl, appKey: APP_KEY, retries: 0 });
  await c.signIn({ username, password: username });
  return c;
}

/** Raw JSON call with a bearer token, relative to `/{org}/{app}`; returns the parsed envelope. */
export async function rest<T = Record<string, unknown>>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${baseUrl}/demo/im${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

/** An app token (client credentials). */
export async function appToken(baseUrl: string): Promise<string> {
  const { status, json } = await rest<{ access_token?: string }>(baseUrl, '', 'POST', '/token', {
    grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
  });
  if (status !== 200 || !json.access_token) throw new Error(`app token: HTTP ${status} ${JSON.stringify(json)}`);
  return json.access_token;
}

/** Creates a group owned by `owner` with `members`; returns its id. */
export async function createGroup(baseUrl: string, token: string, name: string, owner: string, members: string[]): Promise<string> {
  const { status, json } = await rest<{ data?: { groupid?: string } }>(baseUrl, token, 'POST', '/chatgroups', {
    groupname: name, owner, members,
  });
  if (status !== 200 || !json.data?.groupid) throw new Error(`create group: HTTP ${status} ${JSON.stringify(json)}`);
  return json.data.groupid;
}

export interface SendOptions {
  readonly ext?: Record<string, unknown>;
}

/** Sends a text message as the client's user to a user or group; returns the message id. */
export async function sendText(sender: PushClient, to: ConversationRef, text: string, opts: SendOptions = {}): Promise<string> {
  const kind = to.type === 'singleChat' ? 'users' : to.type === 'groupChat' ? 'chatgroups' : 'chatrooms';
  const res = await sender.request<Record<string, string>>({
    method: 'POST',
    path: `/messages/${kind}`,
    body: { from: sender.username, to: [to.id], type: 'txt', body: { msg: text }, ...(opts.ext ? { ext: opts.ext } : {}) },
    idempotent: false,
  });
  const id = res.data[to.id];
  if (typeof id !== 'string') throw new Error(`send: no message id in ${JSON.stringify(res.data)}`);
  return id;
}

export interface TraceEntry {
  readonly messageId: string;
  readonly ts: number;
  readonly conversation: ConversationRef;
  readonly push: boolean;
  readonly reason: string;
  readonly devices: readonly { device_id: string; result: string }[];
}

/** The user's last push decisions (SPEC 3.8). */
export async function trace(client: PushClient, limit = 20): Promise<TraceEntry[]> {
  const res = await client.request<TraceEntry[]>({
    method: 'GET', path: `/users/${encodeURIComponent(client.username)}/notification/trace`, query: { limit: String(limit) }, idempotent: true,
  });
  return res.data;
}

/** The trace entry for one message, once the server has decided. */
export async function traceOf(client: PushClient, messageId: string): Promise<TraceEntry | undefined> {
  return (await trace(client, 50)).find((t) => t.messageId === messageId);
}
