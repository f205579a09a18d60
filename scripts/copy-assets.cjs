// After `tsc`, copies the plain-JavaScript files the server needs into dist/ (tsc only emits .ts).
const { copyFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
for (const file of ['src/storage/azurite-child.cjs']) {
  const target = path.join(root, 'dist', file);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(path.join(root, file), target);
}
