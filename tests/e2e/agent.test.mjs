// The agent chat of an app, end to end, against the fake Anthropic API (tests/fakes): the
// reply streams into the side panel of Habit Tracker's window, the tool call it makes changes
// the habit (the checkbox follows), and a destructive request ("archive …") stops at a
// confirmation card showing the exact arguments; approving it archives the habit. axe on the
// panel in light and dark.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { startAnthropicFake } from '../fakes/anthropic.mjs';
import { getJson, startKrilin } from '../integration/support.mjs';
import { checkPrerequisites, checkScreen, launch, newContext, WEB_DIR } from './support.mjs';

// The paths covered: a phrasing the offline router does not take (the model's tool call logs
// the habit), a message for the model alone (its text streams, the turn shows its token cost),
// "archive …" (taken by the router or the model) waiting on the confirmation card, and the
// history listing and reopening the conversation.
let server, fake, browser, page, token, habit, hasChat;
const email = `agent.${randomBytes(4).toString('hex')}@example.com`;
const password = 'correct horse battery staple';

const call = (method, path, body) =>
  getJson(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });

// The tool the model is offered for an action, whatever the server names it
// ("log_completion", "habit-tracker__log_completion"…).
const toolFor = (body, action) => (body.tools ?? []).find((t) => t.name === action || t.name.endsWith(action))?.name;

// Scripted turns whose tool names are taken from the request (the match runs first).
function script() {
  const logTurn = { reply: { text: 'Logging your run now.', tools: [{ name: 'log_completion', input: {} }] } };
  logTurn.match = (body, ctx) => {
    if (!/ran/i.test(ctx.lastUserText ?? '') || ctx.toolResults.length) return false;
    logTurn.reply.tools[0].name = toolFor(body, 'log_completion') ?? 'log_completion';
    logTurn.reply.tools[0].input = { habit_id: habit };
    return true;
  };
  const archiveTurn = { reply: { text: 'I will archive it once you confirm.', tools: [{ name: 'archive_habit', input: {} }] } };
  archiveTurn.match = (body, ctx) => {
    if (!/archive/i.test(ctx.lastUserText ?? '') || ctx.toolResults.length) return false;
    archiveTurn.reply.tools[0].name = toolFor(body, 'archive_habit') ?? 'archive_habit';
    archiveTurn.reply.tools[0].input = { habit_id: habit };
    return true;
  };
  return [
    { match: /encouraging/i, times: 3, reply: { text: 'Keep going: every run counts, and you ran today.' }, stream: { textChunks: 2 } },
    logTurn,
    { match: (_b, ctx) => ctx.toolResults.length > 0 && /ran/i.test(JSON.stringify(_b.messages?.[0] ?? '')), reply: { text: 'Done — your streak is 1 day.' } },
    archiveTurn,
    { match: (_b, ctx) => ctx.toolResults.length > 0, times: 5, reply: { text: 'Archived “Run”.' } },
  ];
}

before(async () => {
  checkPrerequisites();
  fake = await startAnthropicFake({ script: script() });
  server = await startKrilin({
    env: { KRILIN_WEB_DIR: WEB_DIR, KRILIN_ANTHROPIC_API_KEY: 'test-key', KRILIN_ANTHROPIC_BASE_URL: fake.url },
  });
  const r = await getJson(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: 'Ada' }),
  });
  token = r.body.access_token;
  assert.equal((await call('POST', '/api/v1/apps/dashboard/install', {})).status, 201);
  habit = (await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'create_habit', params: { name: 'Run' } })).body.data.id;
  const probe = await call('GET', '/api/v1/apps/habit-tracker/agent/conversations');
  hasChat = probe.status === 200;
  browser = await launch();
  const context = await newContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Habit streaks widget' }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  await fake?.close();
});

