// Scale-out mode: the same binary on the private PostgreSQL that the test command started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { PG_URL, getJson, startKrilin } from './support.mjs';

const skip = !PG_URL && 'no KRILIN_TEST_DATABASE_URL';

test('serve on PostgreSQL is ready and says so', { skip }, async () => {
  const server = await startKrilin({ env: { KRILIN_DATABASE_URL: PG_URL } });
  try {
    const r = await getJson(`${server.url}/health/ready`);
    assert.equal(r.status, 200);
    assert.equal(r.body.checks.store.backend, 'postgresql');
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('readiness follows the database down and back up after a restart', { skip: skip || (!process.env.KRILIN_TEST_PG_DATA && 'no private cluster') }, async () => {
  const server = await startKrilin({ env: { KRILIN_DATABASE_URL: PG_URL, KRILIN_DB_CONNECT_TIMEOUT_MS: '1000' } });
  const pgctl = (...args) => {
    const asPg = process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', `${process.env.KRILIN_TEST_PG_BIN}/pg_ctl`, ...args]]
      : [`${process.env.KRILIN_TEST_PG_BIN}/pg_ctl`, args];
    const r = spawnSync(asPg[0], asPg[1], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
  };
  try {
    assert.equal((await getJson(`${server.url}/health/ready`)).status, 200);
    // -l: the new postmaster must not inherit our pipes (spawnSync would wait for them).
    pgctl('-D', process.env.KRILIN_TEST_PG_DATA, '-l', `${process.env.KRILIN_TEST_PG_DATA}/restart.log`, '-m', 'fast', '-w', 'restart');
    // The pool's idle connections died with the old server: the very next request must
    // not fail because of them (they are checked on checkout and replaced).
    const after = await getJson(`${server.url}/health/ready`);
    assert.equal(after.status, 200, `first request after the restart: ${JSON.stringify(after.body)}`);
    const live = await getJson(`${server.url}/health`);
    assert.equal(live.status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
