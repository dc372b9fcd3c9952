// The report for examples/notes in a real browser (Debian's Chromium, driven
// by playwright-core): no console errors, nothing fetched, the totals and
// the timeline on screen, readable in light and dark mode and on a phone.
// Screenshots are kept as test artifacts. Run by tests/report/run.sh, which
// renders the page and sets REPORT_HTML, REPORT_OUT and CHROMIUM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const html = process.env.REPORT_HTML;
const out = process.env.REPORT_OUT;
const executablePath = process.env.CHROMIUM;
assert.ok(html && out && executablePath, 'REPORT_HTML, REPORT_OUT and CHROMIUM must be set (use run.sh)');

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** Opens the report; collects console errors/warnings, page errors and every request. */
async function open(options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(html).href;
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response === null || response.ok(), 'the page loads');
  return { context, page, problems, requests, url };
}

/** Relative luminance of a CSS `rgb(...)` colour, 0 (black) to 1 (white). */
function luminance(css) {
  const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function colours(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return { bg: s.backgroundColor, fg: s.color };
  });
}

test('desktop, light mode: totals and timeline on screen, no console error, nothing fetched', async () => {
  const { context, page, problems, requests, url } = await open({
    viewport: { width: 1100, height: 1300 },
    colorScheme: 'light',
  });
  try {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], 'the page itself is the only request');

    const totals = {
      conferences: 'Conferences',
      talks: 'Talks',
      speakers: 'Speakers',
      'without-speaker': 'Talks without a speaker',
    };
    const shown = {};
    for (const [id, label] of Object.entries(totals)) {
      const card = page.locator(`#total-${id}`);
      assert.ok(await card.isVisible(), `${id} visible`);
      assert.equal((await card.locator('dt').innerText()).trim(), label);
      shown[id] = Number((await card.locator('dd').innerText()).trim());
    }
    // examples/notes: six conferences, 42 distinct talks, three without a speaker.
    assert.equal(shown.conferences, 6);
    assert.equal(shown.talks, 42);
    assert.equal(shown['without-speaker'], 3);
    assert.ok(shown.speakers > 20);

    const svg = page.locator('#timeline svg.timeline');
    assert.ok(await svg.isVisible(), 'timeline visible');
    const box = await svg.boundingBox();
    assert.ok(box.width > 400 && box.height > 200, `timeline drawn at ${box.width}x${box.height}`);
    const groups = svg.locator('g.conference');
    assert.equal(await groups.count(), shown.conferences, 'one timeline row per conference');
    // The bars are drawn and proportional: the longest belongs to the
    // conference with the most talks.
    const bars = await svg.locator('rect.bar').evaluateAll((rs) =>
      rs.map((r) => ({ w: r.getBoundingClientRect().width, n: parseInt(r.nextElementSibling.textContent, 10) })),
    );
    assert.ok(bars.every((b) => b.w > 0));
    const widest = bars.reduce((a, b) => (b.w > a.w ? b : a));
    assert.equal(widest.n, Math.max(...bars.map((b) => b.n)));
    const labels = await svg.locator('text.name').allTextContents();
    assert.ok(labels.includes('PyCon US 2018'), labels.join(', '));

    // Text is dark on light.
    const c = await colours(page);
    assert.ok(luminance(c.bg) > 0.8 && luminance(c.fg) < 0.1, JSON.stringify(c));

    // The other sections are there too.
    assert.ok(await page.getByRole('heading', { name: 'Speakers seen at more than one conference' }).isVisible());
    assert.ok((await page.locator('#speakers').innerText()).includes('Victor Stinner'));
    assert.ok((await page.locator('#health').innerText()).includes('talks/README.md:5'));

    await page.screenshot({ path: `${out}/report-desktop-top.png` });
    await page.screenshot({ path: `${out}/report-desktop-full.png`, fullPage: true });
  } finally {
    await context.close();
  }
});

test('phone, dark mode: fits the screen, light text on dark', async () => {
  const { context, page, problems, requests, url } = await open({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: 'dark',
  });
  try {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
    const svg = await page.locator('#timeline svg.timeline').boundingBox();
    assert.ok(svg.width <= 390 && svg.width > 300, `timeline ${svg.width}px wide`);
    // Timeline text stays readable: at least 9 CSS pixels high.
    const smallest = await page.locator('#timeline svg text.name').evaluateAll((ts) =>
      Math.min(...ts.map((t) => t.getBoundingClientRect().height)),
    );
    assert.ok(smallest >= 9, `timeline labels ${smallest}px high`);
    const c = await colours(page);
    assert.ok(luminance(c.bg) < 0.05 && luminance(c.fg) > 0.6, JSON.stringify(c));
    // SVG text follows the theme as well.
    const svgText = await page.locator('#timeline svg text.name').first().evaluate((t) => getComputedStyle(t).fill);
    assert.ok(luminance(svgText) > 0.6, `timeline text ${svgText}`);
    await page.screenshot({ path: `${out}/report-phone-dark.png` });
  } finally {
    await context.close();
  }
});
