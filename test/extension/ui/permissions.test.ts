import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBuiltInServer, originPattern, requestHostPermission } from '../../../src/shared/permissions.ts';

afterEach(() => {
  delete (globalThis as { chrome?: unknown }).chrome;
});

function stubRequest(impl: (p: { origins: string[] }) => Promise<boolean>) {
  const request = vi.fn(impl);
  (globalThis as { chrome?: unknown }).chrome = { permissions: { request, contains: vi.fn(async () => false) } };
  return request;
}

describe('host permission for the sign-in server', () => {
  it('builds the origin pattern without port or path; refuses non-http(s)', () => {
    expect(originPattern('https://chat.example.com:8443/base/')).toBe('https://chat.example.com/*');
    expect(originPattern('http://[::1]:8080')).toBe('http://[::1]/*');
    expect(originPattern('ftp://x.example')).toBeNull();
    expect(originPattern('not a url')).toBeNull();
  });

  it('the local demo server needs no prompt', async () => {
    const request = stubRequest(async () => false);
    expect(isBuiltInServer('http://127.0.0.1:8080')).toBe(true);
    expect(isBuiltInServer('http://localhost:9999')).toBe(true);
    expect(isBuiltInServer('https://127.0.0.1:8080')).toBe(false);
    expect(await requestHostPermission('http://127.0.0.1:8080')).toBe(true);
    expect(request).not.toHaveBeenCalled();
  });

  it('asks for any other origin and reports the answer; a throwing request is a refusal', async () => {
    const request = stubRequest(async () => true);
    expect(await requestHostPermission('https://chat.example.com')).toBe(true);
    expect(request).toHaveBeenCalledWith({ origins: ['https://chat.example.com/*'] });
    stubRequest(async () => false);
    expect(await requestHostPermission('https://chat.example.com')).toBe(false);
    stubRequest(async () => {
      throw new Error('Only permissions specified in the manifest may be requested.');
    });
    expect(await requestHostPermission('https://chat.example.com')).toBe(false);
    expect(await requestHostPermission('gopher://x')).toBe(false);
  });

  it('outside an extension (no chrome.permissions) it does not block', async () => {
    expect(await requestHostPermission('https://chat.example.com')).toBe(true);
  });
});
