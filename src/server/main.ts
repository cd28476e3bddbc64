/** `npm run server -- [flags]`: parse and check the config, listen, print one ready line, stop cleanly on SIGTERM/SIGINT. */
import { buildApp } from './app.ts';
import { parseCommandLine, USAGE } from './config.ts';
import { DEMO_USERS } from './demo/seed.ts';
import { permissionWarnings } from './store/data-dir.ts';

async function main(): Promise<void> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    for (const e of parsed.errors) console.error(e);
    console.error(USAGE);
    process.exit(parsed.errors.length ? 2 : 0);
  }
  const config = parsed.config;
  if (!config.postgres) for (const w of permissionWarnings(config.dataDir)) console.error(w);
  let server;
  try {
    server = await buildApp(config);
  } catch (e) {
    const where = config.postgres ? 'PostgreSQL' : `the data folder "${config.dataDir}"`;
    const hint = (e as Error).name === 'StoredDataError' ? 'The database holds a value the server cannot use.' : config.postgres ? 'Check --postgres and --redis and that those services are running.' : 'Check that it is writable, or choose another with --data.';
    console.error(`Cannot start on ${where}: ${(e as Error).message}. ${hint}`);
    process.exit(1);
  }
  let url: string;
  try {
    url = await server.listen();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const hint = err.code === 'EADDRINUSE' ? ` Port ${config.port} is in use: stop the other program or pick another with --port (0 = any free port).` : '';
    console.error(`Cannot listen on ${config.host}:${config.port}: ${err.message}.${hint}`);
    await server.close();
    process.exit(1);
  }
  const { ctx } = server;
  if (ctx.credentials.generated) {
    console.log(`App client credentials (generated, stored in ${config.dataDir}; use them for an app token):`);
    console.log(`  client_id:     ${ctx.credentials.clientId}`);
    console.log(`  client_secret: ${ctx.credentials.clientSecret}`);
  }
  if (config.demo) {
    console.log(`Demo chat: ${url}/  (app key ${config.appKey})`);
    console.log(`Demo sign-ins: ${DEMO_USERS.map((u) => `${u.username} / ${u.username}`).join(', ')}`);
  }
  console.log(`listening on ${url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    try {
      await server.drain();
    } finally {
      process.exit(signal === 'SIGINT' ? 130 : 0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
