/**
 * A node's liveness in Redis (SPEC 8): every `everyMs` it sets `node:{id}:alive` with PX `ttlMs`
 * and its incarnation's deadline in the `nodes` set, on the Redis clock. A node killed with
 * SIGKILL stops beating, so its presence entries count as offline once `ttlMs` runs out.
 */
import type { Redis } from 'ioredis';
import type { RouterLog } from './redis-connect.ts';
import type { RedisKeys } from './redis-keys.ts';

export interface HeartbeatHooks {
  /** This node had expired (Redis away longer than the TTL) and is back: restore what others may have cleaned. */
  rejoined(): Promise<void>;
  /** After each successful beat (retries of failed deletions). */
  afterBeat(): Promise<void>;
}

export class NodeHeartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating = false;
  private live: ReadonlySet<string> = new Set();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly node: { nodeId: string; incarnation: string; boot: string },
    private readonly timing: { ttlMs: number; everyMs: number },
    private readonly hooks: HeartbeatHooks,
    private readonly log?: RouterLog,
  ) {}

  /** Registers the node (throws if Redis refuses), then beats in the background without keeping the process up. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.tick(), this.timing.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Live incarnations (`nodeId|boot`) as of the last beat. */
  incarnations(): ReadonlySet<string> {
    return this.live;
  }

  private async beat(): Promise<void> {
    const { nodeId, incarnation, boot } = this.node;
    const [added, ...live] = await this.redis.impcHeartbeat(this.keys.alive(nodeId), this.keys.nodes(), this.keys.dead(), incarnation, boot, this.timing.ttlMs);
    const first = this.timer === undefined;
    this.live = new Set(live);
    if (added === '1' && !first) {
      this.log?.warn({ node: nodeId }, 'this node had expired from Redis; restoring its presence entries');
      await this.hooks.rejoined();
    }
  }

  private async tick(): Promise<void> {
    if (this.beating || this.timer === undefined) return;
    this.beating = true;
    try {
      await this.beat();
      await this.hooks.afterBeat();
    } catch (err) {
      this.log?.warn({ err, node: this.node.nodeId }, 'heartbeat to Redis failed; other nodes count this node offline once its TTL runs out');
    } finally {
      this.beating = false;
    }
  }
}
