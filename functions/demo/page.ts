/**
 * The demo page served at `/`: a species picker, a search box that autocompletes against
 * /autocomplete, and the snapshot's version and age from /health. Plain HTML, CSS and JS in
 * strings, so the worker and the Node server serve it without loaders or a build step.
 *
 * The script follows the ARIA 1.2 combobox pattern (list autocomplete, focus stays in the
 * input, aria-activedescendant marks the active option). Requests are debounced; each carries
 * a sequence number and only the newest one may render, and older ones are aborted.
 */

export const DEMO_CSS = String.raw`
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5d6778;--bg:#f7f8fa;--card:#fff;--line:#d9dde5;--accent:#1f5fbf;--active:#e8f0fc;--mark:#ffe58a;--err:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#a0a8b8;--bg:#14171c;--card:#1c2027;--line:#343a46;--accent:#7fb0ff;--active:#263349;--mark:#6b5a12;--err:#ff8a80}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:42rem;margin:0 auto;padding:2.5rem 1.25rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
.lede{color:var(--muted);margin:0 0 1.5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.25rem;display:grid;gap:.4rem}
label{font-weight:600;font-size:.9rem}
select,input{font:inherit;color:inherit;background:var(--card);width:100%;padding:.6rem .75rem;border:1px solid var(--line);border-radius:8px}
select{margin-bottom:.6rem}
select:focus,input:focus{outline:2px solid var(--accent);outline-offset:1px;border-color:transparent}
.combo{position:relative}
[role=listbox]{list-style:none;margin:.25rem 0 0;padding:.25rem;position:absolute;left:0;right:0;z-index:1;background:var(--card);border:1px solid var(--line);border-radius:8px;box-shadow:0 8px 24px rgb(0 0 0/.12);max-height:24rem;overflow:auto}
[role=option] a{display:flex;justify-content:space-between;gap:1rem;padding:.45rem .6rem;border-radius:6px;color:inherit;text-decoration:none}
[role=option][aria-selected=true] a{background:var(--active)}
.label{font-weight:600}
mark{background:var(--mark);color:inherit;border-radius:2px}
.meta{color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums;text-align:right}
#status{min-height:1.5em;margin:.2rem 0 0;color:var(--muted);font-size:.9rem}
#status.error{color:var(--err)}
footer{margin-top:1.25rem;color:var(--muted);font-size:.85rem}
footer a{color:var(--accent)}
code{font-size:.85em}
`;

