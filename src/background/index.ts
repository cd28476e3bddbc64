/**
 * The background service worker. Listeners are registered synchronously first (MV3 wakes the
 * worker for an event and delivers it only to listeners added in the first turn); then the
 * dependencies are built and handed to the handlers.
 */
import { createContext } from './handlers/context.ts';
import { onWorkerStart } from './handlers/lifecycle.ts';
import { createDeps } from './platform/create-deps.ts';
import { registerListeners } from './platform/events.ts';
import { exposeTestHooks } from './platform/test-hooks.ts';

const ready = createDeps().then(createContext);

registerListeners(ready);
// Only the end-to-end build (`vite build --mode e2e`) has the hooks; Vite replaces MODE with a
// constant, so the production build drops this call and the hooks module with it.
if (import.meta.env.MODE === 'e2e') exposeTestHooks(ready);

// Every start (install, browser start, or a wake-up after the worker was stopped) restores the
// badge, the push stream and the outbox retry from what is stored.
void ready.then(onWorkerStart).catch((e: unknown) => console.error('[impc] start:', e));
