// Live updates end to end: two separate browser contexts (like two devices: no shared
// BroadcastChannel, no shared storage) signed in as one person. A habit checked in one shows
// up in the other's widgets without a reload, and so does a habit logged by another client
// through the API (as the agent or a phone would) — both through /ws, which the test
// watches. A notification sent by an app lights the bell's badge live; the panel lists it,
// marks it read, deletes it. Settings → Notifications mutes an app. axe on the new screens.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { getJson, startKrilin } from '../integration/support.mjs';
import { checkPrerequisites, checkScreen, launch, newContext, WEB_DIR } from './support.mjs';

let server, browser, one, two, token, habit, firstDir;
const violations = [];
const email = `live.${randomBytes(4).toString('hex')}@example.com`;
const password = 'correct horse battery staple';

const call = (method, path, body) =>
  getJson(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });

async function signedInPage(colorScheme = 'light') {
  const context = await newContext(browser, { colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.frames = [];
  page.sent = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => page.frames.push(String(f.payload)));
    ws.on('framesent', (f) => page.sent.push(String(f.payload)));
  });
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Habit streaks widget' }).getByText('Run').waitFor();
  return page;
}

const liveEvents = (page, stream) => page.frames.filter((f) => f.includes('"type":"event"') && f.includes(stream)).length;

before(async () => {
  checkPrerequisites();
  server = await startKrilin({ env: { KRILIN_WEB_DIR: WEB_DIR } });
  const r = await getJson(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: 'Grace' }),
  });
  assert.equal(r.status, 201);
  token = r.body.access_token;
  assert.equal((await call('POST', '/api/v1/apps/dashboard/install', {})).status, 201);
  habit = (await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'create_habit', params: { name: 'Run' } })).body.data.id;
  browser = await launch();
  one = await signedInPage();
  two = await signedInPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  if (firstDir) rmSync(firstDir, { recursive: true, force: true });
});

test('a habit checked on one device updates the other one’s widgets live, over /ws', async () => {
  const streaks2 = two.getByRole('region', { name: 'Habit streaks widget' });
  const score2 = two.getByRole('region', { name: 'Productivity score widget' });
  await score2.getByText('Habits today: 0 of 1').waitFor();
  // Wait until both are subscribed (the acks arrived).
  for (const p of [one, two]) await p.waitForFunction(() => true).then(() => pollFor(() => p.frames.some((f) => f.includes('"subscribed"') && f.includes('completion_updates'))));

  await one.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Habit Tracker' }).click();
  await one.getByRole('checkbox', { name: 'Run: not done yet today' }).click();
  await one.getByRole('checkbox', { name: 'Run: done today' }).waitFor();

  await streaks2.getByText('Streak: 1 day, best 1').waitFor();
  await score2.getByText('Habits today: 1 of 1').waitFor();
  assert.ok(liveEvents(two, 'completion_updates') >= 1, 'the second context got no completion event over /ws');
  assert.ok(liveEvents(two, 'productivity_score') >= 1, 'the second context got no score event over /ws');
});

test('a habit logged by another client (the API, as the agent would) shows up in both, without a reload', async () => {
  const h2 = (await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'create_habit', params: { name: 'Stretch' } })).body.data.id;
  // Creating a habit publishes nothing; logging it does — and the widgets refetch the list.
  assert.equal((await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'log_completion', params: { habit_id: h2 } })).status, 200);
  await two.getByRole('region', { name: 'Habit streaks widget' }).getByText('Stretch').waitFor();
  await two.getByRole('region', { name: 'Productivity score widget' }).getByText('Habits today: 2 of 2').waitFor();
  await one.getByRole('checkbox', { name: 'Stretch: done today' }).waitFor();
  assert.ok(habit);
});

