/** Builds the real dependencies of the handlers: browser port, IndexedDB, clock, client. */
import { PushClient } from '../../client/index.ts';
import type { Deps } from '../handlers/deps.ts';
import { createBrowserPort } from './browser.ts';
import { openExtensionDb } from './db.ts';

/** pushManager.subscribe gets this long before the stream is used instead. */
const SUBSCRIBE_TIMEOUT_MS = 5_000;

/** The production dependencies. */
export async function createDeps(): Promise<Deps> {
  return {
    browser: createBrowserPort(),
    db: await openExtensionDb(),
    now: () => Date.now(),
    makeClient: (c) => new PushClient({ baseUrl: c.baseUrl, appKey: c.appKey, resource: c.resource, timeoutMs: 8_000, retries: 1 }),
    subscribeTimeoutMs: SUBSCRIBE_TIMEOUT_MS,
  };
}
