/**
 * Host permission for the IM server the user signs in to. The default local server is covered
 * by the manifest's host_permissions; any other origin must be granted at sign-in, from a page
 * (a user gesture), because the background worker cannot prompt.
 */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/** Hosts the manifest grants up front (host_permissions), on any port. */
const BUILT_IN_HOSTS = new Set(['127.0.0.1', 'localhost']);

interface PermissionsApi {
  request(p: { origins: string[] }): Promise<boolean>;
  contains(p: { origins: string[] }): Promise<boolean>;
}

function permissionsApi(): PermissionsApi | undefined {
  const c = (globalThis as { chrome?: { permissions?: PermissionsApi } }).chrome;
  return c?.permissions && typeof c.permissions.request === 'function' ? c.permissions : undefined;
}

/**
 * The match pattern for a server URL's origin (`https://chat.example.com/*`), or null when the
 * URL is not http(s). Match patterns ignore ports in Firefox and Chrome alike, so none is kept.
 */
export function originPattern(serverUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.protocol}//${url.hostname}/*`;
}

/** True when the manifest already covers this server (the local demo server). */
export function isBuiltInServer(serverUrl: string): boolean {
  try {
    const url = new URL(serverUrl);
    return url.protocol === 'http:' && BUILT_IN_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Asks the browser for access to the server's origin; resolves true when access is granted.
 * Call it straight from a click handler: `request` needs the user gesture, and it resolves true
 * without a prompt when the origin is already granted. Outside an extension it resolves true.
 */
export async function requestHostPermission(serverUrl: string): Promise<boolean> {
  if (isBuiltInServer(serverUrl)) return true;
  const pattern = originPattern(serverUrl);
  if (pattern === null) return false;
  const api = permissionsApi();
  if (!api) return true;
  try {
    return await api.request({ origins: [pattern] });
  } catch {
    // The pattern is outside optional_host_permissions, or the prompt could not be shown.
    return false;
  }
}
