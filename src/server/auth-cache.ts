/**
 * The two lookups every authenticated request makes — who owns this token, does this user exist —
 * remembered between requests (B4: they were two store reads on every request).
 *
 * Safe because of what the store allows: a token row is only ever inserted (never changed), and
 * a user is never removed. Only rows that were found are kept, so a token issued or a user
 * registered on another node is read from the store the first time this node sees it. Expiry is
 * never cached away: callers check `expires` on every use. A token taken out of the store before
 * it expires (revoked) must be announced with `router.invalidate({ token: hash })`, and every
 * node forgets it at once (context.ts wires the invalidation here).
 */
import type { ServerConfig } from './config.ts';
import { BoundedCache } from './store/cache.ts';
import type { Store, TokenOwner } from './store/ports.ts';

/** Tokens remembered (a few hundred bytes each). */
export const TOKEN_CACHE_SIZE = 20_000;
/** Usernames known to exist. */
export const USER_CACHE_SIZE = 50_000;

export class AuthCache {
  private readonly tokens = new BoundedCache<string, Readonly<TokenOwner>>(TOKEN_CACHE_SIZE);
  private readonly users = new BoundedCache<string, true>(USER_CACHE_SIZE);
  /** Bumped by every `forgetToken`: a store read that started before it is not kept. */
  private generation = 0;

  /** `config.now` is read at each use (tests move the clock). */
  constructor(private readonly store: Store, private readonly config: Pick<ServerConfig, 'now'>) {}

  /** The owner of a token by its hash, or undefined; expired tokens are returned for the caller to refuse. */
  async tokenOwner(hash: string): Promise<Readonly<TokenOwner> | undefined> {
    const hit = this.tokens.get(hash);
    if (hit) return hit;
    const generation = this.generation;
    const row = await this.store.users.tokenOwner(hash);
    if (!row) return undefined;
    const owner = Object.freeze({ username: row.username, expires: row.expires });
    if (generation === this.generation && owner.expires > this.config.now()) this.tokens.set(hash, owner);
    return owner;
  }

  /** Whether a user exists (a name seen once is not read again: users are never removed). */
  async userExists(username: string): Promise<boolean> {
    if (this.users.get(username)) return true;
    if ((await this.store.users.get(username)) === undefined) return false;
    this.users.set(username, true);
    return true;
  }

  /** Forgets a token (by its hash) that was taken out of the store. */
  forgetToken(hash: string): void {
    this.generation++;
    this.tokens.delete(hash);
  }
}
