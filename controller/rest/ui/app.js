'use strict';
// lightpathd's read-only web view. It reads the REST API of the daemon that
// served it (docs/rest.md) and never writes: draining and releasing stay with
// lightpathctl and the API, where they are authorized and audited.
//
// The DOM is built with textContent only, so a job id, tenant or alarm
// message can never run as markup. The page is refreshed every 2 s while the
// tab is visible; the filters are kept in the URL, so a view can be linked.

const REFRESH_MS = 2000;
// A browser table of 100,000 rows helps nobody; the filters narrow the list.
const MAX_ROWS = 1000;
const TOKEN_KEY = 'lightpath-token';
const STATES = ['PENDING', 'PROGRAMMING', 'ACTIVE', 'RESTORING', 'RELEASING', 'RELEASED',
                'FAILED', 'PREEMPTED'];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path) {
  const headers = {Accept: 'application/json'};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, {headers, cache: 'no-store'});
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (!res.ok) {
    const what = body && body.error ? body.error.code + ': ' + body.error.message
                                    : 'HTTP ' + res.status;
    throw new HttpError(res.status, path + ' answered ' + what);
  }
  return body;
}

// ---- formatting -----------------------------------------------------------

function count(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}

function dash(value) {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

function clock(unixMs) {
  return unixMs ? new Date(unixMs).toLocaleTimeString() : '-';
}

function fromNow(unixMs) {
  if (!unixMs) return '-';
  let s = Math.round((unixMs - Date.now()) / 1000);
  const past = s < 0;
  s = Math.abs(s);
  const text = s >= 3600 ? Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm'
             : s >= 60   ? Math.floor(s / 60) + 'm ' + (s % 60) + 's'
                         : s + 's';
  return past ? text + ' ago' : 'in ' + text;
}

function fixed(value, digits) {
  return typeof value === 'number' ? value.toFixed(digits) : '-';
}

function hopsText(hops) {
  return hops.map((h) => h.switch + ':' + h.in + '→' + h.out).join(' ');
}

function service(port) {
  if (port.drained) return ['drained', 'drained'];
  if (port.held) return ['held', 'held'];
  return port.in_service ? ['yes', 'yes'] : ['OUT', 'bad'];
}

function circuitLink(id) {
  return id === null || id === undefined ? '-' : el('a', {href: '#/circuits/' + id, text: id});
}

function switchLink(name) {
  return el('a', {href: '#/switches/' + encodeURIComponent(name), text: name});
}

// columns: [{title, num}], rows: arrays of cells (strings or nodes, or
// {value, class} for a coloured cell).
function table(columns, rows, emptyText) {
  if (rows.length === 0) return el('p', {class: 'empty', text: emptyText});
  const head = el('tr', {}, columns.map((c) => el('th', {class: c.num ? 'num' : null, text: c.title})));
  const body = rows.map((cells) => el('tr', {}, cells.map((cell, i) => {
    let content = cell;
    let extra = null;
    if (cell !== null && typeof cell === 'object' && !(cell instanceof Node)) {
      content = cell.value;
      extra = cell.class;
    }
    const cls = [columns[i].num ? 'num' : null, extra].filter(Boolean).join(' ');
    return el('td', {class: cls || null}, content instanceof Node ? content : dash(content));
  })));
  return el('table', {}, el('thead', {}, head), el('tbody', {}, body));
}

function capped(rows) {
  return rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : rows;
}

function cappedNote(total, what) {
  return total > MAX_ROWS
      ? el('p', {class: 'note', text: 'Showing ' + MAX_ROWS + ' of ' + total + ' ' + what +
                                      '; narrow the list with the filters.'})
      : null;
}

// ---- views ----------------------------------------------------------------
// Each view builds its fixed part once (mount) and its data part on every
// refresh, so typing in a filter is not interrupted by the next update.

function filterForm(fields, values, onChange) {
  const form = el('form', {class: 'filters', onsubmit: (e) => e.preventDefault()});
  for (const f of fields) {
    let input;
    if (f.options) {
      input = el('select', {name: f.name},
                 el('option', {value: '', text: f.any}),
                 f.options.map((o) => el('option', {value: o, text: o, selected: values[f.name] === o})));
    } else if (f.checkbox) {
      input = el('input', {type: 'checkbox', name: f.name, checked: values[f.name] === '1'});
    } else {
      input = el('input', {type: 'search', name: f.name, placeholder: f.placeholder || ''});
    }
    if (!f.checkbox) input.value = values[f.name] || '';
    input.addEventListener('change', () => onChange(readForm(form)));
    form.append(f.checkbox ? el('label', {class: 'check'}, input, f.label)
                           : el('label', {}, f.label, input));
  }
  return form;
}

function readForm(form) {
  const values = {};
  for (const input of form.querySelectorAll('input, select')) {
    const v = input.type === 'checkbox' ? (input.checked ? '1' : '') : input.value.trim();
    if (v) values[input.name] = v;
  }
  return values;
}

function setQuery(base, values) {
  const q = new URLSearchParams(values).toString();
  location.hash = base + (q ? '?' + q : '');
}

// Where the list is when it holds more than a page: how many of how many,
// and links to the first and the next page (the API's `after`, by id).
function pager(route, shown, body) {
  if (!route.query.after && body.next_after === null) return null;
  const at = (extra) => {
    const q = {...route.query, ...extra};
    if (extra.after === undefined) delete q.after;
    return '#/circuits?' + new URLSearchParams(q).toString();
  };
  return el('p', {class: 'note pager'},
            'Showing ' + shown + ' of ' + body.total + ' circuits, by id. ',
            route.query.after ? el('a', {href: at({}), text: '« first page'}) : null,
            route.query.after && body.next_after !== null ? ' · ' : null,
            body.next_after !== null ? el('a', {href: at({after: body.next_after}),
                                                text: 'next page »'})
                                     : null);
}

const circuitsView = {
  mount(root, route) {
    root.append(el('h2', {text: 'Circuits'}),
                filterForm([{name: 'job', label: 'job'},
                            {name: 'state', label: 'state', any: 'every state but RELEASED',
                             options: STATES},
                            {name: 'switch', label: 'switch'},
                            {name: 'endpoint', label: 'endpoint'},
                            {name: 'tenant', label: 'tenant'}],
                           route.query, (v) => setQuery('#/circuits', v)),
                el('div', {id: 'data'}));
  },
  async load(route) {
    // A page of at most MAX_ROWS; `limit` in the view's URL asks for fewer.
    const limit = Math.max(1, Math.min(Number(route.query.limit) || MAX_ROWS, MAX_ROWS));
    const q = new URLSearchParams({...route.query, limit}).toString();
    const body = await api('/v1/circuits?' + q);
    const circuits = body.circuits;
    // Counted by state only when the page holds every match.
    const byState = {};
    if (body.total === circuits.length)
      for (const c of circuits) byState[c.state] = (byState[c.state] || 0) + 1;
    const rows = circuits.map((c) => [
      circuitLink(c.id), c.job_id, c.tenant, {value: c.state, class: 'state-' + c.state},
      c.a, c.b, hopsText(c.hops), c.wavelengths.join(','), c.bandwidth_gbps,
      fromNow(c.lease_expires_unix_ms), clock(c.updated_unix_ms)]);
    return {
      count: count(body.total, 'circuit', 'circuits'),
      nodes: [
        el('div', {class: 'summary'},
           Object.keys(byState).sort().map((s) => el('span', {class: 'chip state-' + s,
                                                              text: s + ' ' + byState[s]}))),
        pager(route, circuits.length, body),
        table([{title: 'ID', num: true}, {title: 'JOB'}, {title: 'TENANT'}, {title: 'STATE'},
               {title: 'A'}, {title: 'B'}, {title: 'CROSS-CONNECTS'}, {title: 'λ'},
               {title: 'GB/S', num: true}, {title: 'LEASE'}, {title: 'UPDATED'}],
              rows, 'No circuits match.')]};
  },
};

const circuitView = {
  mount(root, route) {
    root.append(el('h2', {text: 'Circuit ' + route.arg}), el('div', {id: 'data'}));
  },
  async load(route) {
    const c = await api('/v1/circuits/' + encodeURIComponent(route.arg));
    const fields = [['state', el('span', {class: 'state-' + c.state, text: c.state})],
                    ['reason', dash(c.reason)], ['request', c.request_id], ['job', c.job_id],
                    ['tenant', dash(c.tenant)], ['priority', c.priority], ['a', c.a], ['b', c.b],
                    ['wavelengths', c.wavelengths.join(', ')],
                    ['bandwidth', c.bandwidth_gbps + ' Gb/s'],
                    ['lease', fromNow(c.lease_expires_unix_ms)],
                    ['created', clock(c.created_unix_ms)], ['updated', clock(c.updated_unix_ms)]];
    return {
      count: 'circuit ' + c.id + ' ' + c.state,
      nodes: [
        el('dl', {class: 'detail'}, fields.map(([k, v]) => [el('dt', {text: k}), el('dd', {}, v)])),
        el('h2', {text: 'Cross-connects'}),
        table([{title: 'SWITCH'}, {title: 'IN', num: true}, {title: 'OUT', num: true}],
              c.hops.map((h) => [switchLink(h.switch), h.in, h.out]), 'No cross-connects.')]};
  },
};

const switchesView = {
  mount(root) {
    root.append(el('h2', {text: 'Switches'}), el('div', {id: 'data'}));
  },
  async load() {
    const [body, alarms] = await Promise.all([api('/v1/switches'), api('/v1/alarms')]);
    const active = {};
    for (const a of alarms.alarms) active[a.switch] = (active[a.switch] || 0) + 1;
    const rows = body.switches.map((s) => [
      switchLink(s.name), s.kind, {value: s.up ? 'yes' : 'NO', class: s.up ? 'yes' : 'bad'},
      s.drained ? {value: 'drained', class: 'drained'} : '-',
      s.ports_in_use, s.port_count, s.reconfigurations,
      active[s.name] ? {value: active[s.name], class: 'bad'} : 0]);
    return {
      count: count(body.switches.length, 'switch', 'switches'),
      nodes: [table([{title: 'NAME'}, {title: 'KIND'}, {title: 'UP'}, {title: 'DRAINED'},
                     {title: 'PORTS IN USE', num: true}, {title: 'PORTS', num: true},
                     {title: 'RECONFIGURATIONS', num: true}, {title: 'ALARMS', num: true}],
                    rows, 'The topology has no switches.')]};
  },
};

const portsView = {
  mount(root, route) {
    root.append(el('h2', {text: 'Ports of ' + route.arg}),
                filterForm([{name: 'used', label: 'only ports in a cross-connect', checkbox: true}],
                           route.query,
                           (v) => setQuery('#/switches/' + encodeURIComponent(route.arg), v)),
                el('div', {id: 'data'}));
  },
  async load(route) {
    const body = await api('/v1/switches/' + encodeURIComponent(route.arg) + '/ports');
    const ports = route.query.used ? body.ports.filter((p) => p.peer !== null) : body.ports;
    const rows = ports.map((p) => {
      const [text, cls] = service(p);
      const t = p.telemetry || {};
      return [p.index, dash(p.cabled_to), dash(p.peer), circuitLink(p.circuit), p.status,
              {value: text, class: cls}, fixed(t.input_power_dbm, 2),
              fixed(t.output_power_dbm, 2), fixed(t.osnr_db, 1),
              typeof t.ber === 'number' ? t.ber.toExponential(1) : '-'];
    });
    return {
      count: count(ports.length, 'port', 'ports'),
      nodes: [table([{title: 'PORT', num: true}, {title: 'CABLED-TO'}, {title: 'PEER', num: true},
                     {title: 'CIRCUIT', num: true}, {title: 'STATUS'}, {title: 'SERVICE'},
                     {title: 'IN-DBM', num: true}, {title: 'OUT-DBM', num: true},
                     {title: 'OSNR', num: true}, {title: 'BER', num: true}],
                    rows, 'No ports to show.')]};
  },
};

const alarmsView = {
  mount(root, route) {
    root.append(el('h2', {text: 'Alarms'}),
                filterForm([{name: 'cleared', label: 'include cleared', checkbox: true}],
                           route.query, (v) => setQuery('#/alarms', v)),
                el('div', {id: 'data'}));
  },
  async load(route) {
    const body = await api('/v1/alarms?include_cleared=' + (route.query.cleared ? 'true' : 'false'));
    const rows = capped(body.alarms).map((a) => [
      clock(a.at_unix_ms), switchLink(a.switch), dash(a.port), a.kind, a.message,
      {value: a.active ? 'active' : 'cleared', class: a.active ? 'bad' : null}]);
    return {
      count: count(body.alarms.length, 'alarm', 'alarms'),
      nodes: [cappedNote(body.alarms.length, 'alarms'),
              table([{title: 'AT'}, {title: 'SWITCH'}, {title: 'PORT', num: true}, {title: 'KIND'},
                     {title: 'MESSAGE'}, {title: ''}],
                    rows, route.query.cleared ? 'No alarms.' : 'No active alarms.')]};
  },
};

// ---- routing and refresh ----------------------------------------------------

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = {query: Object.fromEntries(new URLSearchParams(query || ''))};
  if (parts[0] === 'circuits' && parts[1]) return {...route, view: circuitView, nav: 'circuits', arg: parts[1]};
  if (parts[0] === 'switches' && parts[1]) return {...route, view: portsView, nav: 'switches', arg: parts[1]};
  if (parts[0] === 'switches') return {...route, view: switchesView, nav: 'switches'};
  if (parts[0] === 'alarms') return {...route, view: alarmsView, nav: 'alarms'};
  return {...route, view: circuitsView, nav: 'circuits'};
}

