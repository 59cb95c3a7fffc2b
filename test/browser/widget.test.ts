/**
 * <gene-autocomplete> embedded the way a portal embeds it: a page on a second loopback origin
 * (a tiny static server) loads http://127.0.0.1:<service>/widget.js as a module, in Debian's
 * Chromium driven by playwright-core. Covers the combobox, the gene-select event, form
 * submission, a host component's shadow root, CORS with and without an allow-list, an axe-core
 * scan, light and dark screenshots and the size budget. Artifacts go to test-results/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNodeServer, type RunningServer } from '../../functions/node/server.ts';
import { WIDGET_JS } from '../../functions/widget/element.ts';
import { geneBox } from '../support/gene-box.ts';
import { buildSnapshotDir } from '../support/sample.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const ARTIFACTS = new URL('../../test-results/', import.meta.url).pathname;
const AXE = new URL('../../node_modules/axe-core/axe.min.js', import.meta.url);
const GZIP_LIMIT = 8 * 1024;
const GZIP_BYTES = gzipSync(WIDGET_JS, { level: 9 }).byteLength;
const ERBB2 = 'ENSG00000141736';
const BRCA1 = 'ENSG00000012048';

type Kind = 'plain' | 'form' | 'shadow';

/** The portal's pages; `service` is where the element comes from. */
function hostPage(service: string, kind: Kind): string {
  const bodies: Record<Kind, string> = {
    plain: '<gene-autocomplete species="homo_sapiens" limit="10"></gene-autocomplete>',
    form: '<form action="/submitted"><gene-autocomplete name="gene" species="homo_sapiens" required></gene-autocomplete> <button>Send</button></form>',
    // A host component that renders the element inside its own shadow root.
    shadow: `<gene-host></gene-host><script>
customElements.define('gene-host', class extends HTMLElement {
  constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p>Inside a component</p><gene-autocomplete species="homo_sapiens"></gene-autocomplete>'; }
});
</script>`,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="color-scheme" content="light dark">
<title>A portal</title>
<style>body{margin:2rem;font:17px/1.5 Georgia,serif;background:light-dark(#fbfaf7,#121417);color:light-dark(#222,#e8e8e8)} gene-autocomplete{width:30rem}</style>
<script type="module" src="${service}/widget.js"></script>
<script>
window.selected = [];
window.changes = [];
document.addEventListener('gene-select', (event) => selected.push({ target: event.target.localName, detail: event.detail }));
document.addEventListener('change', (event) => changes.push(event.target.value));
</script>
</head>
<body>
<main>
<h1>A portal</h1>
${bodies[kind]}
</main>
</body>
</html>
`;
}

interface Host {
  origin: string;
  /** Query strings of the form submissions received. */
  submitted: URLSearchParams[];
  close(): Promise<void>;
}

async function startHost(): Promise<Host> {
  const submitted: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://host');
    const kind = url.pathname.slice(1) as Kind;
    if (url.pathname === '/submitted') submitted.push(url.searchParams);
    const body = url.pathname === '/submitted' ? '<!doctype html><title>Submitted</title>' : hostPage(url.searchParams.get('service')!, kind);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    submitted,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

let snapshotDir: string;
let host: Host;
/** Default CORS_ORIGINS (*), an allow-list with the portal, one without it. */
let service: RunningServer;
let allowed: RunningServer;
let refused: RunningServer;
let browser: Browser;
let page: Page;
/** Uncaught page errors and console errors seen during a test. */
let problems: string[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run apt-get install -y chromium`);
  [snapshotDir, host, browser] = await Promise.all([buildSnapshotDir(), startHost(), chromium.launch({ executablePath: CHROMIUM, args: ARGS })]);
  const start = (CORS_ORIGINS?: string) => startNodeServer({ SNAPSHOT_DIR: snapshotDir, PORT: '0', CORS_ORIGINS });
  [service, allowed, refused] = await Promise.all([start(), start(host.origin), start('https://portal.example.org')]);
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([service?.close(), allowed?.close(), refused?.close(), host?.close()]);
  if (snapshotDir) await rm(snapshotDir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 900, height: 560 } });
  problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
});