export const DEMO_JS = String.raw`
(function () {
  'use strict';
  var COMMON = { homo_sapiens: 'human', mus_musculus: 'mouse', rattus_norvegicus: 'rat', danio_rerio: 'zebrafish', gallus_gallus: 'chicken',
    sus_scrofa: 'pig', bos_taurus: 'cattle', canis_lupus_familiaris: 'dog', felis_catus: 'cat', equus_caballus: 'horse', ovis_aries: 'sheep',
    pan_troglodytes: 'chimpanzee', macaca_mulatta: 'macaque', gorilla_gorilla: 'gorilla', drosophila_melanogaster: 'fruit fly',
    caenorhabditis_elegans: 'nematode', saccharomyces_cerevisiae: 'yeast', xenopus_tropicalis: 'frog' };
  var LIMIT = 10, DEBOUNCE_MS = 150;
  var $ = function (id) { return document.getElementById(id); };
  var select = $('species'), input = $('q'), list = $('results'), status = $('status');
  var seq = 0, timer = 0, inflight = null, active = -1, items = [];
  var params = new URLSearchParams(location.search);

  function scientific(name) { var s = name.replace(/_/g, ' '); return s.charAt(0).toUpperCase() + s.slice(1); }
  function speciesLabel(name) { return scientific(name) + (COMMON[name] ? ' (' + COMMON[name] + ')' : ''); }
  function fold(s) { return s.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase(); }
  function ensemblUrl(species, id) {
    return 'https://www.ensembl.org/' + encodeURIComponent(species.charAt(0).toUpperCase() + species.slice(1)) + '/Gene/Summary?g=' + encodeURIComponent(id);
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }
  function say(text, kind) { status.textContent = text; status.className = kind || ''; status.dataset.state = kind || 'info'; }
  async function getJson(path, signal) {
    var response = await fetch(path, { signal: signal, headers: { accept: 'application/json' } });
    var body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) throw new Error((body && body.detail) || ('HTTP ' + response.status));
    return body;
  }
  function ago(seconds) {
    var units = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
    for (var i = 0; i < units.length; i++) {
      var n = Math.floor(seconds / units[i][0]);
      if (n >= 1) return 'built ' + n + ' ' + units[i][1] + (n > 1 ? 's' : '') + ' ago';
    }
    return 'built just now';
  }

  function setOpen(open) {
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (!open) setActive(-1);
  }
  function setActive(index) {
    active = index;
    items.forEach(function (li, i) { li.setAttribute('aria-selected', String(i === index)); });
    if (index >= 0) { input.setAttribute('aria-activedescendant', items[index].id); items[index].scrollIntoView({ block: 'nearest' }); }
    else input.removeAttribute('aria-activedescendant');
  }
  function clearResults() { list.replaceChildren(); items = []; setOpen(false); }

  function render(species, q, body) {
    var typed = fold(q.trim());
    items = body.suggestions.map(function (s, i) {
      var n = 0;
      while (n < s.label.length && fold(s.label.slice(0, n)).length < typed.length) n++;
      var id = s.stable_ids[0];
      var meta = id + (s.stable_ids.length > 1 ? ' +' + (s.stable_ids.length - 1) : '') + (s.locations[0] ? ' \u00b7 ' + s.locations[0] : '');
      var link = el('a', { href: ensemblUrl(species, id), tabindex: '-1' }, [
        el('span', { class: 'label' }, [el('mark', {}, [s.label.slice(0, n)]), s.label.slice(n)]),
        el('span', { class: 'meta' }, [meta]),
      ]);
      var li = el('li', { role: 'option', id: 'opt-' + i, 'aria-selected': 'false' }, [link]);
      li.addEventListener('mousemove', function () { if (active !== i) setActive(i); });
      return li;
    });
    list.replaceChildren.apply(list, items);
    setOpen(items.length > 0);
    if (items.length === 0) say('No gene names start with \u201c' + q.trim() + '\u201d in ' + scientific(species) + '.', 'empty');
    else say(body.total > items.length ? 'Showing ' + items.length + ' of ' + body.total + ' matches.' : body.total + (body.total === 1 ? ' match.' : ' matches.'), 'results');
  }

  async function search() {
    var q = input.value, species = select.value, mine = ++seq;
    if (inflight) inflight.abort();
    inflight = null;
    var url = new URL(location.href);
    url.searchParams.set('species', species);
    if (q.trim()) url.searchParams.set('q', q.trim()); else url.searchParams.delete('q');
    history.replaceState(null, '', url);
    if (!q.trim() || !species) { clearResults(); say(''); return; }
    var controller = new AbortController();
    inflight = controller;
    try {
      var body = await getJson('autocomplete?' + new URLSearchParams({ species: species, q: q, limit: String(LIMIT) }), controller.signal);
      if (mine === seq) render(species, q, body);
    } catch (error) {
      if (mine !== seq || error.name === 'AbortError') return;
      clearResults();
      say('Could not get suggestions: ' + error.message, 'error');
    }
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(search, DEBOUNCE_MS); }

  input.addEventListener('input', schedule);
  select.addEventListener('change', function () { clearTimeout(timer); search(); input.focus(); });
  input.addEventListener('keydown', function (event) {
    var n = items.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!n) return;
      event.preventDefault();
      if (list.hidden) { setOpen(true); setActive(event.key === 'ArrowDown' ? 0 : n - 1); return; }
      setActive(event.key === 'ArrowDown' ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!list.hidden && active >= 0) location.assign(items[active].firstChild.href);
    } else if (event.key === 'Escape') {
      if (!list.hidden) setOpen(false);
      else if (input.value) { input.value = ''; clearTimeout(timer); search(); }
    }
  });
  input.addEventListener('blur', function () { setTimeout(function () { setOpen(false); }, 150); });
  input.addEventListener('focus', function () { if (items.length) setOpen(true); });
  list.addEventListener('mousedown', function (event) { event.preventDefault(); });

  getJson('species').then(function (body) {
    var names = body.species.map(function (s) { return s.name; });
    names.sort(function (a, b) { return (b === 'homo_sapiens') - (a === 'homo_sapiens') || speciesLabel(a).localeCompare(speciesLabel(b)); });
    select.replaceChildren.apply(select, names.map(function (name) { return el('option', { value: name }, [speciesLabel(name)]); }));
    if (names.indexOf(params.get('species')) >= 0) select.value = params.get('species');
    select.disabled = false;
    input.disabled = false;
    input.value = params.get('q') || '';
    say('');
    if (input.value) search();
    input.focus();
  }, function (error) { select.replaceChildren(el('option', {}, ['unavailable'])); say('Could not load the species list: ' + error.message, 'error'); });

  getJson('health').then(function (h) {
    if (!h.snapshot) return;
    $('version').textContent = h.snapshot.version;
    $('age').textContent = '(' + ago(h.snapshot.age_seconds) + ')';
    $('age').title = 'built ' + h.snapshot.created;
  }, function () { $('version').textContent = 'unavailable'; });
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
</head>
<body>
<main>
<h1>Ensembl gene autocomplete</h1>
<p class="lede">Start typing a gene name; pick a suggestion to open its page on Ensembl.</p>
<div class="card" role="search">
<label for="species">Species</label>
<select id="species" disabled><option>Loading species…</option></select>
<label for="q">Gene name</label>
<div class="combo">
<input id="q" type="text" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="results" aria-describedby="status" autocomplete="off" autocapitalize="off" spellcheck="false" placeholder="e.g. BRCA" disabled>
<ul id="results" role="listbox" aria-label="Gene suggestions" hidden></ul>
</div>
<p id="status" role="status" aria-live="polite"></p>
</div>
<footer>Snapshot <code id="version">…</code> <span id="age"></span> · <a href="docs">API reference</a> · <a href="openapi.json">OpenAPI</a> · <a href="health">health</a></footer>
</main>
<script>${DEMO_JS}</script>
</body>
</html>
`;
