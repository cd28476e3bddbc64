// Printed by `npm start` after the build: how to put the freshly built extension into a browser.
import { resolve } from 'node:path';

const dist = resolve('dist');
console.log(`
Extension built into ${dist}
  Chrome/Chromium: open chrome://extensions, turn on "Developer mode", click "Load unpacked", pick ${dist}
  Firefox: npm run build:firefox, then about:debugging → This Firefox → Load Temporary Add-on → dist-firefox/manifest.json
  Then open the extension's options, sign in as alice / alice (server http://127.0.0.1:8080, app key demo#im).
`);