afterEach(async () => {
  await page.close();
  expect(problems).toEqual([]);
});

const { combobox, options, status, genes, type } = geneBox(() => page);
const selected = () => page.evaluate(() => (window as unknown as { selected: unknown[] }).selected);
const changes = () => page.evaluate(() => (window as unknown as { changes: string[] }).changes);

async function embed(kind: Kind = 'plain', from: RunningServer = service): Promise<void> {
  await page.goto(`${host.origin}/${kind}?service=${encodeURIComponent(from.url)}`);
  await expect.poll(() => combobox().isEnabled()).toBe(true);
}

describe('<gene-autocomplete> on another origin', () => {
  it('autocompletes brc: BRCA1 first, the typed prefix marked, in an open shadow root', async () => {
    await embed();
    await type('brc', 'BRCA1');
    expect((await genes()).slice(0, 4)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect(await options().first().locator('mark').textContent()).toBe('BRC');
    expect(await options().first().locator('[part~=meta]').textContent()).toMatch(new RegExp(`^${BRCA1} · 17:\\d+-\\d+$`));
    expect(await status().textContent()).toBe('Showing 10 of 12 matches.');
    expect(await combobox().getAttribute('aria-expanded')).toBe('true');
    expect(await combobox().getAttribute('aria-controls')).toBe(await page.getByRole('listbox').getAttribute('id'));
    expect(await page.locator('gene-autocomplete').evaluate((e) => e.shadowRoot?.mode)).toBe('open');
    // It inherits the page's font.
    const fonts = await combobox().evaluate((input) => [getComputedStyle(input).fontFamily, getComputedStyle(document.body).fontFamily]);
    expect(fonts[0]).toBe(fonts[1]);
  });

  it('shows why each gene is suggested: alias, stable ID, did you mean', async () => {
    await embed();
    await type('her2', 'ERBB2');
    const first = options().first();
    expect(await first.locator('[part~=reason]').textContent()).toBe('alias HER2');
    expect(await first.locator('mark').textContent()).toBe('HER2');
    expect(await options().nth(1).locator('[part~=reason]').textContent()).toBe('did you mean?');
    expect(await status().textContent()).toBe('1 match and 9 similar names.');

    await combobox().fill('');
    await type('ENSG00000141510', 'TP53');
    expect(await options().first().locator('[part~=reason]').textContent()).toBe('ENSG00000141510');
    expect(await options().first().locator('mark').textContent()).toBe('ENSG00000141510');

    await combobox().fill('');
    await combobox().pressSequentially('EGRF');
    await expect.poll(() => genes()).toContain('EGFR');
    const egfr = options().filter({ has: page.locator('[part~=gene]', { hasText: /^EGFR$/ }) });
    expect(await egfr.locator('[part~=reason]').textContent()).toBe('did you mean?');
    expect(await status().textContent()).toBe('No genes match “EGRF”; 10 similar names.');
  });

  it('moves with the arrow keys and selects with Enter: gene-select bubbles with the stable ID', async () => {
    await embed();
    await type('her2', 'ERBB2');
    await combobox().press('ArrowDown');
    await combobox().press('ArrowDown');
    await combobox().press('ArrowUp');
    const active = await combobox().getAttribute('aria-activedescendant');
    expect(await page.locator(`#${active}`).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(`#${active} [part~=gene]`).textContent()).toBe('ERBB2');
    // Focus never left the input.
    expect(await combobox().evaluate((e) => (e.getRootNode() as ShadowRoot).activeElement === e)).toBe(true);
    await combobox().press('Enter');
    expect(await selected()).toEqual([
      { target: 'gene-autocomplete', detail: { label: 'ERBB2', stable_ids: [ERBB2], species: 'homo_sapiens', match: { kind: 'synonym', text: 'HER2' } } },
    ]);
    expect(await page.locator('gene-autocomplete').evaluate((e) => (e as HTMLInputElement).value)).toBe(ERBB2);
    expect(await combobox().inputValue()).toBe('ERBB2');
    expect(await combobox().getAttribute('aria-expanded')).toBe('false');
    // Editing the text drops the choice; each change of value is a change event, as in a native field.
    await combobox().press('Backspace');
    expect(await page.locator('gene-autocomplete').evaluate((e) => (e as HTMLInputElement).value)).toBe('');
    expect(await changes()).toEqual([ERBB2, '']);
  });

  it('selects with a click', async () => {
    await embed();
    await type('brc', 'BRCA1');
    await options().first().click();
    expect(await selected()).toMatchObject([{ detail: { label: 'BRCA1', stable_ids: [BRCA1] } }]);
    expect(await combobox().inputValue()).toBe('BRCA1');
  });

  it('takes value and species as properties, as React and Vue set them', async () => {
    await embed();
    const element = page.locator('gene-autocomplete');
    const value = () => element.evaluate((e) => (e as HTMLInputElement).value);
    // Setting the value shows that gene's name.
    await element.evaluate((e, id) => ((e as HTMLInputElement).value = id), ERBB2);
    await expect.poll(() => combobox().inputValue()).toBe('ERBB2');
    // A new species keeps the chosen gene until the user changes it; nothing the page did is an event.
    await element.evaluate((e) => ((e as unknown as { species: string }).species = 'mus_musculus'));
    expect(await element.getAttribute('species')).toBe('mus_musculus');
    expect(await value()).toBe(ERBB2);
    expect(await changes()).toEqual([]);
    await combobox().fill('');
    expect(await value()).toBe('');
    await type('brca', 'Brca1');
  });

  it('is a form field: the chosen stable ID is submitted under its name', async () => {
    await embed('form');
    const valid = () => page.locator('form').evaluate((form) => (form as HTMLFormElement).checkValidity());
    expect(await valid()).toBe(false); // required, nothing chosen
    await type('brc', 'BRCA1');
    await combobox().press('ArrowDown');
    await combobox().press('Enter');
    expect(await valid()).toBe(true);
    // With the list closed, Enter submits the form, as in a native field.
    await Promise.all([page.waitForURL('**/submitted?**'), combobox().press('Enter')]);
    expect(host.submitted.map((query) => query.toString())).toEqual([`gene=${BRCA1}`]);
  });

  it('works inside another component\'s shadow root', async () => {
    await embed('shadow');
    expect(await page.locator('gene-host').evaluate((e) => e.shadowRoot!.querySelector('gene-autocomplete')!.shadowRoot!.mode)).toBe('open');
    await type('her2', 'ERBB2');
    await combobox().press('ArrowDown');
    await combobox().press('Enter');
    // The event is composed: the page sees it, retargeted to the host component.
    expect(await selected()).toMatchObject([{ target: 'gene-host', detail: { label: 'ERBB2', stable_ids: [ERBB2] } }]);
  });

  it('never lets a stale answer overwrite a newer one', async () => {
    // Hold the answer for "b" until the answer for "br" has been shown.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const served: string[] = [];
    await page.route(`${service.url}/autocomplete?**`, async (route) => {
      const q = new URL(route.request().url()).searchParams.get('q')!;
      if (q === 'b') await firstHeld;
      served.push(q);
      await route.continue().catch(() => {}); // the element may have aborted it meanwhile
    });
    await embed();
    const first = page.waitForRequest((r) => r.url().includes('q=b&'));
    await combobox().pressSequentially('b');
    await first;
    await combobox().pressSequentially('r');
    await expect.poll(() => status().textContent()).toBe('Showing 10 of 164 matches.');
    const brGenes = await genes();
    expect(brGenes.every((label) => label.toLowerCase().startsWith('br'))).toBe(true);
    releaseFirst();
    await expect.poll(() => served).toEqual(['br', 'b']);
    // Give the stale answer every chance to land, then check it did not.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(await genes()).toEqual(brGenes);
    expect(await combobox().inputValue()).toBe('br');
  });
});

describe('CORS', () => {
  const headersFrom = async (server: RunningServer, path: string) => {
    const response = await fetch(server.url + path, { headers: { origin: host.origin } });
    return Object.fromEntries(response.headers);
  };

  it('serves /widget.js as a cacheable module script to any origin', async () => {
    expect(await headersFrom(service, '/widget.js')).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      'access-control-allow-origin': '*',
      etag: expect.stringMatching(/^"[0-9a-f]{16}"$/),
    });
    expect((await headersFrom(allowed, '/widget.js'))['access-control-allow-origin']).toBe(host.origin);
    expect((await headersFrom(refused, '/widget.js'))['access-control-allow-origin']).toBe('*');
    const etag = (await headersFrom(service, '/widget.js')).etag!;
    expect((await fetch(`${service.url}/widget.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('works from another origin with the default CORS_ORIGINS=*', async () => {
    expect((await headersFrom(service, '/autocomplete?species=homo_sapiens&q=brc'))['access-control-allow-origin']).toBe('*');
    await embed('plain', service);
    await type('brc', 'BRCA1');
  });

  it('works from an origin on the CORS_ORIGINS allow-list', async () => {
    expect((await headersFrom(allowed, '/autocomplete?species=homo_sapiens&q=brc'))['access-control-allow-origin']).toBe(host.origin);
    await embed('plain', allowed);
    await type('brc', 'BRCA1');
  });

  it('shows an error, not suggestions, on an origin the allow-list leaves out', async () => {
    expect((await headersFrom(refused, '/autocomplete?species=homo_sapiens&q=brc'))['access-control-allow-origin']).toBeUndefined();
    await embed('plain', refused);
    await combobox().pressSequentially('brc');
    const port = new URL(refused.url).host;
    await expect.poll(() => status().textContent()).toBe(`Could not get suggestions: could not reach the gene service at ${port}`);
    expect(await status().getAttribute('part')).toBe('status error');
    expect(await options().count()).toBe(0);
    expect(await combobox().getAttribute('aria-expanded')).toBe('false');
    // The browser blocked the answer, and said why.
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /CORS policy|Failed to load resource/.test(p))).toBe(true);
    problems = [];
  });
});

describe('accessibility and looks', () => {
  it('has no axe-core violations with suggestions open', async () => {
    await embed();
    await type('her2', 'ERBB2');
    await combobox().press('ArrowDown');
    await page.addScriptTag({ content: await readFile(AXE, 'utf8') });
    type Result = { id: string; nodes: { target: unknown[] }[] };
    const { violations, checkedInside } = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: Result[]; passes: Result[] }> } }).axe;
      const results = await axe.run(document);
      return {
        violations: results.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target) })),
        // A target inside a shadow root is a list of selectors, one per tree.
        checkedInside: results.passes.filter((p) => p.nodes.some((n) => Array.isArray(n.target[0]))).map((p) => p.id),
      };
    });
    expect(violations).toEqual([]);
    expect(checkedInside).toEqual(expect.arrayContaining(['aria-allowed-attr', 'aria-required-children', 'color-contrast', 'label']));
  });

  it.each(['light', 'dark'] as const)('looks right in %s mode', async (colorScheme) => {
    await page.emulateMedia({ colorScheme });
    await embed();
    await type('her2', 'ERBB2');
    await combobox().press('ArrowDown');
    await page.screenshot({ path: join(ARTIFACTS, `widget-${colorScheme}.png`) });
    // The list sits under the input, on a surface of the scheme's own colour.
    const [input, list] = await Promise.all([combobox().boundingBox(), page.getByRole('listbox').boundingBox()]);
    expect(list!.y).toBeGreaterThanOrEqual(input!.y + input!.height);
    const background = await page.getByRole('listbox').evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(background).toBe(colorScheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(28, 32, 39)');
  });
});

it(`/widget.js is ${(GZIP_BYTES / 1024).toFixed(1)} KB gzipped, at most 8 KB`, async () => {
  const served = Buffer.from(await (await fetch(`${service.url}/widget.js`)).arrayBuffer());
  expect(served.toString('utf8')).toBe(WIDGET_JS);
  const gzipBytes = gzipSync(served, { level: 9 }).byteLength;
  await writeFile(join(ARTIFACTS, 'widget-size.json'), `${JSON.stringify({ bytes: served.byteLength, gzipBytes, gzipLimit: GZIP_LIMIT }, null, 2)}\n`);
  expect(gzipBytes).toBeLessThanOrEqual(GZIP_LIMIT);
});
