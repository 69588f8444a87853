// App windows and what came with them: the Dashboard's window with its trend (an empty state
// when the server's Dashboard has no score_trend), floating a window (dragged with the
// mouse, moved and resized with the keyboard), pinning an app to the sidebar, the palette
// finding a habit by name, and the desktop's layout kept on the server (another browser
// sees the new dashboard). axe on each new screen, light and dark.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { getJson, startKrilin } from '../integration/support.mjs';
import { checkPrerequisites, checkScreen, launch, newContext, WEB_DIR } from './support.mjs';

let server, browser, page, token;
const violations = [];
const email = `win.${randomBytes(4).toString('hex')}@example.com`;
const password = 'correct horse battery staple';

const call = (method, path, body) =>
  getJson(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });

async function signIn(p) {
  p.setDefaultTimeout(10_000);
  await p.goto(`${server.url}/sign-in`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('tablist').waitFor();
}

before(async () => {
  checkPrerequisites();
  server = await startKrilin({ env: { KRILIN_WEB_DIR: WEB_DIR } });
  const r = await getJson(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: 'Lin' }),
  });
  token = r.body.access_token;
  assert.equal((await call('POST', '/api/v1/apps/dashboard/install', {})).status, 201);
  const h = (await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'create_habit', params: { name: 'Meditate' } })).body.data.id;
  await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'log_completion', params: { habit_id: h } });
  browser = await launch();
  page = await (await newContext(browser)).newPage();
  await signIn(page);
  await page.getByRole('region', { name: 'Habit streaks widget' }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

test('the Dashboard window: the score, its breakdown and its trend (or why there is none)', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics Dashboard' }).click();
  await page.getByRole('heading', { name: /Today's productivity score: \d+/ }).waitFor();
  const trend = page.getByRole('region', { name: 'Trend — last 14 days' });
  await trend.getByText(/No trend on this server yet|No history yet|since|One day so far/).first().waitFor();
  violations.push(...(await checkScreen(page, 'dashboard-trend')));
});

test('the trend draws the days score_trend answers (the action answered in the browser)', async () => {
  const today = new Date();
  const days = Array.from({ length: 14 }, (_, i) => {
    const d = new Date(today.getTime() - (13 - i) * 86400_000);
    return { date: d.toISOString().slice(0, 10), score: i === 3 ? null : 30 + i * 3 };
  });
  await page.route('**/api/v1/apps/dashboard/action', async (route) => {
    const body = route.request().postDataJSON();
    if (body?.action !== 'score_trend') return route.continue();
    assert.deepEqual(body.params, { days: 14 });
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: days }) });
  });
  await page.reload();
  const trend = page.getByRole('region', { name: 'Trend — last 14 days' });
  await trend.getByTestId('trend-summary').getByText(/Up 39 since/).waitFor();
  assert.equal(await trend.locator('circle').count(), 13);
  assert.equal(await trend.locator('table tbody tr').count(), 14);
  violations.push(...(await checkScreen(page, 'dashboard-trend-data')));
  await page.unroute('**/api/v1/apps/dashboard/action');
  await page.reload();
  await trend.getByText(/No trend on this server yet|No history yet|since|One day so far/).first().waitFor();
});

test('a window floats over the desktop: dragged, moved and resized with the keyboard, then full size again', async () => {
  await page.getByRole('button', { name: 'Float this window' }).click();
  const win = page.getByTestId('floating-window');
  await win.waitFor();
  await page.getByRole('region', { name: 'Habit streaks widget' }).waitFor(); // the desktop behind
  const before = await win.boundingBox();
  const bar = win.locator('h1');
  const b = await bar.boundingBox();
  await page.mouse.move(b.x + 5, b.y + 5);
  await page.mouse.down();
  await page.mouse.move(b.x + 105, b.y + 65, { steps: 5 });
  await page.mouse.up();
  const dragged = await win.boundingBox();
  assert.ok(Math.abs(dragged.x - before.x - 100) <= 2 && Math.abs(dragged.y - before.y - 60) <= 2, `dragged to ${JSON.stringify(dragged)} from ${JSON.stringify(before)}`);
  const move = page.getByRole('button', { name: /Move or resize the window/ });
  await move.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Shift+ArrowRight');
  const keyed = await win.boundingBox();
  assert.equal(Math.round(keyed.x), Math.round(dragged.x - 24));
  assert.equal(Math.round(keyed.width), Math.round(dragged.width + 24));
  violations.push(...(await checkScreen(page, 'floating-window')));
  // Kept for the next visit.
  await page.reload();
  await page.getByTestId('floating-window').waitFor();
  await page.getByRole('button', { name: 'Full size' }).click();
  await page.getByTestId('floating-window').waitFor({ state: 'detached' });
});

test('pin an app to the sidebar, switch windows with the tabs', async () => {
  await page.getByRole('button', { name: 'Pin to the sidebar' }).click();
  const pinned = page.getByTestId('pinned-apps');
  await pinned.getByRole('link', { name: 'Analytics Dashboard' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Habit Tracker' }).click();
  await page.waitForURL('**/apps/habit-tracker');
  const tabs = page.getByRole('navigation', { name: 'Open windows' });
  await tabs.getByRole('link', { name: 'Analytics Dashboard' }).click();
  await page.waitForURL('**/apps/dashboard');
  await page.getByRole('button', { name: 'Unpin from the sidebar' }).click();
  await pinned.waitFor({ state: 'detached' });
});

test('the palette finds a habit by name among the records', async () => {
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox').fill('medit');
  const rec = palette.getByRole('option', { name: /Meditate — habit, streak 1/ });
  await rec.waitFor();
  violations.push(...(await checkScreen(page, 'palette-records')));
  await rec.click();
  await page.waitForURL('**/apps/habit-tracker**');
  await page.getByRole('checkbox', { name: 'Meditate: done today' }).waitFor();
});

test('the desktop layout is kept on the server: another browser sees a new dashboard', async (t) => {
  assert.equal((await call('GET', '/api/v1/me/desktop')).status, 200);
  await page.getByRole('link', { name: 'Desktop' }).first().click();
  await page.getByRole('button', { name: 'New dashboard' }).click();
  await page.getByRole('dialog', { name: 'New dashboard' }).getByLabel('Name').fill('Evening');
  await page.getByRole('button', { name: 'Create dashboard' }).click();
  await page.getByRole('tab', { name: 'Evening', selected: true }).waitFor();
  let doc;
  for (let i = 0; i < 40; i++) {
    doc = (await call('GET', '/api/v1/me/desktop')).body;
    if (doc.dashboards?.some((d) => d.name === 'Evening')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(doc.dashboards.some((d) => d.name === 'Evening'), JSON.stringify(doc));
  assert.ok(doc.version >= 1);
  const other = await (await newContext(browser)).newPage();
  await signIn(other);
  // The same dashboards, and the same one chosen.
  await other.getByRole('tab', { name: 'Evening', selected: true }).waitFor();
  await other.getByRole('tab', { name: 'Home' }).click();
  await other.getByRole('region', { name: 'Habit streaks widget' }).waitFor();
  await other.close();
});

test('no serious or critical accessibility violations on these screens', () => {
  assert.deepEqual(violations, []);
});
