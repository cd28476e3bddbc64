/** Stands in for the cluster suite when PostgreSQL or Redis is unreachable outside CI (vitest.config.ts). */
import { it } from 'vitest';

it.skip('cluster suite: PostgreSQL or Redis unreachable (see the warning above); run with the services up, or under CI=true to fail instead', () => {});