// The panel against a scripted event stream (Playwright answers the chat routes), so that
// the UI is checked on any server: text, a tool step, the confirmation card with the exact
// arguments, Approve continuing the turn, the cost, an error with what to do.
test('the panel shows a scripted stream: text, tool step, confirmation, cost, error hint (routes faked in the browser)', async () => {
  const context = await newContext(browser);
  const p = await context.newPage();
  p.setDefaultTimeout(10_000);
  const sse = (events) => events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
  const bodies = [];
  await p.route('**/api/v1/apps/habit-tracker/agent/chat', async (route) => {
    const body = route.request().postDataJSON();
    bodies.push(body);
    if (/too long/.test(body.message))
      return route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ error: { code: 'budget_exceeded', message: 'Today’s budget is spent.', retryable: false } }) });
    await route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: sse([
        ['conversation', { conversation_id: 'c-1' }],
        ['text', { delta: 'I will archive ' }],
        ['text', { delta: '“Run” once you confirm.' }],
        ['tool_call', { id: 'tc1', name: 'archive_habit', input: { habit_id: habit } }],
        ['confirmation_required', { id: 'cf1', tool_call_id: 'tc1', app_id: 'habit-tracker', action: 'archive_habit', input: { habit_id: habit }, description: 'Archive the habit “Run”' }],
        ['done', { conversation_id: 'c-1', status: 'awaiting_confirmation', routed: false, usage: { input_tokens: 1200, output_tokens: 40 }, cost_micros: 3900 }],
      ]),
    });
  });
  await p.route('**/api/v1/apps/habit-tracker/agent/confirm', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: sse([
        ['tool_result', { id: 'tc1', name: 'archive_habit', ok: true, result: { archived: true } }],
        ['text', { delta: ' Archived.' }],
        ['done', { conversation_id: 'c-1', status: 'completed', routed: false, usage: { input_tokens: 1300, output_tokens: 10 }, cost_micros: 2100 }],
      ]),
    }),
  );
  await p.route('**/api/v1/apps/habit-tracker/agent/conversations', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [{ id: 'c-1', title: 'Archive Run', updated_at: Date.now() }] }) }),
  );
  await p.route('**/api/v1/usage', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ today: { cost_micros: 6000, cap_micros: 1000000 }, days: [] }) }),
  );
  await p.goto(`${server.url}/sign-in`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('tablist').waitFor();
  await p.goto(`${server.url}/apps/habit-tracker`);
  await p.getByRole('button', { name: 'Ask Habit Tracker’s assistant' }).click();
  const panel = p.getByRole('complementary', { name: 'Habit Tracker assistant' });
  const input = panel.getByLabel('Message to the assistant');
  await input.fill('archive Run');
  await input.press('Enter');
  const card = panel.getByTestId('confirmation');
  await card.waitFor();
  assert.match(await panel.getByTestId('assistant-reply').last().textContent(), /I will archive “Run” once you confirm\./);
  assert.match(await card.textContent(), new RegExp(`"habit_id": "${habit}"`));
  assert.match(await card.textContent(), /habit-tracker · archive_habit/);
  await panel.getByText('Today: $0.0060 of $1.00').waitFor();
  const violations = await checkScreen(p, 'agent-confirmation-scripted');
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.getByText('Approved').waitFor();
  await panel.getByText(/Archived\./).waitFor();
  await panel.getByTestId('turn-cost').getByText('$0.0060 · 2550 tokens').waitFor();
  await panel.getByTestId('tool-step').getByText('archive_habit').waitFor();
  assert.deepEqual(bodies[0], { message: 'archive Run' });
  await input.fill('a message that is too long');
  await input.press('Enter');
  await panel.getByRole('alert').getByText('Today’s budget is spent.').waitFor();
  await panel.getByText(/AI budget is spent/).waitFor();
  assert.deepEqual(bodies[1], { message: 'a message that is too long', conversation_id: 'c-1' });
  violations.push(...(await checkScreen(p, 'agent-panel-scripted')));
  await context.close();
  assert.deepEqual(violations, []);
});

test('the assistant panel streams a reply, its tool call logs the habit, a destructive request asks first', async (t) => {
  assert.ok(hasChat, 'GET …/agent/conversations answers 200');
  await page.goto(`${server.url}/apps/habit-tracker`);
  await page.getByRole('checkbox', { name: 'Run: not done yet today' }).waitFor();
  await page.getByRole('button', { name: 'Ask Habit Tracker’s assistant' }).click();
  const panel = page.getByRole('complementary', { name: 'Habit Tracker assistant' });
  const input = panel.getByLabel('Message to the assistant');
  // A phrasing the offline router does not take: the model (the fake) answers with a tool call.
  const asked = fake.requests.length;
  await input.fill('be a dear and tick my running thing off, I ran earlier');
  await input.press('Enter');
  const reply = panel.getByTestId('assistant-reply').last();
  await reply.getByText('Logging your run now.').waitFor();
  await reply.getByTestId('tool-step').getByText('log_completion').waitFor();
  await reply.getByText('Done — your streak is 1 day.').waitFor();
  await panel.getByTestId('turn-cost').first().waitFor();
  assert.ok(fake.requests.length >= asked + 2, `the model was called ${fake.requests.length - asked} times`);
  await page.getByRole('checkbox', { name: 'Run: done today' }).waitFor();
  const logs = await call('POST', '/api/v1/apps/habit-tracker/action', { action: 'list_habits', params: {} });
  assert.equal(logs.status, 200);
  assert.match(JSON.stringify(logs.body), /"done_today":true|"completed":true|current":1/);
  const violations = await checkScreen(page, 'agent-panel');

  // A message no intent covers goes to the model (the fake): its text streams in, the turn
  // says what it cost in tokens.
  const before = fake.requests.length;
  await input.fill('Say something encouraging about my running');
  await input.press('Enter');
  await panel.getByText('Keep going: every run counts, and you ran today.').waitFor();
  assert.ok(fake.requests.length > before, 'the model was not called');
  await pollUntil(async () => /tokens/.test((await panel.getByTestId('turn-cost').last().textContent()) ?? ''));

  await input.fill('archive Run');
  await input.press('Enter');
  const card = panel.getByTestId('confirmation');
  await card.waitFor();
  assert.match(await card.textContent(), /archive_habit/);
  assert.match(await card.textContent(), new RegExp(habit));
  violations.push(...(await checkScreen(page, 'agent-confirmation')));
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.getByText('Approved').waitFor();
  await page.getByRole('checkbox', { name: /^Run:/ }).waitFor({ state: 'detached' });
  assert.deepEqual(violations, []);
});

test('the conversation is kept: it is listed and opens again', async (t) => {
  assert.ok(hasChat, 'GET …/agent/conversations answers 200');
  const list = await call('GET', '/api/v1/apps/habit-tracker/agent/conversations');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.length >= 1);
  const panel = page.getByRole('complementary', { name: 'Habit Tracker assistant' });
  await panel.getByRole('button', { name: 'New conversation' }).click();
  await panel.getByRole('button', { name: 'Conversations' }).click();
  await page.getByRole('menuitem').first().click();
  await panel.getByText('be a dear and tick my running thing off, I ran earlier').waitFor();
});

async function pollUntil(fn, ms = 10_000) {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
