// Helpers for the desktop's end-to-end tests: Debian's Chromium driven by playwright-core
// (never a downloaded browser), a real `krilin serve` (tests/integration/support.mjs), TOTP
// codes computed here (RFC 6238), axe-core on every screen, screenshots in both themes.
import { AxeBuilder } from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const WEB_DIR = process.env.KRILIN_WEB_DIR ?? path.join(ROOT, 'web/dist');
export const SHOTS = path.join(ROOT, 'build/test-results/e2e');

const CHROMIUM = process.env.KRILIN_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function checkPrerequisites() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup --test installs Debian's chromium`);
  if (!existsSync(path.join(WEB_DIR, 'index.html'))) throw new Error(`${WEB_DIR}/index.html is missing: run npm run build --workspace web`);
}

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

// A browser context like a person's first visit: a desktop-sized window, the system theme
// light, no stored state, a Paris clock.
export async function newContext(browser, { colorScheme = 'light' } = {}) {
  // Reduced motion: screenshots and axe see final colours, not a transition's first frame.
  return browser.newContext({
    viewport: { width: 1360, height: 860 },
    colorScheme,
    reducedMotion: 'reduce',
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
  });
}

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits.
export function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

// Screenshots of the screen in light and dark (the theme follows the system setting, which
// the test switches), and axe-core: every WCAG 2.1 A/AA rule in light, the colour rules again
// in dark (nothing else changes with the theme). Serious and critical violations are
// collected for the test to fail on.
export async function checkScreen(page, name) {
  const t0 = Date.now();
  const found = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((s) => document.documentElement.dataset.theme === s, scheme);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`) });
    const axe = new AxeBuilder({ page });
    if (scheme === 'light') axe.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
    else axe.withRules(['color-contrast', 'link-in-text-block']);
    const results = await axe.analyze();
    for (const v of results.violations)
      if (v.impact === 'serious' || v.impact === 'critical')
        found.push(
          `${name} (${scheme}): ${v.id} [${v.impact}] ${v.help} — ` +
            v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.any[0]?.message ?? n.failureSummary ?? ''}`).join('; '),
        );
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  if (process.env.KRILIN_E2E_TIMING) console.error(`checkScreen ${name}: ${Date.now() - t0} ms`);
  return found;
}
