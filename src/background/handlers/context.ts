/**
 * The handlers' shared context: the injected dependencies plus the little state that lives
 * only while the worker runs (refreshes in flight, the push stream). Anything that must survive
 * the worker stopping is in storage or IndexedDB, never here.
 */
import type { PushClient } from '../../client/index.ts';
import type { Deps } from './deps.ts';

export interface StreamHandle {
  readonly connected: boolean;
  stop(): void;
}

export interface Runtime {
  refreshing?: Promise<void>;
  flushing?: Promise<void>;
  stream?: StreamHandle;
  client?: { readonly key: string; readonly client: PushClient };
  registering?: Promise<void>;
}

export interface Ctx extends Deps {
  readonly runtime: Runtime;
}

/** Wraps dependencies into a fresh context (one per worker start). */
export function createContext(deps: Deps): Ctx {
  return { ...deps, runtime: {} };
}
