/**
 * The source of <gene-autocomplete>, served as-is at /widget.js: a standards custom element
 * in one ES module with no dependencies. It lives in a string so that the worker (which
 * cannot read files) and the Node server serve the same bytes without loaders or a build
 * step. docs/embedding.md documents its attributes, properties, events, parts and styling.
 */

export const WIDGET_JS = String.raw`// <gene-autocomplete>: gene-name autocomplete for Ensembl species. Docs: docs/embedding.md.
// By default it asks the service this module came from; the endpoint attribute overrides that.
const HOME = new URL('./', import.meta.url);
const DEBOUNCE_MS = 150;
const COMMON = { homo_sapiens: 'human', mus_musculus: 'mouse', rattus_norvegicus: 'rat', danio_rerio: 'zebrafish', gallus_gallus: 'chicken',
  sus_scrofa: 'pig', bos_taurus: 'cattle', canis_lupus_familiaris: 'dog', felis_catus: 'cat', equus_caballus: 'horse', ovis_aries: 'sheep',
  pan_troglodytes: 'chimpanzee', macaca_mulatta: 'macaque', gorilla_gorilla: 'gorilla', drosophila_melanogaster: 'fruit fly',
  caenorhabditis_elegans: 'nematode', saccharomyces_cerevisiae: 'yeast', xenopus_tropicalis: 'frog' };

// Colours come in light and dark pairs and follow the page's color-scheme, so the element
// matches the text colour it inherits. A constructed sheet needs no CSP style-src allowance.
const CSS = [
  ':host{display:inline-block;position:relative;min-width:16em;',
  '--_bg:var(--gene-autocomplete-background,light-dark(#fff,#1c2027));',
  '--_fg:var(--gene-autocomplete-color,light-dark(#1d2330,#e6e9ef));',
  '--_muted:var(--gene-autocomplete-muted,light-dark(#5d6778,#a0a8b8));',
  '--_line:var(--gene-autocomplete-border,light-dark(#c5cad3,#434a57));',
  '--_accent:var(--gene-autocomplete-accent,light-dark(#1f5fbf,#7fb0ff));',
  '--_active:var(--gene-autocomplete-active,light-dark(#e8f0fc,#263349));',
  '--_mark:var(--gene-autocomplete-mark,light-dark(#ffe58a,#6b5a12));',
  '--_error:var(--gene-autocomplete-error,light-dark(#b3261e,#ff8a80));',
  '--_radius:var(--gene-autocomplete-radius,8px)}',
  ':host([hidden]),[hidden]{display:none!important}',
  '*{box-sizing:border-box}',
  'label{display:block;font-weight:600;font-size:.9em;margin-bottom:.25em}',
  'input,select{width:100%;font:inherit;color:inherit;background:transparent;padding:.5em .7em;border:1px solid var(--_line);border-radius:var(--_radius)}',
  'option{background:var(--_bg);color:var(--_fg)}',
  'input:focus,select:focus{outline:2px solid var(--_accent);outline-offset:1px;border-color:transparent}',
  ':disabled{opacity:.6}',
  '.picker{margin-bottom:.6em}',
  '.combo{position:relative}',
  '[part~=list]{position:absolute;z-index:10;top:100%;left:0;right:0;margin:.25em 0 0;padding:.25em;list-style:none;max-height:20em;overflow:auto;',
  'background:var(--_bg);color:var(--_fg);border:1px solid var(--_line);border-radius:var(--_radius);box-shadow:0 8px 24px rgb(0 0 0/.15)}',
  // Name and reason, then the IDs and location: on one line when they fit, else on two.
  '[part~=option]{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:1em;padding:.4em .6em;border-radius:calc(var(--_radius) - 2px);cursor:pointer}',
  '[part~=option]>*{white-space:nowrap}',
  '[part~=active]{background:var(--_active)}',
  '[part~=gene]{font-weight:600}',
  '[part~=reason],[part~=meta]{color:var(--_muted);font-size:.85em}',
  '[part~=meta]{margin-left:auto;font-variant-numeric:tabular-nums}',
  'mark{background:var(--_mark);color:var(--_fg);border-radius:2px}',
  '[part~=status]{min-height:1.4em;margin-top:.25em;font-size:.9em}',
  '[part~=error]{color:var(--_error)}',
].join('');
const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

// DOM built node by node (no innerHTML), so pages that enforce Trusted Types can embed it.
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]);
  node.append(...children);
  return node;
}
const fold = (s) => s.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase();
const count = (n, one, many) => n + ' ' + (n === 1 ? one : many);
function scientific(name) { const s = name.replace(/_/g, ' '); return s.charAt(0).toUpperCase() + s.slice(1); }
function speciesLabel(name) { return scientific(name) + (COMMON[name] ? ' (' + COMMON[name] + ')' : ''); }

// The query matched a prefix (compared folded, as the service does): mark that part.
function highlight(text, q) {
  const typed = fold(q);
  let n = 0;
  while (n < text.length && fold(text.slice(0, n)).length < typed.length) n++;
  return n && fold(text.slice(0, n)) === typed ? [h('mark', { part: 'mark' }, text.slice(0, n)), text.slice(n)] : [text];
}

// Why a gene is suggested, when it is not its name that matched.
function reason(s, q) {
  const { kind, text } = s.match;
  if (kind === 'synonym') return ['alias ', ...highlight(text, q)];
  if (kind === 'stable_id') return highlight(text, q);
  if (kind === 'typo') return [text === s.label ? 'did you mean?' : 'did you mean ' + text + '?'];
  return null;
}

class GeneAutocomplete extends HTMLElement {
  static formAssociated = true;
  static observedAttributes = ['species', 'species-picker', 'label', 'placeholder', 'required'];

  #internals = this.attachInternals();
  #root = this.attachShadow({ mode: 'open', delegatesFocus: true });
  #picker = h('select', { id: 'species', part: 'species', 'aria-labelledby': 'species-label', disabled: '' }, h('option', { value: '' }, 'Loading species\u2026'));
  #pickerBox = h('div', { class: 'picker', hidden: '' }, h('label', { id: 'species-label', part: 'label', for: 'species' }, 'Species'), this.#picker);
  #label = h('label', { id: 'label', part: 'label', for: 'input' }, 'Gene name');
  #input = h('input', { id: 'input', part: 'input', type: 'text', role: 'combobox', 'aria-labelledby': 'label', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': 'list', 'aria-describedby': 'status', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false' });
  #list = h('ul', { id: 'list', part: 'list', role: 'listbox', 'aria-label': 'Gene suggestions', hidden: '' });
  #status = h('div', { id: 'status', part: 'status', role: 'status', 'aria-live': 'polite' });

  #value = '';
  #answer = null; // the rendered answer: { species, suggestions }
  #items = [];
  #active = -1;
  #seq = 0; // only the newest request may render
  #timer = 0;
  #inflight = null;
  #speciesList = null;
  #failed = false; // the species list could not be loaded
  #formDisabled = false;

  constructor() {
    super();
    this.#root.adoptedStyleSheets = [sheet];
    this.#root.append(this.#pickerBox, this.#label, h('div', { class: 'combo' }, this.#input, this.#list), this.#status);
    this.#input.addEventListener('input', () => this.#edited());
    this.#input.addEventListener('keydown', (event) => this.#onKey(event));
    this.#input.addEventListener('focus', () => this.#open(true));
    this.#input.addEventListener('blur', () => this.#open(false));
    // Focus stays in the input while the pointer works the list.
    this.#list.addEventListener('mousedown', (event) => event.preventDefault());
    this.#list.addEventListener('click', (event) => this.#choose(this.#indexOf(event.target)));
    this.#list.addEventListener('mousemove', (event) => {
      const i = this.#indexOf(event.target);
      if (i >= 0 && i !== this.#active) this.#setActive(i);
    });
    this.#picker.addEventListener('change', () => { this.#commit(''); this.species = this.#picker.value; this.#input.focus(); });
    this.#validate();
  }

  connectedCallback() {
    // A framework may have set properties before this module defined the element.
    for (const prop of ['species', 'value']) {
      if (Object.hasOwn(this, prop)) { const v = this[prop]; delete this[prop]; this[prop] = v; }
    }
    if (this.hasAttribute('species-picker')) this.#loadSpecies();
    this.#sync();
  }

  disconnectedCallback() {
    clearTimeout(this.#timer);
    this.#inflight?.abort();
  }

  attributeChangedCallback(name, _old, value) {
    if (name === 'label') this.#label.textContent = value ?? 'Gene name';
    else if (name === 'placeholder') this.#input.placeholder = value ?? '';
    else if (name === 'required') this.#validate();
    else if (name === 'species-picker') {
      this.#pickerBox.hidden = value === null;
      if (value !== null && this.isConnected) this.#loadSpecies();
    } else if (name === 'species') {
      if ([...this.#picker.options].some((o) => o.value === value)) this.#picker.value = value;
      // Fresh suggestions for the new species; a gene already chosen stays chosen.
      if (!this.#value && this.#input.value.trim()) this.#search();
    }
    this.#sync();
  }

  get species() { return this.getAttribute('species') ?? ''; }
  set species(name) { this.setAttribute('species', name); }

  /** The chosen gene's stable ID ('' when none). Setting it shows that gene's name. */
  get value() { return this.#value; }
  set value(id) {
    id = id == null ? '' : String(id);
    if (id === this.#value) return;
    this.#setValue(id);
    this.#input.value = id;
    this.#clear('');
    if (!id || !this.species) return;
    this.#get('autocomplete?' + new URLSearchParams({ species: this.species, q: id, limit: '1' })).then((body) => {
      const s = body.suggestions[0];
      if (s && s.stable_ids.includes(id) && this.#value === id) this.#input.value = s.label;
    }, () => {}); // the ID itself stays in the box
  }

  focus(options) { this.#input.focus(options); }

  formResetCallback() { this.#input.value = ''; this.#setValue(''); this.#clear(''); }
  formDisabledCallback(disabled) { this.#formDisabled = disabled; this.#sync(); }
  formStateRestoreCallback(state) { this.value = state; }

  #setValue(id) {
    this.#value = id;
    this.#internals.setFormValue(id);
    this.#validate();
  }

  // The user changed the value: say so, as a native field does, so frameworks can follow.
  #commit(id) {
    if (id === this.#value) return;
    this.#setValue(id);
    this.dispatchEvent(new Event('change', { bubbles: true }));
  }

  #validate() {
    const missing = this.hasAttribute('required') && !this.#value;
    this.#internals.setValidity({ valueMissing: missing }, missing ? 'Choose a gene from the list.' : '', this.#input);
  }

  #sync() {
    // Without a species (the picker still loading) there is nothing to search in.
    this.#input.disabled = this.#formDisabled || this.#failed || !this.species;
    this.#picker.disabled = this.#formDisabled || this.#failed || !this.#picker.value;
  }

  #base() {
    const endpoint = this.getAttribute('endpoint');
    // A trailing slash, so that paths resolve under it.
    return endpoint ? new URL(endpoint.replace(/\/*$/, '/'), document.baseURI) : HOME;
  }

  async #get(path, signal) {
    const base = this.#base();
    let response;
    try {
      response = await fetch(new URL(path, base), { signal, headers: { accept: 'application/json' } });
    } catch (error) {
      // Offline, or refused by CORS: the browser tells the page no more than that.
      throw error.name === 'AbortError' ? error : new Error('could not reach the gene service at ' + base.host);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.detail) || 'the gene service answered ' + response.status);
    return body;
  }

  #loadSpecies() {
    this.#speciesList ??= this.#get('species').then((body) => {
      const names = body.species.map((s) => s.name);
      names.sort((a, b) => (b === 'homo_sapiens') - (a === 'homo_sapiens') || speciesLabel(a).localeCompare(speciesLabel(b)));
      this.#picker.replaceChildren(...names.map((name) => h('option', { value: name }, speciesLabel(name))));
      if (names.includes(this.species)) this.#picker.value = this.species;
      else this.species = names[0];
      this.#sync();
    }, (error) => {
      this.#picker.replaceChildren(h('option', { value: '' }, 'unavailable'));
      this.#failed = true;
      this.#sync();
      this.#say('Could not load the species list: ' + error.message, true);
    });
  }

  #edited() {
    this.#commit('');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#search(), DEBOUNCE_MS);
  }

  async #search() {
    clearTimeout(this.#timer);
    this.#inflight?.abort();
    this.#inflight = null;
    const q = this.#input.value.trim(), species = this.species, mine = ++this.#seq;
    if (!q) return this.#clear('');
    if (!species) return this.#clear('No species is set for this search box.', true);
    const controller = (this.#inflight = new AbortController());
    const limit = String(Math.min(100, Math.max(1, parseInt(this.getAttribute('limit'), 10) || 10)));
    try {
      const body = await this.#get('autocomplete?' + new URLSearchParams({ species, q, limit }), controller.signal);
      if (mine === this.#seq) this.#render(q, body);
    } catch (error) {
      if (mine === this.#seq && error.name !== 'AbortError') this.#clear('Could not get suggestions: ' + error.message, true);
    }
  }

  #render(q, body) {
    this.#answer = body;
    this.#items = body.suggestions.map((s, i) => {
      const why = reason(s, q);
      const ids = s.stable_ids[0] + (s.stable_ids.length > 1 ? ' +' + (s.stable_ids.length - 1) : '');
      // A stable-ID match already shows the ID as its reason.
      const meta = [s.match.kind === 'stable_id' ? '' : ids, s.locations[0]].filter(Boolean).join(' \u00b7 ');
      return h('li', { role: 'option', id: 'option-' + i, part: 'option', 'aria-selected': 'false' },
        h('span', {}, h('span', { part: 'gene' }, ...(s.match.kind === 'label' ? highlight(s.label, q) : [s.label])),
          ...(why ? [' ', h('span', { part: 'reason' }, ...why)] : [])),
        h('span', { part: 'meta' }, meta));
    });
    this.#list.replaceChildren(...this.#items);
    this.#setActive(-1);
    this.#open(this.#root.activeElement === this.#input);
    // Typo suggestions follow the ranked ones and are not counted in total.
    const typos = body.suggestions.filter((s) => s.match.kind === 'typo').length, ranked = this.#items.length - typos;
    let text = ranked
      ? body.total > ranked ? 'Showing ' + ranked + ' of ' + body.total + ' matches' : count(body.total, 'match', 'matches')
      : 'No genes match \u201c' + q + '\u201d' + (typos ? '' : ' in ' + scientific(body.species));
    if (typos) text += (ranked ? ' and ' : '; ') + count(typos, 'similar name', 'similar names');
    this.#say(text + '.');
  }

  #clear(message, error) {
    this.#answer = null;
    this.#items = [];
    this.#list.replaceChildren();
    this.#open(false);
    this.#say(message, error);
  }

  #say(text, error) {
    this.#status.textContent = text;
    this.#status.part.toggle('error', !!error);
  }

  #open(open) {
    open = open && this.#items.length > 0;
    this.#list.hidden = !open;
    this.#input.setAttribute('aria-expanded', String(open));
    if (!open) this.#setActive(-1);
  }

  #setActive(i, scroll) {
    this.#active = i;
    this.#items.forEach((li, j) => { li.setAttribute('aria-selected', String(i === j)); li.part.toggle('active', i === j); });
    if (i < 0) return this.#input.removeAttribute('aria-activedescendant');
    this.#input.setAttribute('aria-activedescendant', this.#items[i].id);
    if (scroll) this.#items[i].scrollIntoView({ block: 'nearest' });
  }

  #indexOf(target) { return this.#items.indexOf(target.closest('[role=option]')); }

  #choose(i) {
    const s = this.#answer?.suggestions[i];
    if (!s) return;
    const species = this.#answer.species;
    this.#input.value = s.label;
    this.#clear('');
    this.#commit(s.stable_ids[0]);
    this.dispatchEvent(new CustomEvent('gene-select', { bubbles: true, composed: true, detail: { label: s.label, stable_ids: s.stable_ids, species, match: s.match } }));
  }

  #onKey(event) {
    if (event.isComposing) return;
    const n = this.#items.length, open = !this.#list.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!n) return;
      event.preventDefault();
      const down = event.key === 'ArrowDown';
      if (!open) this.#open(true);
      const from = open ? this.#active : -1;
      this.#setActive(down ? (from + 1) % n : from <= 0 ? n - 1 : from - 1, true);
    } else if (event.key === 'Enter') {
      if (open && this.#active >= 0) { event.preventDefault(); this.#choose(this.#active); }
      // As in a native field, Enter otherwise submits the form.
      else if (this.#internals.form) { event.preventDefault(); this.#internals.form.requestSubmit(); }
    } else if (event.key === 'Escape') {
      if (open) { event.preventDefault(); this.#open(false); }
      else if (this.#input.value) { this.#input.value = ''; this.#commit(''); this.#search(); }
    }
  }
}

if (!customElements.get('gene-autocomplete')) customElements.define('gene-autocomplete', GeneAutocomplete);
`;