class App {
  constructor() {
    this.status = document.getElementById('status');
    this.root = document.getElementById('view');
    this.pause = document.getElementById('pause');
    this.tokenForm = document.getElementById('token-form');
    this.timer = null;
    this.generation = 0;
    window.addEventListener('hashchange', () => this.show());
    document.addEventListener('visibilitychange', () => this.schedule(0));
    this.pause.addEventListener('change', () => this.schedule(0));
    this.tokenForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = document.getElementById('token').value.trim();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      document.getElementById('token').value = '';
      this.tokenForm.hidden = true;
      this.schedule(0);
    });
    document.getElementById('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      this.schedule(0);
    });
  }

  show() {
    this.route = parseRoute();
    for (const a of document.querySelectorAll('nav a'))
      a.classList.toggle('current', a.dataset.view === this.route.nav);
    this.root.replaceChildren();
    this.route.view.mount(this.root, this.route);
    this.schedule(0);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delay);
  }

  async refresh() {
    if (this.pause.checked || document.hidden) {
      this.setStatus(this.pause.checked ? 'paused' : 'waiting for the tab', false);
      return;
    }
    // A slow answer for a view already left must not overwrite the new one.
    const generation = ++this.generation;
    const route = this.route;
    try {
      const result = await route.view.load(route);
      if (generation !== this.generation) return;
      this.tokenForm.hidden = true;
      const data = this.root.querySelector('#data');
      if (data) data.replaceChildren(...result.nodes.filter(Boolean));
      this.setStatus(result.count + ' · updated ' + new Date().toLocaleTimeString(), false);
    } catch (e) {
      if (generation !== this.generation) return;
      if (e.status === 401) {
        this.tokenForm.hidden = false;
        document.getElementById('token-why').textContent = sessionStorage.getItem(TOKEN_KEY)
            ? 'lightpathd refused the token given; give a viewer or operator token.'
            : 'This lightpathd asks for a bearer token (a viewer or operator token).';
      }
      this.setStatus(e instanceof HttpError ? e.message
                                            : 'lightpathd did not answer (' + e.message + ')',
                     true);
    }
    this.schedule(REFRESH_MS);
  }

  setStatus(text, error) {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }
}

document.addEventListener('DOMContentLoaded', () => new App().show());
