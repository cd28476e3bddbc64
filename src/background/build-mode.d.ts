/** What Vite replaces at build time (`vite build --mode <MODE>`); vitest sets MODE to 'test'. */
interface ImportMetaEnv {
  readonly MODE: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
