// The command line a self-hoster uses: version, config, doctor, migrate.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PG_URL, runCli, tempDir } from './support.mjs';

test('krilin version prints the version', () => {
  const r = runCli(['version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^krilin \d+\.\d+\.\d+/);
});

test('krilin with no or an unknown subcommand explains itself and fails', () => {
  const r = runCli(['frobnicate']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr + r.stdout, /frobnicate|serve/);
});

test('krilin config prints the effective configuration with secrets masked', () => {
  const dir = tempDir();
  const file = path.join(dir, 'krilin.toml');
  writeFileSync(file, '[server]\nio_threads = 3\n');
  const r = runCli(['config', '--config', file, '--listen', '0.0.0.0:9999'], {
    KRILIN_DATABASE_URL: 'postgresql://krilin:hunter2@db.example:5432/krilin',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /listen\s*=\s*0\.0\.0\.0:9999\s+\(flag\)/);
  assert.match(r.stdout, /io_threads\s*=\s*3\s+\(file\)/);
  assert.match(r.stdout, /database_url\s*=\s*postgresql:\/\/krilin:\*\*\*\*@db\.example:5432\/krilin\s+\(env\)/);
  assert.doesNotMatch(r.stdout, /hunter2/);
  assert.match(r.stdout, /mode\s*=\s*scale-out/);
  rmSync(dir, { recursive: true, force: true });
});

test('krilin config rejects a bad setting with a precise message', () => {
  const r = runCli(['config'], { KRILIN_IO_THREADS: 'lots' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /io_threads/);
  assert.match(r.stderr, /KRILIN_IO_THREADS/);
});

test('krilin migrate creates the embedded database and is idempotent', () => {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const first = runCli(['migrate', '--data-dir', data]);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(existsSync(path.join(data, 'krilin.db')));
  assert.match(first.stdout, /applied/i);
  const second = runCli(['migrate', '--data-dir', data]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /up to date/i);
  rmSync(dir, { recursive: true, force: true });
});

test('krilin doctor passes on a healthy embedded setup', () => {
  const dir = tempDir();
  const r = runCli(['doctor', '--data-dir', path.join(dir, 'data')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ok/i);
  rmSync(dir, { recursive: true, force: true });
});

test('krilin doctor says what is wrong and how to fix it', { skip: process.getuid?.() === 0 && 'root ignores permissions; covered below' }, () => {
  const dir = tempDir();
  chmodSync(dir, 0o500);
  const r = runCli(['doctor', '--data-dir', path.join(dir, 'data')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /data/i);
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

test('krilin doctor reports an unreachable database and Redis with a fix', () => {
  const r = runCli(['doctor'], {
    KRILIN_DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    KRILIN_REDIS_URL: 'redis://127.0.0.1:1',
    KRILIN_DB_CONNECT_TIMEOUT_MS: '2000',
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /^\[FAIL\] database/m);
  assert.match(r.stdout, /^\[FAIL\] redis/m);
  assert.match(r.stdout, /KRILIN_DATABASE_URL/);
});

test('krilin doctor and migrate work against PostgreSQL', { skip: !PG_URL && 'no KRILIN_TEST_DATABASE_URL' }, () => {
  const env = { KRILIN_DATABASE_URL: PG_URL, KRILIN_REDIS_URL: process.env.KRILIN_TEST_REDIS_URL ?? '' };
  const m = runCli(['migrate'], env);
  assert.equal(m.code, 0, m.stderr);
  const d = runCli(['doctor'], env);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  assert.match(d.stdout, /postgresql/i);
});

test('krilin app check validates a manifest and names each problem', () => {
  const dir = tempDir();
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ id: 'habit-tracker', name: 'Habit Tracker', version: '1.0.0', description: 'Build habits.',
    tables: { habits: { schema: { type: 'object', properties: { name: { type: 'string' } } }, indexes: [['name']] } } }));
  const ok = runCli(['app', 'check', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: habit-tracker 1\.0\.0 \(1 table/);
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ id: 'Habit Tracker', name: 'H', version: '1', description: 'd' }));
  const r = runCli(['app', 'check', bad]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/id/);
  const broken = path.join(dir, 'broken.json');
  writeFileSync(broken, '{"id":');
  assert.match(runCli(['app', 'check', broken]).stderr, /not valid JSON/);
  assert.notEqual(runCli(['app', 'check', path.join(dir, 'missing.json')]).code, 0);
});
