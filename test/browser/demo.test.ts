/**
 * The demo page in a real browser: Debian's Chromium driven by playwright-core, against the
 * Node server over the sample snapshot on a loopback port. The combobox is the
 * <gene-autocomplete> element (test/browser/widget.test.ts covers it in depth); this checks
 * the page around it, under the page's own Content-Security-Policy. Requests to
 * www.ensembl.org are intercepted (answered locally), so the test needs no network. It fails,
 * not skips, when Chromium is missing: install it with `apt-get install -y chromium`.
 * Screenshots go to test-results/ (gitignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNodeServer, type RunningServer } from '../../functions/node/server.ts';
import { geneBox } from '../support/gene-box.ts';
import { buildSnapshotDir } from '../support/sample.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const ARTIFACTS = new URL('../../test-results/', import.meta.url).pathname;

let snapshotDir: string;
let emptyDir: string;
let server: RunningServer;
let broken: RunningServer;
let browser: Browser;
let page: Page;
/** Uncaught page errors and CSP violations seen during a test. */
let problems: string[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run apt-get install -y chromium`);
  [snapshotDir, emptyDir] = await Promise.all([buildSnapshotDir(), mkdtemp(join(tmpdir(), 'ea-empty-'))]);
  [server, broken, browser] = await Promise.all([
    startNodeServer({ SNAPSHOT_DIR: snapshotDir, PORT: '0' }),
    startNodeServer({ SNAPSHOT_DIR: emptyDir, PORT: '0' }),
    chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
  ]);
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), broken?.close()]);
  await Promise.all([snapshotDir, emptyDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  // Suggestion links lead to Ensembl; answer them here instead of over the network.
  await page.route('https://www.ensembl.org/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Ensembl stub</title>' }));
});

afterEach(async () => {
  await page.close();
  expect(problems).toEqual([]);
});

const picker = () => page.getByRole('combobox', { name: 'Species' });
const { combobox, options, status, genes, type } = geneBox(() => page);

async function open(url = server.url): Promise<void> {
  await page.goto(`${url}/`);
}

async function ready(): Promise<void> {
  await open();
  await expect.poll(() => picker().isEnabled()).toBe(true);
}

describe('demo page', () => {
  it('is built on <gene-autocomplete> from /widget.js, under a CSP that allows nothing else', async () => {
    const response = await page.goto(`${server.url}/`);
    expect(response!.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self' 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self';/);
    await expect.poll(() => picker().isEnabled()).toBe(true);
    expect(await page.locator('gene-autocomplete').evaluate((e) => e.shadowRoot?.mode)).toBe('open');
    // The element's styles apply although style-src admits only the page's own stylesheet.
    await type('brc', 'BRCA1');
    await expect.poll(() => options().count()).toBe(10);
    expect(await page.getByRole('listbox').evaluate((e) => getComputedStyle(e).position)).toBe('absolute');
  });

  it('fills the species picker from /species, human first, and shows the snapshot version and age', async () => {
    await ready();
    expect(await picker().inputValue()).toBe('homo_sapiens');
    const names = await picker().locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(names).toHaveLength(19);
    expect(names[0]).toBe('homo_sapiens');
    expect(await picker().locator('option').first().textContent()).toBe('Homo sapiens (human)');
    const { manifest } = await server.catalog.snapshot();
    await expect.poll(() => page.locator('#version').textContent()).toBe(manifest.version);
    expect(await page.locator('#age').textContent()).toMatch(/^\(built (just now|\d+ (minute|hour|day)s? ago)\)$/);
    // Focus starts in the search box.
    expect(await combobox().evaluate((e) => (e.getRootNode() as ShadowRoot).activeElement === e)).toBe(true);
  });

  it('autocompletes brc for homo_sapiens: BRCA1 first, prefix highlighted, aliases with their reason', async () => {
    await ready();
    await type('brc', 'BRCA1');
    await expect.poll(() => options().count()).toBe(10);
    expect((await genes()).slice(0, 4)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect(await options().first().locator('mark').textContent()).toBe('BRC');
    expect(await options().nth(4).locator('[part~=reason]').textContent()).toBe('alias BRCACOX');
    expect(await combobox().getAttribute('aria-expanded')).toBe('true');
    expect(await status().textContent()).toBe('Showing 10 of 12 matches.');
  });

  it('moves with Up/Down, closes with Escape, clears with a second Escape, and opens the active gene with Enter', async () => {
    await ready();
    await type('brc', 'BRCA1');
    await expect.poll(() => options().count()).toBe(10);
    const activeLabel = async () => {
      const id = await combobox().getAttribute('aria-activedescendant');
      return id && page.locator(`#${id}[aria-selected="true"] [part~=gene]`).textContent();
    };
    await combobox().press('ArrowDown');
    expect(await activeLabel()).toBe('BRCA1');
    await combobox().press('ArrowDown');
    expect(await activeLabel()).toBe('BRCA2');
    await page.screenshot({ path: join(ARTIFACTS, 'demo.png') });
    await combobox().press('ArrowUp');
    await combobox().press('ArrowUp');
    expect(await activeLabel()).toBe((await genes()).at(-1));
    await combobox().press('Escape');
    expect(await page.getByRole('listbox', { includeHidden: true }).isHidden()).toBe(true);
    expect(await combobox().getAttribute('aria-expanded')).toBe('false');
    expect(await combobox().getAttribute('aria-activedescendant')).toBeNull();
    await combobox().press('Escape');
    expect(await combobox().inputValue()).toBe('');
    await type('BRCA', 'BRCA1');
    expect((await genes()).slice(0, 2)).toEqual(['BRCA1', 'BRCA2']);
    await combobox().press('ArrowDown');
    await combobox().press('ArrowDown');
    await Promise.all([page.waitForURL('https://www.ensembl.org/**'), combobox().press('Enter')]);
    expect(page.url()).toBe('https://www.ensembl.org/Homo_sapiens/Gene/Summary?g=ENSG00000139618');
  });

  it('switches species: mus_musculus brca gives Brca1, and a click opens the mouse gene', async () => {
    await ready();
    await type('brca', 'BRCA1');
    await picker().selectOption('mus_musculus');
    await expect.poll(async () => (await genes())[0]).toBe('Brca1');
    expect(await options().first().locator('mark').textContent()).toBe('Brca');
    await page.screenshot({ path: join(ARTIFACTS, 'demo-mouse.png') });
    await Promise.all([page.waitForURL('https://www.ensembl.org/**'), options().first().click()]);
    expect(page.url()).toMatch(/^https:\/\/www\.ensembl\.org\/Mus_musculus\/Gene\/Summary\?g=ENSMUSG\d{11}$/);
  });

  it('says so when nothing matches', async () => {
    await ready();
    await combobox().pressSequentially('zzqx');
    await expect.poll(() => status().textContent()).toBe('No genes match “zzqx” in Homo sapiens.');
    expect(await options().count()).toBe(0);
    expect(await combobox().getAttribute('aria-expanded')).toBe('false');
  });

  it('shows the error when /autocomplete fails', async () => {
    await page.route('**/autocomplete?**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'no snapshot available: test outage' }),
      }),
    );
    await ready();
    await combobox().pressSequentially('brc');
    await expect.poll(() => status().textContent()).toBe('Could not get suggestions: no snapshot available: test outage');
    expect(await status().getAttribute('part')).toBe('status error');
    expect(await options().count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-error.png') });
  });

  it('shows the error when the server has no snapshot at all', async () => {
    await open(broken.url);
    await expect.poll(() => status().textContent()).toMatch(/^Could not load the species list: no snapshot available: .*has no current\.json/);
    await expect.poll(() => page.locator('#version').textContent()).toBe('unavailable');
    expect(await combobox().isDisabled()).toBe(true);
  });

  it('follows the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await ready();
    await type('her2', 'ERBB2');
    expect(await page.getByRole('listbox').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(28, 32, 39)');
    await page.screenshot({ path: join(ARTIFACTS, 'demo-dark.png') });
  });

  it('is small: the page is under 30 KB', async () => {
    const response = await page.goto(`${server.url}/`);
    expect((await response!.body()).byteLength).toBeLessThan(30 * 1024);
  });
});
