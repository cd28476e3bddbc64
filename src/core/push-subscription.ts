/** Checks a Web Push subscription before it is bound (SPEC 3.5); address resolution is the server's job. */
import { fail, ok, type Result } from './result.ts';

export interface WebPushSubscription {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decoded length of a base64url string, or -1 if it is not base64url. */
export function base64UrlByteLength(text: string): number {
  if (!B64URL.test(text)) return -1;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) return -1;
  return Math.floor((bare.length * 3) / 4);
}

/** Decodes base64url to bytes (no platform Buffer, so core stays pure). */
export function base64UrlDecode(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bare = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((bare.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const ch of bare) {
    value = (value << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[i++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 literal (a trailing dotted IPv4 allowed), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  let v6 = text;
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v6);
  if (dotted) {
    const b = dotted.slice(2).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    v6 = `${dotted[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = v6.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * Is this literal IP address loopback, private, link-local, unique-local, unspecified, reserved or
 * otherwise not public? IPv6 forms that carry an IPv4 address (mapped ::ffff:0:0/96, translated
 * ::ffff:0:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that address.
 */
export function isNonPublicAddress(ip: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) || a >= 224
    );
  }
  const text = ip.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!text.includes(':')) return false;
  const g = ipv6Groups(text);
  // Not an address we can read: refuse rather than guess.
  if (!g) return true;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return true; // ::
  if (zeros(0, 7) && g[7] === 1) return true; // ::1
  if (zeros(0, 5) && g[5] === 0xffff) return isNonPublicAddress(v4Of(g[6]!, g[7]!)); // ::ffff:a.b.c.d
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return isNonPublicAddress(v4Of(g[6]!, g[7]!)); // ::ffff:0:a.b.c.d
  if (zeros(0, 6)) return isNonPublicAddress(v4Of(g[6]!, g[7]!)); // ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return isNonPublicAddress(v4Of(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return true; // local-use NAT64 64:ff9b:1::/48
  if (g[0] === 0x2002) return isNonPublicAddress(v4Of(g[1]!, g[2]!)); // 6to4
  if (g[0] === 0x2001 && g[1] === 0) return true; // Teredo: the IPv4 inside is hidden
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // documentation
  if (g[0] === 0x100 && zeros(1, 4)) return true; // discard 100::/64
  const first = g[0]!;
  // The rest of ::/8 is reserved (never routed): forms like ::1:a.b.c.d reach nothing public.
  if (first < 0x100) return true;
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0 || (first & 0xff00) === 0xff00;
}

/** Is the host a name (or literal) that points to this machine or a private network by its spelling? */
export function isLocalHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || isNonPublicAddress(h);
}

/**
 * Parses a `webpush` device token: the JSON of a PushSubscription with an https endpoint,
 * a 65-byte uncompressed P-256 `p256dh` and a 16-byte `auth`.
 */
export function parseWebPushSubscription(token: string, opts: { allowPrivate: boolean }, field = 'device_token'): Result<WebPushSubscription> {
  let raw: unknown;
  try {
    raw = JSON.parse(token);
  } catch {
    return fail(field, token, 'a webpush token must be the JSON of a PushSubscription {"endpoint","keys":{"p256dh","auth"}}');
  }
  const sub = raw as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  if (typeof sub !== 'object' || sub === null || typeof sub.endpoint !== 'string')
    return fail(`${field}.endpoint`, sub?.endpoint, 'an https URL');
  let url: URL;
  try {
    url = new URL(sub.endpoint);
  } catch {
    return fail(`${field}.endpoint`, sub.endpoint, 'an https URL');
  }
  if (url.protocol !== 'https:') return fail(`${field}.endpoint`, sub.endpoint, 'push endpoints must use https');
  if (url.username || url.password) return fail(`${field}.endpoint`, sub.endpoint, 'an https URL without credentials');
  if (!opts.allowPrivate && isLocalHostName(url.hostname))
    return fail(`${field}.endpoint`, sub.endpoint, 'a public push service; loopback and private addresses need --allow-private-push-endpoints');
  const p256dh = sub.keys?.p256dh;
  const auth = sub.keys?.auth;
  if (typeof p256dh !== 'string' || base64UrlByteLength(p256dh) !== 65 || base64UrlDecode(p256dh)[0] !== 4)
    return fail(`${field}.keys.p256dh`, p256dh, 'a base64url uncompressed P-256 public key (65 bytes)');
  if (typeof auth !== 'string' || base64UrlByteLength(auth) !== 16)
    return fail(`${field}.keys.auth`, auth, 'a base64url 16-byte auth secret');
  return ok({ endpoint: sub.endpoint, keys: { p256dh, auth } });
}