test('notifications: the bell’s badge follows live, the panel reads and deletes, Settings mutes an app', async () => {
  // remind_me: Habit Tracker notifies of the habits still open — make one open first.
  await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'create_habit', params: { name: 'Floss' } });
  const sent = await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'remind_me', params: { in_seconds: 1 } });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const bell = two.getByTestId('notifications-bell');
  await two.getByTestId('unread-badge').waitFor({ timeout: 15_000 });
  assert.match(await bell.getAttribute('aria-label'), /\d+ unread/);
  await pollFor(() => liveEvents(two, '"notifications"') >= 1).catch(() => assert.fail(`no notification event over /ws: ${two.frames.join(' | ').slice(0, 600)}`));
  await bell.click();
  const panel = two.getByRole('dialog', { name: 'Notifications' });
  await panel.getByTestId('notification').first().waitFor();
  violations.push(...(await checkScreen(two, 'notifications-panel')));
  await panel.getByRole('button', { name: /^Mark “.*” read$/ }).first().click();
  await two.getByTestId('unread-badge').waitFor({ state: 'detached' });
  // The other device's badge follows the read too (after its next fetch: focus or event).
  await panel.getByRole('button', { name: /^Delete “/ }).first().click();
  await panel.getByText('Nothing new').waitFor();
  await two.keyboard.press('Escape');

  await two.goto(`${server.url}/settings/notifications`);
  const toggle = two.getByRole('switch', { name: 'Notifications from Habit Tracker' });
  await toggle.waitFor();
  assert.equal(await toggle.getAttribute('aria-checked'), 'true');
  violations.push(...(await checkScreen(two, 'settings-notifications')));
  const put = two.waitForResponse((r) => r.url().endsWith('/api/v1/notifications/mutes/habit-tracker') && r.request().method() === 'PUT');
  await toggle.click();
  await two.getByText('Muted: listed, never pushed').first().waitFor();
  assert.equal((await put).status(), 204);
  const mutes = await call('GET', '/api/v1/notifications/mutes');
  assert.deepEqual((await call('GET', '/api/v1/notifications/mutes')).body.muted, ['habit-tracker'], JSON.stringify(mutes.body));
});

test('the server restarts: the tab says it is reconnecting, then catches up on what it missed (since_seq)', async () => {
  const env = { KRILIN_WEB_DIR: WEB_DIR };
  const { port, dataDir } = server;
  firstDir = dataDir;
  await two.getByRole('link', { name: 'Desktop' }).first().click();
  const score2 = two.getByRole('region', { name: 'Productivity score widget' });
  await score2.getByText('Habits today: 2 of 3').waitFor();
  // Keep the tab from reconnecting until the missed event exists, so that it must be replayed.
  await two.route('**/api/v1/ws-ticket', (route) => route.abort());
  await server.stop();
  await two.getByTestId('live-status').getByText('Reconnecting…').waitFor({ timeout: 15_000 });
  server = await startKrilin({ env, dataDir, listen: `127.0.0.1:${port}` });
  server.cleanup = () => undefined;
  let r = await call('POST', '/api/v1/auth/login', { email, password });
  if (r.status === 200) token = r.body.access_token;
  const floss = (await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'list_habits', params: {} })).body.data.habits.find((h) => h.data.name === 'Floss');
  r = await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'log_completion', params: { habit_id: floss.id } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const before = two.frames.length;
  await two.unroute('**/api/v1/ws-ticket');
  await two.getByTestId('live-status').waitFor({ state: 'detached', timeout: 40_000 });
  await pollFor(() => two.sent.some((f) => f.includes('"since_seq"') && f.includes('completion_updates')), 10_000);
  await pollFor(() => two.frames.slice(before).some((f) => f.includes('"type":"event"') && f.includes(floss.id)), 10_000);
  await score2.getByText('Habits today: 3 of 3').waitFor(); // no reload, no navigation
});

test('no serious or critical accessibility violations on the new screens', () => {
  assert.deepEqual(violations, []);
});

async function pollFor(fn, ms = 10_000) {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
