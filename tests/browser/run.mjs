// Browser tests of the incidex web application: headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core, with a tiny runner.
// Needs INCIDEX_URL (a running `incidex serve` over examples/corpus) and
// INCIDEX_TOKEN; writes screenshots to SCREENSHOTS (default docs/screenshots).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const BASE = (process.env.INCIDEX_URL || '').replace(/\/?$/, '/');
const TOKEN = process.env.INCIDEX_TOKEN || '';
const SHOTS = process.env.SCREENSHOTS || path.join(root, 'docs/screenshots');
const fixture = (name) => path.join(root, 'crates/incidex-server/tests/fixtures', name);
if (!process.env.INCIDEX_URL || !TOKEN) {
  console.error('browser tests: set INCIDEX_URL and INCIDEX_TOKEN (scripts/browser-tests.sh does)');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });

const tests = [];
// `js`: run with JavaScript on (where a test must show that injected script does not run).
const test = (name, fn, { js = false } = {}) => tests.push({ name, fn, js });

/** A fresh page that records script errors, dialogs and CSP reports. */
async function open(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => { page.problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  return page;
}

async function login(page) {
  await page.goto(BASE + 'login');
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForNavigation(), page.click('#login-button')]);
}

test('search for an organisation, open its incident, see timeline and evidence', async ({ context }) => {
  const page = await open(context);
  await page.goto(BASE);
  await page.screenshot({ path: path.join(SHOTS, 'incidents.png'), fullPage: false });
  await page.fill('#q', 'ほしぞら雑貨');
  await Promise.all([page.waitForNavigation(), page.click('#search-button')]);
  const rows = page.locator('#incidents tbody tr');
  assert.equal(await rows.count(), 1, 'one incident matches');
  assert.match(await rows.first().innerText(), /株式会社ほしぞら雑貨店/);
  await page.screenshot({ path: path.join(SHOTS, 'search.png') });
  await Promise.all([page.waitForNavigation(), rows.first().locator('td.victim a').click()]);
  assert.equal(await page.locator('h1#victim').innerText(), '株式会社ほしぞら雑貨店');
  const events = page.locator('#timeline li');
  assert.ok(await events.count() >= 1, 'the timeline has events');
  assert.match(await events.first().locator('time').innerText(), /^\d{4}-\d{2}-\d{2}$/);
  // The victim's name is highlighted in the source text, with what it is evidence of.
  const mark = page.locator('.source-text mark.ev', { hasText: 'ほしぞら雑貨店' }).first();
  assert.match(await mark.getAttribute('title'), /victims: 株式会社ほしぞら雑貨店/);
  await page.screenshot({ path: path.join(SHOTS, 'incident.png'), fullPage: false });
  // Clicking a value jumps to its highlighted span, which is then emphasised.
  const value = page.locator('a.evidence-value').first();
  const anchor = (await value.getAttribute('href')).slice(1);
  await value.click();
  assert.equal(new URL(page.url()).hash, '#' + anchor);
  const target = page.locator(`[id="${anchor}"] mark`).first();
  const outline = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.equal(outline, 'solid', 'the target evidence is outlined');
  await page.screenshot({ path: path.join(SHOTS, 'evidence.png'), fullPage: false });
  assert.deepEqual(page.problems, []);
});

