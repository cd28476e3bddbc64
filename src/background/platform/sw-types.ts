/**
 * The few service-worker types the background uses. The shared tsconfig uses lib DOM (for the
 * pages), which lacks them; declaring them here keeps that config untouched.
 */
export interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

export interface PushMessageDataLike {
  json(): unknown;
  text(): string;
}

export interface PushEvent extends ExtendableEvent {
  readonly data: PushMessageDataLike | null;
}

export interface NotificationLike {
  readonly data: unknown;
  readonly tag: string;
  close(): void;
}

export interface NotificationEvent extends ExtendableEvent {
  readonly action: string;
  readonly notification: NotificationLike;
}

export interface ShowNotificationOptions {
  body?: string;
  tag?: string;
  data?: unknown;
  icon?: string;
  actions?: { action: string; title: string }[];
}

export interface PushManagerLike {
  subscribe(options: { userVisibleOnly: boolean; applicationServerKey: string | BufferSource }): Promise<{ toJSON(): unknown }>;
  getSubscription(): Promise<{ toJSON(): unknown; unsubscribe(): Promise<boolean> } | null>;
}

export interface ServiceWorkerRegistrationLike {
  readonly pushManager?: PushManagerLike;
  showNotification(title: string, options?: ShowNotificationOptions): Promise<void>;
}

export interface ServiceWorkerGlobalScope {
  readonly registration?: ServiceWorkerRegistrationLike;
  addEventListener(type: 'push', listener: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (e: NotificationEvent) => void): void;
  addEventListener(type: 'pushsubscriptionchange', listener: (e: ExtendableEvent) => void): void;
}

/** The worker's global scope (or the Firefox event page's window), typed for what we use. */
export function workerScope(): ServiceWorkerGlobalScope & Record<string, unknown> {
  return globalThis as unknown as ServiceWorkerGlobalScope & Record<string, unknown>;
}
