// Quarry dashboard script (no dependencies, no build step). It does three
// things the server-rendered pages cannot: polls unfinished runs for live
// status, draws the run page's field editor from the embedded run JSON
// (typed inputs per schema type, array items added and removed), and
// highlights a selected field's citation polygons on the document page.
(() => {
  'use strict';

  const TERMINAL = new Set(['PROCESSED', 'FAILED', 'CANCELLED']);
  const POLL_MS = 2000;
  // Fields whose confidence is below this are marked for review. The run
  // page replaces it with the calibration's auto-accept threshold (values at
  // or above it were at least 98 % right on held-out corpus documents).
  let lowConfidence = 0.8;

  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : '';
  };

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('data-')) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) node.append(c);
    return node;
  };

  // ---- live status -------------------------------------------------------
  const statuses = (ids) =>
    fetch('/dashboard/runs/status?ids=' + encodeURIComponent(ids.join(',')), {
      credentials: 'same-origin',
    }).then((r) => (r.ok ? r.json() : []));

  const setBadge = (badge, status) => {
    if (!badge) return;
    badge.textContent = status;
    badge.dataset.status = status;
    badge.className = 'badge status-' + status.toLowerCase();
  };

  function pollList() {
    const rows = [...document.querySelectorAll('tr[data-live]')];
    if (!rows.length) return;
    statuses(rows.map((r) => r.dataset.run))
      .then((list) => {
        for (const s of list) {
          const row = document.querySelector(`tr[data-run="${CSS.escape(s.id)}"]`);
          if (!row) continue;
          setBadge(row.querySelector('.badge[data-status]'), s.status);
          if (TERMINAL.has(s.status)) row.removeAttribute('data-live');
        }
      })
      .catch(() => {})
      .finally(() => setTimeout(pollList, POLL_MS));
  }

  function pollRun(head) {
    statuses([head.dataset.run])
      .then((list) => {
        const s = list[0];
        if (s && TERMINAL.has(s.status)) return location.reload();
        if (s) setBadge(head.querySelector('#run-status .badge'), s.status);
        setTimeout(() => pollRun(head), POLL_MS);
      })
      .catch(() => setTimeout(() => pollRun(head), POLL_MS));
  }

  // ---- schema helpers ----------------------------------------------------
  const types = (sch) => (Array.isArray(sch.type) ? sch.type : sch.type ? [sch.type] : []);
  const nullable = (sch) => types(sch).includes('null') || (sch.enum || []).includes(null);
  const kind = (sch) => {
    if (sch.enum) return 'enum';
    if (sch['extend:type'] === 'date') return 'date';
    const t = types(sch).find((x) => x !== 'null');
    return t || 'string';
  };
  // A schema for values of runs without one (shape taken from the value).
  const inferSchema = (v) => {
    if (Array.isArray(v)) return { type: 'array', items: inferSchema(v[0]) };
    if (v && typeof v === 'object') {
      const properties = {};
      for (const [k, x] of Object.entries(v)) properties[k] = inferSchema(x);
      return { type: 'object', properties };
    }
    if (typeof v === 'number') return { type: ['number', 'null'] };
    if (typeof v === 'boolean') return { type: ['boolean', 'null'] };
    return { type: ['string', 'null'] };
  };
  const emptyOf = (sch) => {
    const k = kind(sch);
    if (k === 'object') {
      const o = {};
      for (const [key, sub] of Object.entries(sch.properties || {})) o[key] = emptyOf(sub);
      return o;
    }
    if (k === 'array') return [];
    if (nullable(sch)) return null;
    return k === 'number' || k === 'integer' ? 0 : k === 'boolean' ? false : '';
  };
  const join = (path, key) => (path ? `${path}.${key}` : key);

  // Does the cited text contain the value? Formatting is ignored: letters
  // and digits only; numbers compare their integer digits, dates their year.
  const norm = (s) => String(s).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  function citationMatches(value, sch, citations) {
    const texts = citations.map((c) => c.referenceText).filter((t) => typeof t === 'string');
    if (value === null || value === undefined || !texts.length) return true;
    let needle = norm(value);
    if (typeof value === 'number') needle = String(Math.trunc(Math.abs(value)));
    else if (kind(sch) === 'date') needle = String(value).slice(0, 4);
    return !needle || texts.some((t) => norm(t).includes(needle));
  }

  // ---- the run page --------------------------------------------------------
  function runPage(dataNode) {
    const data = JSON.parse(dataNode.textContent);
    let run = data.run;
    if (typeof data.lowConfidence === 'number') lowConfidence = data.lowConfidence;
    const panel = document.getElementById('fields');
    const save = document.getElementById('save-review');
    const saveStatus = document.getElementById('save-status');
    if (!run.output || !run.output.value) {
      panel.append(el('p', { class: 'note', textContent: `No output: the run is ${run.status}.` }));
      save.hidden = true;
      return;
    }
    const rootSchema =
      data.schema && data.schema.properties ? data.schema : inferSchema(run.output.value);
    let model = structuredClone(run.output.value);
    const metadata = () => (run.initialOutput || run.output).metadata || {};
    let selected = '';

    function render() {
      panel.replaceChildren();
      for (const [key, sub] of Object.entries(rootSchema.properties || {})) {
        panel.append(renderValue(sub, model, key, key, sub['extend:name'] || key));
      }
      if (selected) {
        const row = panel.querySelector(`.field[data-path="${CSS.escape(selected)}"]`);
        if (row) row.classList.add('selected');
      }
    }

    function renderValue(sch, parent, key, path, label) {
      const k = kind(sch);
      if (k === 'object') {
        if (!parent[key] || typeof parent[key] !== 'object') parent[key] = emptyOf(sch);
        const box = el('fieldset', { 'data-path': path }, el('legend', { textContent: label }));
        for (const [sub, subSch] of Object.entries(sch.properties || {})) {
          box.append(renderValue(subSch, parent[key], sub, join(path, sub), subSch['extend:name'] || sub));
        }
        return box;
      }
      if (k === 'array') {
        if (!Array.isArray(parent[key])) parent[key] = [];
        const items = parent[key];
        const itemSch = sch.items || { type: 'string' };
        const box = el('fieldset', { 'data-path': path },
          el('legend', { textContent: `${label} (${items.length})` }));
        items.forEach((_, i) => {
          const remove = el('button', { type: 'button', class: 'small remove-item', textContent: 'Remove' });
          remove.addEventListener('click', () => { items.splice(i, 1); render(); });
          box.append(el('div', { class: 'item' },
            el('div', { class: 'item-head' }, `#${i + 1}`, remove),
            renderValue(itemSch, items, i, `${path}[${i}]`, `${label}[${i}]`)));
        });
        const add = el('button', { type: 'button', class: 'small add-item', textContent: 'Add item' });
        add.addEventListener('click', () => { items.push(emptyOf(itemSch)); render(); });
        box.append(add);
        return box;
      }
      return leaf(sch, parent, key, path, label);
    }

    function leaf(sch, parent, key, path, label) {
      const meta = metadata()[path] || {};
      const citations = meta.citations || [];
      const conf = typeof meta.ocrConfidence === 'number' ? meta.ocrConfidence : meta.logprobsConfidence;
      const row = el('div', { class: 'field', 'data-path': path },
        el('span', { class: 'name', textContent: label }),
        el('span', { class: 'conf', textContent: typeof conf === 'number' ? `${Math.round(conf * 100)}%` : '' }));
      if (typeof conf === 'number' && conf < lowConfidence) {
        row.classList.add('low');
        row.title = `Below the auto-accept threshold (${Math.round(lowConfidence * 100)}%): check it`;
      }
      const input = inputFor(sch, parent[key], (v) => {
        parent[key] = v;
        row.classList.add('edited');
      });
      input.name = path;
      input.setAttribute('aria-label', path);
      row.append(input);
      if (meta.quarryMismatch) {
        // The embedded e-invoice XML and the printed page disagree: the
        // value shown is the XML's; a person should check the page.
        const m = meta.quarryMismatch;
        row.classList.add('mismatch');
        row.append(el('span', { class: 'why', textContent: `Page prints “${m.pageValue}”, e-invoice XML says “${m.xmlValue}”` }));
      } else if (!citationMatches(parent[key], sch, citations)) {
        row.classList.add('mismatch');
        row.append(el('span', { class: 'why', textContent: `Cited text: “${citations[0].referenceText}”` }));
      }
      if (run.edits && run.edits[path]) row.classList.add('edited');
      const choose = () => {
        selected = path;
        panel.querySelectorAll('.field.selected').forEach((f) => f.classList.remove('selected'));
        row.classList.add('selected');
        highlight(path);
      };
      row.addEventListener('click', choose);
      input.addEventListener('focus', choose);
      return row;
    }

    function inputFor(sch, value, set) {
      const k = kind(sch);
      const empty = nullable(sch) ? null : k === 'string' || k === 'date' ? '' : null;
      if (k === 'enum' || k === 'boolean') {
        const options = k === 'enum' ? sch.enum.filter((v) => v !== null) : [true, false];
        const select = el('select', {}, el('option', { value: '', textContent: '—' }));
        options.forEach((v, i) => {
          select.append(el('option', { value: String(i), textContent: String(v), selected: v === value }));
        });
        select.addEventListener('change', () => set(select.value === '' ? null : options[Number(select.value)]));
        return select;
      }
      const type = k === 'number' || k === 'integer' ? 'number' : k === 'date' ? 'date' : 'text';
      const input = el('input', { type, value: value === null || value === undefined ? '' : String(value) });
      if (type === 'number') input.step = k === 'integer' ? '1' : 'any';
      input.addEventListener('input', () => {
        const raw = input.value;
        if (raw === '') return set(empty);
        set(type === 'number' ? Number(raw) : raw);
      });
      return input;
    }

    save.addEventListener('click', async () => {
      saveStatus.className = '';
      saveStatus.textContent = 'Saving…';
      try {
        const r = await fetch(`/dashboard/runs/${encodeURIComponent(run.id)}/review`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
          body: JSON.stringify({ value: model }),
        });
        const body = await r.json().catch(() => ({}));
        if (!r.ok) throw new Error(body.message || `HTTP ${r.status}`);
        run = body;
        model = structuredClone(run.output.value);
        render();
        const state = run.edited ? 'reviewed, edited' : 'reviewed';
        document.getElementById('review-state').textContent = state;
        saveStatus.className = 'saved';
        saveStatus.textContent = `Saved (${state}).`;
      } catch (e) {
        saveStatus.className = 'error';
        saveStatus.textContent = `Not saved: ${e.message}`;
      }
    });

    render();
  }

  // ---- citation highlights -------------------------------------------------
  const colNumber = (letters) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  const cellRef = (ref) => {
    const m = /^([A-Z]+)(\d+)$/.exec(ref || '');
    return m ? [colNumber(m[1]), Number(m[2])] : null;
  };

  function highlight(path) {
    const dataNode = document.getElementById('run-data');
    const run = JSON.parse(dataNode.textContent).run;
    const meta = ((run.initialOutput || run.output || {}).metadata || {})[path] || {};
    document.querySelectorAll('#document .hl-box').forEach((b) => b.remove());
    document.querySelectorAll('#document .cell.hl').forEach((c) => c.classList.remove('hl'));
    let first = null;
    for (const c of meta.citations || []) {
      const page = document.querySelector(`#document .page[data-page="${Number(c.page && c.page.number)}"]`);
      if (!page) continue;
      const layer = page.querySelector('.hl-layer');
      const img = page.querySelector('img');
      if (c.polygon && c.polygon.length) {
        if (img && !img.complete) {
          img.addEventListener('load', () => highlight(path), { once: true });
          continue;
        }
        const pageWidth = Number(c.page.width) || Number(page.dataset.width) || (img && img.naturalWidth);
        if (!pageWidth) continue;
        const scale = layer.clientWidth / pageWidth;
        const xs = c.polygon.map((p) => p.x);
        const ys = c.polygon.map((p) => p.y);
        const box = el('div', { class: 'hl-box', 'data-path': path });
        box.style.left = `${Math.min(...xs) * scale}px`;
        box.style.top = `${Math.min(...ys) * scale}px`;
        box.style.width = `${(Math.max(...xs) - Math.min(...xs)) * scale}px`;
        box.style.height = `${(Math.max(...ys) - Math.min(...ys)) * scale}px`;
        layer.append(box);
        first = first || box;
      } else if (c.cellRange) {
        const [a, b = a] = c.cellRange.split(':').map(cellRef);
        if (!a || !b) continue;
        page.querySelectorAll('.cell[data-ref]').forEach((cell) => {
          const r = cellRef(cell.dataset.ref);
          if (r && r[0] >= a[0] && r[0] <= b[0] && r[1] >= a[1] && r[1] <= b[1]) {
            cell.classList.add('hl');
            first = first || cell;
          }
        });
      }
    }
    if (first) first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  document.addEventListener('DOMContentLoaded', () => {
    pollList();
    const head = document.querySelector('.run-head[data-live]');
    if (head) pollRun(head);
    const dataNode = document.getElementById('run-data');
    if (dataNode) runPage(dataNode);
  });
})();
