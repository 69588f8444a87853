// Runs one provider fake as its own process, for tests written in other languages (the C++
// providers' tests in src/agents/providers/fakes_test.cpp):
//
//   node tests/fakes/serve.mjs anthropic|openai <spec.json>
//
// spec.json = { "options": {…the fake's options, e.g. apiKeys}, "script": [turns] } (turns as
// in anthropic.mjs / openai.mjs, without RegExps or predicates). Prints one JSON line once
// listening: {"url", "baseURL", "control"}, then serves until told to stop. `control` is a
// second server: GET /requests → the fake's request records, GET /remaining → the unused
// turns, POST /quit → closes both and exits. The process also exits by itself after
// `ttlMs` (spec field, 120000 by default), so a crashed test leaves nothing running.
import { readFileSync } from 'node:fs';
import { startAnthropicFake } from './anthropic.mjs';
import { startOpenAIFake } from './openai.mjs';
import { listen } from './common.mjs';

const [kind, specPath] = process.argv.slice(2);
const start = { anthropic: startAnthropicFake, openai: startOpenAIFake }[kind];
if (!start || !specPath) {
  process.stderr.write('usage: node serve.mjs anthropic|openai <spec.json>\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const fake = await start({ ...(spec.options ?? {}), script: spec.script ?? [] });

let control;
const quit = async () => {
  await fake.close();
  await control.close();
  process.exit(0);
};
control = await listen(async (req, res) => {
  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === 'GET' && req.url === '/requests') return send(200, { requests: fake.requests });
  if (req.method === 'GET' && req.url === '/remaining') return send(200, { remaining: fake.remaining() });
  if (req.method === 'POST' && req.url === '/quit') {
    send(200, {});
    setImmediate(quit);
    return undefined;
  }
  return send(404, { error: 'unknown control request' });
});
setTimeout(quit, spec.ttlMs ?? 120000).unref();
process.stdout.write(`${JSON.stringify({ url: fake.url, baseURL: fake.baseURL ?? fake.url, control: control.url })}\n`);
