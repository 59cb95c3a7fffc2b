/**
 * The demo page served at `/`: the <gene-autocomplete> element from /widget.js with its
 * species picker, the snapshot's version and age from /health, and a gene opened on Ensembl
 * when one is picked. Plain HTML, CSS and JS in strings, so the worker and the Node server
 * serve it without loaders or a build step. The combobox itself is the element: one
 * implementation for this page and for every portal that embeds it.
 */

export const DEMO_CSS = String.raw`
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5d6778;--bg:#f7f8fa;--card:#fff;--line:#d9dde5;--accent:#1f5fbf}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#a0a8b8;--bg:#14171c;--card:#1c2027;--line:#343a46;--accent:#7fb0ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:42rem;margin:0 auto;padding:2.5rem 1.25rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
.lede{color:var(--muted);margin:0 0 1.5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.25rem}
gene-autocomplete{display:block;--gene-autocomplete-border:var(--line)}
footer{margin-top:1.25rem;color:var(--muted);font-size:.85rem}
footer a{color:var(--accent)}
code{font-size:.85em}
`;

export const DEMO_JS = String.raw`
(function () {
  'use strict';
  var box = document.querySelector('gene-autocomplete');
  var $ = function (id) { return document.getElementById(id); };

  function ensemblUrl(species, id) {
    return 'https://www.ensembl.org/' + encodeURIComponent(species.charAt(0).toUpperCase() + species.slice(1)) + '/Gene/Summary?g=' + encodeURIComponent(id);
  }
  function ago(seconds) {
    var units = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
    for (var i = 0; i < units.length; i++) {
      var n = Math.floor(seconds / units[i][0]);
      if (n >= 1) return 'built ' + n + ' ' + units[i][1] + (n > 1 ? 's' : '') + ' ago';
    }
    return 'built just now';
  }

  // The element picks a gene; what picking means is the page's business: here, open it on Ensembl.
  box.addEventListener('gene-select', function (event) { location.assign(ensemblUrl(event.detail.species, event.detail.stable_ids[0])); });
  customElements.whenDefined('gene-autocomplete').then(function () { box.focus(); });

  fetch('health', { headers: { accept: 'application/json' } }).then(function (response) { return response.json(); }).then(function (h) {
    if (!h.snapshot) throw new Error('no snapshot');
    $('version').textContent = h.snapshot.version;
    $('age').textContent = '(' + ago(h.snapshot.age_seconds) + ')';
    $('age').title = 'built ' + h.snapshot.created;
  }).catch(function () { $('version').textContent = 'unavailable'; });
})();
`;

export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ensembl gene autocomplete</title>
<link rel="icon" href="data:,">
<style>${DEMO_CSS}</style>
<script type="module" src="widget.js"></script>
</head>
<body>
<main>
<h1>Ensembl gene autocomplete</h1>
<p class="lede">Type a gene name, an alias or a stable ID; pick a suggestion to open its page on Ensembl.</p>
<div class="card" role="search">
<gene-autocomplete species="homo_sapiens" species-picker limit="10" placeholder="e.g. BRCA1, HER2 or ENSG00000141510"></gene-autocomplete>
</div>
<footer>Snapshot <code id="version">…</code> <span id="age"></span> · <a href="docs">API reference</a> · <a href="openapi.json">OpenAPI</a> · <a href="health">health</a></footer>
</main>
<script>${DEMO_JS}</script>
</body>
</html>
`;
