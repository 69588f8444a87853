// The web desktop end to end: a real `krilin serve` (fresh data dir, free port) serving
// web/dist, driven in Debian's Chromium. One person's first session, in order: sign up,
// onboarding installs Habit Tracker and the Dashboard, a habit is created and checked, the
// streak and the desktop's widgets follow (in a second tab too, without a reload — tabs of
// one browser tell each other; live.test.mjs covers other devices over /ws), the palette logs a
// habit, dashboards are added and changed, uninstalling Habit Tracker shows its dependents,
// a session ended elsewhere is signed in again without losing what was typed, TOTP is turned
// on and used to sign in again. Every screen passes axe-core (no serious or critical
// violation) in light and dark, and is photographed in both under build/test-results/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { rawExchange, startKrilin } from '../integration/support.mjs';
import { checkPrerequisites, checkScreen, launch, newContext, totp, WEB_DIR } from './support.mjs';

let server;
let browser;
let context;
let page;
const violations = [];
const email = `ada.${Date.now()}@example.com`;
const password = 'correct horse battery staple';

async function screen(name) {
  violations.push(...(await checkScreen(page, name)));
}

before(async () => {
  checkPrerequisites();
  server = await startKrilin({ env: { KRILIN_WEB_DIR: WEB_DIR } });
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

test('the server serves the desktop: index revalidated, hashed assets immutable, SPA fallback, API 404s stay JSON', async () => {
  const index = await fetch(`${server.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
  assert.ok(asset, 'index.html names no script under /assets/');
  const js = await fetch(server.url + asset, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const deep = await fetch(`${server.url}/apps/habit-tracker`);
  assert.equal(deep.status, 200);
  assert.equal(await deep.text(), html);
  const api = await fetch(`${server.url}/api/v1/nothing-here`);
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error.code, 'not_found');
  assert.equal((await fetch(`${server.url}/assets/missing-0000.js`)).status, 404);
  // fetch() would normalise the dots away: send them raw.
  for (const target of ['/../../etc/passwd', '/assets/%2e%2e/%2e%2e/etc/passwd', '/.git/config']) {
    const raw = await rawExchange(server.port, [`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
    assert.match(raw.data, /^HTTP\/1\.1 404 /, `${target} answered ${raw.data.slice(0, 40)}`);
  }
});

test('sign up, then onboarding installs Habit Tracker and the Dashboard through their plan', async () => {
  await page.goto(server.url);
  await page.waitForURL('**/sign-in');
  await screen('sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill('Ada');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await screen('sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();

  await page.waitForURL('**/welcome');
  await page.getByRole('heading', { name: 'Welcome to Krilin, Ada' }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: 'Install Habit Tracker' }).getAttribute('aria-checked'), 'true');
  assert.equal(await page.getByRole('checkbox', { name: 'Install Analytics Dashboard' }).getAttribute('aria-checked'), 'true');
  await screen('onboarding');
  await page.getByRole('button', { name: 'Continue' }).click();
  const plan = page.getByRole('dialog', { name: 'Here is what will happen' });
  await plan.getByText('Read your habit streaks from Habit Tracker').waitFor();
  await screen('onboarding-plan');
  await plan.getByRole('button', { name: 'Install 2 apps' }).click();
  await page.getByRole('heading', { name: 'You are set' }).waitFor();
  await page.getByRole('button', { name: 'Open my desktop' }).click();

  await page.waitForURL(`${server.url}/`);
  await page.getByRole('region', { name: 'Habit streaks widget' }).getByText('No habits yet').waitFor();
  await page.getByRole('region', { name: 'Productivity score widget' }).waitFor();
});

test('a session survives a reload (the refresh cookie)', async () => {
  await page.reload();
  await page.getByRole('region', { name: 'Habit streaks widget' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
});

test('create a habit, check it today: the streak and the desktop widgets follow, in a second tab too', async () => {
  const second = await context.newPage();
  await second.goto(server.url);
  await second.getByRole('region', { name: 'Habit streaks widget' }).getByText('No habits yet').waitFor();
  await page.bringToFront();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Habit Tracker' }).click();
  await page.waitForURL('**/apps/habit-tracker');
  await page.getByText('No habits yet').waitFor();
  await screen('habit-tracker-empty');
  await page.getByRole('button', { name: 'Create your first habit' }).click();
  const dialog = page.getByRole('dialog', { name: 'New habit' });
  await dialog.getByLabel('Name').fill('Read 10 pages');
  await screen('habit-dialog');
  await dialog.getByRole('button', { name: 'Create habit' }).click();
  const box = page.getByRole('checkbox', { name: 'Read 10 pages: not done yet today' });
  await box.waitFor();
  await page.getByText('0 of 1 done today').waitFor();

  await box.click();
  await page.getByRole('checkbox', { name: 'Read 10 pages: done today' }).waitFor();
  await page.getByText('All done today').waitFor();
  // The streak, once the server answered (the optimistic one says the same).
  await page.getByText('Streak: 1 day, best 1').first().waitFor();
  await page.getByRole('button', { name: /: done$/ }).first().waitFor(); // today's heatmap cell
  await screen('habit-tracker');

  await page.getByRole('link', { name: 'Desktop' }).first().click();
  const streaks = page.getByRole('region', { name: 'Habit streaks widget' });
  await streaks.getByText('Read 10 pages').waitFor();
  await streaks.getByText('Streak: 1 day, best 1').waitFor();
  const score = page.getByRole('region', { name: 'Productivity score widget' });
  await score.getByText('Habits today: 1 of 1').waitFor();
  const value = Number(await score.getByTestId('score-value').textContent());
  assert.ok(value > 0, `score ${value}`);
  await screen('desktop');

  // The other tab caught up without a reload (tabs of one browser tell each other; other
  // devices hear it over /ws: live.test.mjs).
  const other = second.getByRole('region', { name: 'Habit streaks widget' });
  await other.getByText('Read 10 pages').waitFor();
  await other.getByText('Streak: 1 day, best 1').waitFor();
  await second.getByRole('region', { name: 'Productivity score widget' }).getByText('Habits today: 1 of 1').waitFor();
  await second.close();
  await page.bringToFront();
});

test('the command palette logs a habit by name', async () => {
  await page.goto(`${server.url}/apps/habit-tracker`);
  await page.getByRole('button', { name: 'New habit' }).click();
  const dialog = page.getByRole('dialog', { name: 'New habit' });
  await dialog.getByLabel('Name').fill('Walk');
  await dialog.getByRole('button', { name: 'Create habit' }).click();
  await page.getByRole('checkbox', { name: 'Walk: not done yet today' }).waitFor();
  await page.getByText('1 of 2 done today').waitFor();

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox').fill('log habit walk');
  await screen('command-palette');
  await page.keyboard.press('Enter');
  await page.getByRole('checkbox', { name: 'Walk: done today' }).waitFor();
  await page.getByText('All done today').waitFor();
});

test('edit a habit, then archive it after a confirmation', async () => {
  await page.getByRole('button', { name: 'More for Walk' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit “Walk”' });
  await edit.getByLabel('Name').fill('Evening walk');
  await edit.getByRole('radio', { name: 'On some days' }).click();
  await edit.getByRole('button', { name: 'Saturday' }).click();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Mon, Tue, Wed, Thu, Fri, Sat').first().waitFor();

  await page.getByRole('button', { name: 'More for Evening walk' }).click();
  await page.getByRole('menuitem', { name: 'Archive…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Archive “Evening walk”?' });
  await screen('habit-archive-confirm');
  await confirm.getByRole('button', { name: 'Archive habit' }).click();
  await page.getByRole('checkbox', { name: /Evening walk/ }).waitFor({ state: 'detached' });
  await page.getByText('All done today').waitFor();
});

test('the desktop: several dashboards, widgets added and removed (saved for the next visit)', async () => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'New dashboard' }).click();
  await page.getByRole('dialog', { name: 'New dashboard' }).getByLabel('Name').fill('Focus');
  await page.getByRole('button', { name: 'Create dashboard' }).click();
  await page.getByRole('tab', { name: 'Focus', selected: true }).waitFor();
  await page.getByText('This dashboard is empty').waitFor();
  await page.getByRole('button', { name: 'Add a widget' }).click();
  await page.getByRole('dialog', { name: 'Add a widget' }).getByRole('button', { name: /Productivity score/ }).click();
  await page.getByRole('region', { name: 'Productivity score widget' }).waitFor();
  const medium = await page.getByTestId('widget-dashboard/score').boundingBox();
  await page.getByRole('button', { name: 'Productivity score widget options' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Large' }).click();
  await page.reload();
  await page.getByRole('tab', { name: 'Focus', selected: true }).waitFor();
  await page.getByRole('region', { name: 'Productivity score widget' }).waitFor();
  const large = await page.getByTestId('widget-dashboard/score').boundingBox();
  assert.ok(large.width > medium.width * 1.3 && large.height > medium.height, `medium ${JSON.stringify(medium)}, large ${JSON.stringify(large)}`);
  await page.getByRole('button', { name: 'Productivity score widget options' }).click();
  await page.getByRole('menuitem', { name: 'Remove from this dashboard' }).click();
  await page.getByText('This dashboard is empty').waitFor();
  await page.getByRole('tab', { name: 'Home' }).click();
  await page.getByRole('region', { name: 'Habit streaks widget' }).waitFor();
});

test('the Dashboard app shows the score and its breakdown', async () => {
  await page.goto(`${server.url}/apps/dashboard`);
  await page.getByRole('heading', { name: /Today's productivity score: \d+/ }).waitFor();
  await page.getByText('Done today').waitFor();
  await screen('dashboard-app');
});

test('uninstalling Habit Tracker names its dependents and offers cascade, disable or cancel', async () => {
  await page.goto(`${server.url}/catalog`);
  await page.getByRole('button', { name: 'More for Habit Tracker' }).click();
  await page.getByRole('menuitem', { name: 'Uninstall…' }).click();
  await page.getByRole('dialog', { name: 'Uninstall Habit Tracker?' }).getByRole('button', { name: 'Uninstall' }).click();
  const deps = page.getByRole('dialog', { name: 'Other apps need Habit Tracker' });
  await deps.getByText('Analytics Dashboard needs Habit Tracker to work.').waitFor();
  await deps.getByRole('button', { name: 'Uninstall all 2 apps' }).waitFor();
  await deps.getByRole('button', { name: 'Only switch off' }).waitFor();
  await screen('uninstall-dependents');
  await deps.getByRole('button', { name: 'Cancel' }).click();
  await deps.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Open Habit Tracker' }).waitFor(); // still installed
  await screen('catalog');
});

test('activity, permissions and the settings screens', async () => {
  await page.goto(`${server.url}/activity`);
  await page.getByText('Installed Analytics Dashboard 1.0.0').waitFor();
  await page.getByText(/Analytics Dashboard read your habit streaks from Habit Tracker/).first().waitFor();
  await screen('activity');
  await page.getByRole('combobox', { name: 'App' }).selectOption('dashboard');
  await page.getByText('Account created').waitFor({ state: 'detached' });

  await page.goto(`${server.url}/permissions`);
  await page.getByText(/may read today's habit completion rate from/).waitFor();
  await screen('permissions');

  await page.goto(`${server.url}/settings/profile`);
  await page.getByLabel('Time zone').waitFor();
  await screen('settings-profile');
  await page.goto(`${server.url}/settings/appearance`);
  await page.getByRole('radio', { name: 'System' }).waitFor();
  await screen('settings-appearance');
  await page.goto(`${server.url}/settings/sessions`);
  await page.getByText('This device').waitFor();
  await screen('settings-sessions');
});

test('when the session ends mid-use, signing in again keeps what was typed and finishes it', async () => {
  await page.goto(`${server.url}/apps/habit-tracker`);
  await page.getByRole('button', { name: 'New habit' }).click();
  const dialog = page.getByRole('dialog', { name: 'New habit' });
  await dialog.getByLabel('Name').fill('Stretch');
  // Meanwhile, on another device: "sign out everywhere" ends this session too.
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { access_token: other } = await login.json();
  const out = await fetch(`${server.url}/api/v1/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${other}` } });
  assert.equal(out.status, 204);

  await dialog.getByRole('button', { name: 'Create habit' }).click();
  const again = page.getByRole('dialog', { name: 'Sign in again to continue' });
  await again.waitFor();
  await screen('session-expired');
  await again.getByLabel('Password').fill(password);
  await again.getByRole('button', { name: 'Sign in' }).click();
  await again.waitFor({ state: 'detached' });
  await page.getByRole('checkbox', { name: 'Stretch: not done yet today' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/apps/habit-tracker');
});

test('turn on two-step sign-in with a QR code, then sign in again with a code', async () => {
  await page.goto(`${server.url}/settings/security`);
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await page.getByRole('img', { name: 'QR code to add Krilin to your authenticator app' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await screen('settings-security-totp');
  const confirmedAt = Date.now() / 1000;
  await page.getByLabel('Code from the app').fill(totp(secret, confirmedAt));
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
  await page.getByRole('button', { name: 'I saved them' }).click();

  await page.getByRole('button', { name: 'Account: Ada' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').waitFor();
  await screen('sign-in-mfa');
  // A code is accepted once per step: the next step's (within the ±1 window) is new.
  await page.getByLabel('Authentication code').fill(totp(secret, confirmedAt + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.getByRole('region', { name: 'Habit streaks widget' }).getByText('Read 10 pages').waitFor();
});

test('no serious or critical accessibility violations on any screen, in light and dark', () => {
  assert.deepEqual(violations, []);
});
