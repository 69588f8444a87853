#!/usr/bin/env node
// Builds the desktop into web/dist unless it is already built from exactly these sources:
// a hash of every input file (sources, config, the lockfile) is kept in dist/.build-hash
// (hidden files are not served). `--force` builds anyway. Used by scripts/run and scripts/test.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const web = path.resolve(import.meta.dirname, '..');
const root = path.dirname(web);
const inputs = ['src', 'public', 'index.html', 'package.json', 'tsconfig.json', 'vite.config.ts', '../package-lock.json'];

function* files(p) {
  if (!existsSync(p)) return;
  if (statSync(p).isDirectory()) {
    for (const name of readdirSync(p).sort()) if (!name.endsWith('.test.ts') && !name.endsWith('.test.tsx')) yield* files(path.join(p, name));
  } else {
    yield p;
  }
}

const hash = createHash('sha256');
for (const input of inputs)
  for (const f of files(path.join(web, input))) {
    hash.update(path.relative(root, f));
    hash.update('\0');
    hash.update(readFileSync(f));
  }
const digest = hash.digest('hex');
const stamp = path.join(web, 'dist', '.build-hash');

if (!process.argv.includes('--force') && existsSync(path.join(web, 'dist', 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) {
  console.error('web: up to date');
  process.exit(0);
}
console.error('web: building the desktop (npm run build)');
const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: web, stdio: ['ignore', process.stderr, 'inherit'] });
if (r.status !== 0) {
  console.error('web: the build failed; run `npm run build --workspace web` to see why');
  process.exit(r.status ?? 1);
}
writeFileSync(stamp, `${digest}\n`);
