/**
 * The demo page in a real browser: Debian's Chromium driven by playwright-core, against the
 * Node server over the sample snapshot on a loopback port. Requests to www.ensembl.org are
 * intercepted (answered locally), so the test needs no network. It fails, not skips, when
 * Chromium is missing: install it with `apt-get install -y chromium`.
 * Screenshots go to test-results/ (gitignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNodeServer, type RunningServer } from '../../functions/node/server.ts';
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

const combobox = () => page.getByRole('combobox', { name: 'Gene name' });
const options = () => page.getByRole('listbox', { name: 'Gene suggestions' }).getByRole('option');
const status = () => page.getByRole('status');

async function open(url = server.url): Promise<void> {
  await page.goto(`${url}/`);
}

async function ready(): Promise<void> {
  await open();
  await expect.poll(() => combobox().isEnabled()).toBe(true);
}

describe('demo page', () => {
  it('fills the species picker from /species, human first, and shows the snapshot version and age', async () => {
    await ready();
    const picker = page.getByRole('combobox', { name: 'Species' });
    expect(await picker.inputValue()).toBe('homo_sapiens');
    const names = await picker.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(names).toHaveLength(19);
    expect(names[0]).toBe('homo_sapiens');
    expect(await picker.locator('option').first().textContent()).toBe('Homo sapiens (human)');
    const { manifest } = await server.catalog.snapshot();
    await expect.poll(() => page.locator('#version').textContent()).toBe(manifest.version);
    expect(await page.locator('#age').textContent()).toMatch(/^\(built (just now|\d+ (minute|hour|day)s? ago)\)$/);
    // Focus starts in the search box.
    expect(await combobox().evaluate((e) => e === document.activeElement)).toBe(true);
  });

  it('autocompletes brc for homo_sapiens: BRCA1 first, prefix highlighted, linked to Ensembl', async () => {
    await ready();
    await combobox().pressSequentially('brc');
    await expect.poll(() => options().count()).toBe(4);
    expect(await options().locator('.label').allTextContents()).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect(await options().first().locator('mark').textContent()).toBe('BRC');
    expect(await options().first().locator('a').getAttribute('href')).toBe('https://www.ensembl.org/Homo_sapiens/Gene/Summary?g=ENSG00000012048');
    expect(await combobox().getAttribute('aria-expanded')).toBe('true');
    expect(await combobox().getAttribute('aria-controls')).toBe(await page.getByRole('listbox').getAttribute('id'));
    expect(await status().textContent()).toBe('4 matches.');
    // The search is in the address, so it can be shared.
    expect(new URL(page.url()).searchParams.get('q')).toBe('brc');
  });

  it('moves with Up/Down, closes with Escape, clears with a second Escape, and opens the active gene with Enter', async () => {
    await ready();
    await combobox().pressSequentially('brc');
    await expect.poll(() => options().count()).toBe(4);
    const activeLabel = async () => {
      const id = await combobox().getAttribute('aria-activedescendant');
      return id && page.locator(`#${id}[aria-selected="true"] .label`).textContent();
    };
    await combobox().press('ArrowDown');
    expect(await activeLabel()).toBe('BRCA1');
    await combobox().press('ArrowDown');
    expect(await activeLabel()).toBe('BRCA2');
    await page.screenshot({ path: join(ARTIFACTS, 'demo.png') });
    await combobox().press('ArrowUp');
    await combobox().press('ArrowUp');
    expect(await activeLabel()).toBe('BRCC3P1');
    await combobox().press('Escape');
    expect(await page.getByRole('listbox', { includeHidden: true }).isHidden()).toBe(true);
    expect(await combobox().getAttribute('aria-expanded')).toBe('false');
    expect(await combobox().getAttribute('aria-activedescendant')).toBeNull();
    await combobox().press('Escape');
    expect(await combobox().inputValue()).toBe('');
    await combobox().pressSequentially('BRCA');
    await expect.poll(() => options().count()).toBe(2);
    await combobox().press('ArrowDown');
    await combobox().press('ArrowDown');
    await Promise.all([page.waitForURL('https://www.ensembl.org/**'), combobox().press('Enter')]);
    expect(page.url()).toBe('https://www.ensembl.org/Homo_sapiens/Gene/Summary?g=ENSG00000139618');
  });

  it('switches species: mus_musculus brca gives Brca1, and a click opens the mouse gene', async () => {
    await ready();
    await combobox().pressSequentially('brca');
    await expect.poll(() => options().first().locator('.label').textContent()).toBe('BRCA1');
    await page.getByRole('combobox', { name: 'Species' }).selectOption('mus_musculus');
    await expect.poll(() => options().first().locator('.label').textContent()).toBe('Brca1');
    expect(await options().first().locator('mark').textContent()).toBe('Brca');
    await page.screenshot({ path: join(ARTIFACTS, 'demo-mouse.png') });
    await Promise.all([page.waitForURL('https://www.ensembl.org/**'), options().first().click()]);
    expect(page.url()).toMatch(/^https:\/\/www\.ensembl\.org\/Mus_musculus\/Gene\/Summary\?g=ENSMUSG\d{11}$/);
  });

  it('says so when nothing matches', async () => {
    await ready();
    await combobox().pressSequentially('zzqx');
    await expect.poll(() => status().textContent()).toBe('No gene names start with “zzqx” in Homo sapiens.');
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
    expect(await status().getAttribute('class')).toBe('error');
    expect(await options().count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-error.png') });
  });

  it('shows the error when the server has no snapshot at all', async () => {
    await open(broken.url);
    await expect.poll(() => status().textContent()).toMatch(/^Could not load the species list: no snapshot available: .*has no current\.json/);
    expect(await page.locator('#version').textContent()).toBe('unavailable');
    expect(await combobox().isDisabled()).toBe(true);
  });

  it('never lets a stale answer overwrite a newer one', async () => {
    // Hold the answer for "b" until the answer for "br" has been shown.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const served: string[] = [];
    await page.route('**/autocomplete?**', async (route) => {
      const q = new URL(route.request().url()).searchParams.get('q')!;
      if (q === 'b') await firstHeld;
      served.push(q);
      await route.continue().catch(() => {}); // the page may have aborted it meanwhile
    });
    await ready();
    const first = page.waitForRequest((r) => r.url().includes('q=b&'));
    await combobox().pressSequentially('b');
    await first;
    await combobox().pressSequentially('r');
    await expect.poll(() => status().textContent()).toMatch(/^Showing 10 of \d+ matches\.$/);
    const brLabels = await options().locator('.label').allTextContents();
    expect(brLabels.every((label) => label.toLowerCase().startsWith('br'))).toBe(true);
    releaseFirst();
    await expect.poll(() => served).toEqual(['br', 'b']);
    // Give the stale answer every chance to land, then check it did not.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(await options().locator('.label').allTextContents()).toEqual(brLabels);
    expect(await combobox().inputValue()).toBe('br');
  });

  it('is small: the page is under 30 KB', async () => {
    const response = await page.goto(`${server.url}/`);
    expect((await response!.body()).byteLength).toBeLessThan(30 * 1024);
  });
});
