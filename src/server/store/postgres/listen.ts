/**
 * LISTEN on the delivery channel over one dedicated connection (a pooled one would be handed to
 * other queries). When the connection drops it reconnects with back-off, and calls the handlers
 * once on reconnecting: a NOTIFY sent while it was away is lost, so the worker looks anyway.
 */
import pg from 'pg';
import { quoteIdent } from './pool.ts';

export class DeliveryListener {
  private client: pg.Client | undefined;
  private readonly handlers: (() => void)[] = [];
  private closed = false;
  private starting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay = 100;

  constructor(private readonly config: pg.ClientConfig, private readonly channel: string) {}

  /** Adds a handler; the first one opens the connection (resolves once LISTEN is in place). */
  add(fn: () => void): Promise<void> {
    this.handlers.push(fn);
    this.starting ??= this.connect(false);
    return this.starting;
  }

  private fire(): void {
    for (const fn of this.handlers) {
      try {
        fn();
      } catch (e) {
        console.warn('postgres: a delivery wake-up handler threw', e);
      }
    }
  }

  private async connect(reconnecting: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    client.on('notification', () => this.fire());
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.closed) return;
      console.warn(`postgres: LISTEN connection lost (${why}); reconnecting in ${this.delay} ms`);
      this.schedule();
    };
    client.on('error', (e) => lost(e.message));
    client.on('end', () => lost('closed'));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (e) {
      client.end().catch(() => undefined);
      if (!reconnecting) throw e;
      console.warn(`postgres: LISTEN reconnect failed (${(e as Error).message}); retrying in ${this.delay} ms`);
      this.schedule();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delay = 100;
    if (reconnecting) this.fire();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(true), this.delay);
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, 5000);
  }

  /** For tests: drops the connection as a network failure would. */
  dropForTest(): void {
    this.client?.emit('error', new Error('dropped by test'));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
