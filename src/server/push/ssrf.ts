/**
 * SSRF guard for Web Push endpoints: the endpoint host must resolve to public addresses only
 * (unless --allow-private-push-endpoints). Checked when a token is bound, and again on every
 * connection through `guardedLookup`, so a name re-pointed later (DNS rebinding) is refused too.
 */
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import type { ClientRequest } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { isNonPublicAddress } from '../../core/index.ts';

/** Thrown (or passed to a lookup callback) when a host points somewhere private. */
export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
}

/** Resolves `host` and says why it may not be used, or null when it may. */
export async function endpointHostProblem(host: string, allowPrivate: boolean): Promise<string | null> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise((resolve, reject) =>
      lookup(bare, { all: true }, (err, list) => (err ? reject(err) : resolve(list))),
    );
  } catch {
    return `the push service host "${host}" does not resolve`;
  }
  if (allowPrivate) return null;
  const bad = addresses.find((a) => isNonPublicAddress(a.address));
  return bad ? `the push service host "${host}" resolves to a non-public address (${bad.address}); loopback and private addresses need --allow-private-push-endpoints` : null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for https.request that refuses non-public results at connection time. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, list) => {
      if (err) return callback(err, '', 0);
      const bad = !allowPrivate && list.find((a) => isNonPublicAddress(a.address));
      if (bad) return callback(new PrivateAddressError(refusal(`${bad.address} (${hostname})`)), '', 0);
      if ((options as LookupAllOptions).all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** Why a non-public address may not be used (the worker does not retry these: "non-public"). */
export function refusal(address: string): string {
  return `refused: the push service address ${address} is non-public; loopback and private addresses need --allow-private-push-endpoints`;
}

/**
 * An endpoint whose host is an IP literal: Node connects without calling `lookup`, so it is
 * checked here, at send time (the flag may have been turned off since the token was bound).
 */
export function literalHostProblem(hostname: string, allowPrivate: boolean): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return !allowPrivate && isIP(bare) !== 0 && isNonPublicAddress(bare) ? refusal(bare) : null;
}

/**
 * Checks the address a request actually connected to (whatever resolved it, and for a reused
 * keep-alive socket too) before anything is written; a non-public one aborts the request.
 */
export function guardConnection(req: ClientRequest, allowPrivate: boolean): void {
  if (allowPrivate) return;
  req.on('socket', (socket: Socket) => {
    const check = () => {
      const address = socket.remoteAddress;
      if (address && isNonPublicAddress(address)) req.destroy(new PrivateAddressError(refusal(address)));
    };
    if (socket.remoteAddress) check();
    else socket.once('connect', check);
  });
}
