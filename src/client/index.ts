/** src/client: the reference Web SDK's offline-push methods, over fetch. */
export * from './client.ts';
export * from './errors.ts';
