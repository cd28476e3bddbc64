/** A fetch that records every request and answers from a script, for client tests. */

export interface Recorded {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  /** Parsed JSON body, or undefined when none was sent. */
  readonly body: unknown;
}

/** What the script answers: a status and JSON, a thrown network error, or a request that never answers. */
export type Reply = { status?: number; json?: unknown; text?: string } | { networkError: string } | 'hang';

export type Script = (req: Recorded, index: number) => Reply;

/** The Easemob success envelope around `data` (or `entities`). */
export function envelope(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    path: '/x', uri: 'http://test/demo/im/x', timestamp: 1, organization: 'demo', application: 'im', action: 'get',
    duration: 0, applicationName: 'im', ...extra,
  };
}

export function errorBody(status: number, error: string, description: string): Reply {
  return { status, json: { error, exception: 'x', timestamp: 1, duration: 0, error_description: description } };
}

/** Builds the fake; `calls` fills as requests arrive. */
export function recordingFetch(script: Script = () => ({ json: envelope({ data: {} }) })) {
  const calls: Recorded[] = [];
  const fetchImpl = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const rec: Recorded = {
      method: init.method ?? 'GET',
      url,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(rec);
    const reply = script(rec, calls.length - 1);
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
        if (init.signal?.aborted) abort();
        init.signal?.addEventListener('abort', abort);
      });
    }
    if ('networkError' in reply) throw new TypeError(reply.networkError);
    const text = reply.text ?? JSON.stringify(reply.json ?? {});
    return new Response(text, { status: reply.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}