test('the statistics page draws charts with data and offers the CSV', async ({ context }) => {
  const page = await open(context);
  await page.goto(BASE + 'stats');
  for (const id of ['by-cause', 'by-sector', 'affected', 'malware']) {
    const bars = await page.locator(`#chart-${id} rect.bar`).count();
    assert.ok(bars > 0, `chart ${id} has bars`);
  }
  const box = await page.locator('#chart-by-cause > svg').boundingBox();
  assert.ok(box.width > 300 && box.height > 100, 'the chart is drawn at a visible size');
  await page.selectOption('select[name=taxonomy]', 'veris');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
  assert.match(await page.locator('#chart-by-cause').innerText(), /Hacking|Malware|Error|Social/);
  assert.ok(await page.locator('#monthly-table tbody tr').count() > 0, 'the monthly table has rows');
  const href = await page.locator('#csv-link').getAttribute('href');
  const csv = await page.request.get(BASE + href.replace(/^\//, ''));
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /No,業種,原因,概要,件数,公表日,出典/);
  await page.screenshot({ path: path.join(SHOTS, 'stats.png'), fullPage: false });
  assert.deepEqual(page.problems, []);
});

test('upload a notice, see it extracted, save it', async ({ context }) => {
  const page = await open(context);
  await login(page);
  await page.goto(BASE + 'ingest');
  await page.setInputFiles('#file', fixture('seiki_unauthorized_access.txt'));
  await Promise.all([page.waitForNavigation(), page.click('#preview-button')]);
  const preview = page.locator('section.preview');
  assert.match(await preview.innerText(), /株式会社架空精機/);
  assert.ok(await preview.locator('mark.ev').count() > 3, 'evidence is highlighted in the preview');
  await page.screenshot({ path: path.join(SHOTS, 'ingest-preview.png'), fullPage: false });
  await Promise.all([page.waitForNavigation(), page.click('#save-button')]);
  assert.match(await page.locator('#saved').innerText(), /report\(s\) stored|already stored/);
  await Promise.all([page.waitForNavigation(), page.locator('#saved a').first().click()]);
  assert.equal(await page.locator('h1#victim').innerText(), '株式会社架空精機');
  assert.deepEqual(page.problems, []);
});

test('markup in a stored notice shows literally and never runs', async ({ context }) => {
  const page = await open(context);
  // Control: scripts do run in this browser context, so their absence below means something.
  await page.setContent('<script>window.control = 1</script>');
  assert.equal(await page.evaluate(() => window.control), 1);
  await login(page);
  await page.goto(BASE + 'ingest');
  await page.fill('#paste-text', readFileSync(fixture('minato_script_markup.txt'), 'utf8'));
  await page.fill('#paste-name', 'minato-browser.txt');
  await Promise.all([page.waitForNavigation(), page.click('#ingest-save-button')]);
  await Promise.all([page.waitForNavigation(), page.locator('#saved a').first().click()]);
  const text = await page.locator('.source-text').first().innerText();
  assert.ok(text.includes("<script>document.title='pwned'; window.pwned=1</script>"), 'the script tag shows as text');
  assert.ok(text.includes('<b>太字</b>'), 'markup shows as text');
  assert.ok(text.includes('<img src=x onerror='), 'the img tag shows as text');
  assert.notEqual(await page.title(), 'pwned', 'no script ran');
  assert.equal(await page.locator('.source-text script, .source-text img, .source-text b').count(), 0);
  assert.equal(await page.evaluate(() => typeof window.pwned), 'undefined');
  assert.deepEqual(page.problems, []);
}, { js: true });

test('watch an organisation and see its alert', async ({ context }) => {
  const page = await open(context);
  await login(page);
  await page.goto(BASE + 'watchlist');
  await page.fill('#watch-add input[name=name]', '株式会社ほしぞら雑貨店');
  await page.fill('#watch-add input[name=domains]', 'hoshizora.example.jp');
  await Promise.all([page.waitForNavigation(), page.click('#watch-add button')]);
  assert.match(await page.locator('#watches').innerText(), /ほしぞら雑貨店/);
  assert.match(await page.locator('#alerts').innerText(), /株式会社ほしぞら雑貨店/);
  await page.screenshot({ path: path.join(SHOTS, 'watchlist.png'), fullPage: false });
  // The watched-only list shows it.
  await page.goto(BASE + '?watched=1');
  assert.match(await page.locator('#incidents').innerText(), /ほしぞら雑貨店/);
  assert.deepEqual(page.problems, []);
});

test('the list reads on a phone', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const page = await open(context);
  await page.goto(BASE + '?sort=affected');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (page is ${width}px wide)`);
  await page.screenshot({ path: path.join(SHOTS, 'phone.png'), fullPage: false });
  await context.close();
});

// launch() gives Chromium a fresh temporary profile of its own.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let passed = 0, failed = 0;
for (const t of tests) {
  // The site ships no script: tests run with JavaScript off (as some users browse) unless they need it on.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', javaScriptEnabled: t.js });
  const started = Date.now();
  try {
    await t.fn({ browser, context });
    passed++;
    console.log(`ok - ${t.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${t.name}\n  ${(e && e.stack || String(e)).split('\n').join('\n  ')}`);
  } finally {
    await context.close();
  }
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
