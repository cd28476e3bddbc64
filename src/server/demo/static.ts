/** Serves the demo web chat's three static files at `/` (only with --demo). */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/demo.js': { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
  '/demo.css': { file: 'demo.css', type: 'text/css; charset=utf-8' },
};

export function demoRoutes(app: FastifyInstance, appKey: string): void {
  for (const [path, f] of Object.entries(FILES)) {
    const text = readFileSync(new URL(f.file, import.meta.url), 'utf8').replaceAll('__APP_KEY__', appKey);
    app.get(path, async (_req, reply) =>
      reply
        .type(f.type)
        .header('Content-Security-Policy', "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'")
        .header('X-Content-Type-Options', 'nosniff')
        .send(text),
    );
  }
}
