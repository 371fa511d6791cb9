/**
 * The dashboard's shell: hash routes, the API key form, and the page in <main>. Every page reads
 * the JSON API with the session's key; a 401 or 403 brings the key form back with the reason.
 */
import { ApiError, KEY_PATTERN, apiKey } from './api.js';
import { h } from './dom.js';
import { accountingPage } from './pages/accounting.js';
import { auditPage } from './pages/audit.js';
import { callPage } from './pages/call.js';
import { callsPage } from './pages/calls.js';
import { grantPage } from './pages/grant.js';
import { grantsPage } from './pages/grants.js';
import { overviewPage } from './pages/overview.js';

const DEFAULT_PROGRAMME = 'wecare';
const PROGRAMME_KEY = 'cohesion-ledger.programme';

const ROUTES = [
  { path: ['programmes', ':programmeId'], nav: 'overview', page: overviewPage },
  { path: ['programmes', ':programmeId', 'calls'], nav: 'calls', page: callsPage },
  { path: ['programmes', ':programmeId', 'accounting'], nav: 'accounting', page: accountingPage },
  { path: ['calls', ':callId'], nav: 'calls', page: callPage },
  { path: ['grants'], nav: 'grants', page: grantsPage },
  { path: ['grants', ':grantId'], nav: 'grants', page: grantPage },
  { path: ['audit'], nav: 'audit', page: auditPage },
  { path: ['audit', ':kind', ':id'], nav: 'audit', page: auditPage },
];

const main = document.getElementById('main');
const status = document.getElementById('status');
let rendering = 0;
let cleanup = null;

const currentProgramme = () => sessionStorage.getItem(PROGRAMME_KEY) ?? DEFAULT_PROGRAMME;

/** '#/calls/x?order=arrival' → { segments: ['calls', 'x'], query: { order: 'arrival' } } */
function parseHash(hash) {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  return {
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: Object.fromEntries(new URLSearchParams(search)),
  };
}

function match(segments) {
  for (const route of ROUTES) {
    if (route.path.length !== segments.length) continue;
    const params = {};
    if (
      route.path.every((part, i) =>
        part.startsWith(':') ? ((params[part.slice(1)] = segments[i]), true) : part === segments[i],
      )
    )
      return { route, params };
  }
  return null;
}

/** Shortcuts that name no programme go to the current one's pages. */
function redirect(segments) {
  const programme = encodeURIComponent(currentProgramme());
  if (segments.length === 0) return `#/programmes/${programme}`;
  if (segments.length === 1 && segments[0] === 'calls') return `#/programmes/${programme}/calls`;
  if (segments.length === 1 && segments[0] === 'accounting') return `#/programmes/${programme}/accounting`;
  return null;
}

function updateShell(nav) {
  const programme = encodeURIComponent(currentProgramme());
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === 'overview') a.setAttribute('href', `#/programmes/${programme}`);
    if (a.dataset.nav === 'calls') a.setAttribute('href', `#/programmes/${programme}/calls`);
    if (a.dataset.nav === 'accounting') a.setAttribute('href', `#/programmes/${programme}/accounting`);
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.getElementById('key-status').hidden = !apiKey.get();
}

async function render({ focus = false } = {}) {
  const { segments, query } = parseHash(location.hash);
  const target = redirect(segments);
  if (target) {
    location.replace(target);
    return;
  }
  const found = match(segments);
  if (found?.params.programmeId) sessionStorage.setItem(PROGRAMME_KEY, found.params.programmeId);
  updateShell(found?.route.nav);
  const token = ++rendering;
  cleanup?.();
  cleanup = null;
  if (!found) {
    show(
      [h('h1', { tabindex: '-1' }, 'No such page'), h('p', {}, h('a', { href: '#/' }, 'Go to the programme overview'))],
      'No such page',
      focus,
    );
    return;
  }
  if (!apiKey.get()) {
    showKeyForm(null);
    return;
  }
  status.textContent = 'Loading…';
  main.setAttribute('aria-busy', 'true');
  try {
    const page = await found.route.page(found.params, query);
    if (token !== rendering) return;
    show(page.content, page.title, focus);
    cleanup = page.mounted?.() ?? null;
  } catch (error) {
    if (token !== rendering) return;
    if (error instanceof ApiError && error.needsKey) {
      if (error.status === 401) apiKey.forget();
      updateShell(found.route.nav);
      showKeyForm(error);
    } else {
      show(
        [h('h1', { tabindex: '-1' }, 'Could not load this page'), problem(error)],
        'Could not load this page',
        focus,
      );
    }
  } finally {
    if (token === rendering) main.removeAttribute('aria-busy');
  }
}

function show(content, title, focus) {
  main.replaceChildren(...content.flat().filter((node) => node !== null && node !== undefined));
  document.title = `${title} · cohesion-ledger`;
  status.textContent = `${title}: loaded`;
  if (focus) main.querySelector('h1')?.focus();
}

function problem(error) {
  const retry = error instanceof ApiError && error.retryAfter ? ` Retry in ${error.retryAfter} s.` : '';
  const code = error instanceof ApiError && error.code ? ` (${error.status} ${error.code})` : '';
  return h('p', { class: 'problem', role: 'alert' }, `${error.message}${code}.${retry}`.replace(/\.\.$/, '.'));
}

function keyMessage(error) {
  if (!error) return null;
  if (error.status === 403)
    return `The key in use may not read this page: ${error.message}. Enter a key with that role.`;
  if (error.code === 'NO_KEY') return null;
  return `The key was not accepted (${error.message}). Enter a valid API key.`;
}

/** The key form: the key is kept in this tab's session only and sent only as a header. */
function showKeyForm(error) {
  const message = keyMessage(error);
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    required: true,
    'aria-describedby': 'api-key-help',
  });
  const invalid = h('p', { class: 'problem', id: 'api-key-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'key-form', method: 'post', novalidate: true },
    h('label', { for: 'api-key' }, 'API key'),
    h(
      'p',
      { class: 'hint', id: 'api-key-help' },
      'The key stays in this browser tab until you close it or forget it, and is sent only in the Authorization header. The pages read: viewer and other reader keys; the audit pages: an auditor key.',
    ),
    invalid,
    input,
    h('button', { type: 'submit', class: 'button' }, 'Use this key'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!KEY_PATTERN.test(key)) {
      invalid.textContent = 'Enter the API key: printable characters without spaces.';
      invalid.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'api-key-error api-key-help');
      input.focus();
      return;
    }
    apiKey.set(key);
    input.value = '';
    void render({ focus: true });
  });
  main.replaceChildren(
    h(
      'section',
      { class: 'key-panel', 'aria-labelledby': 'key-title' },
      h(
        'h1',
        { id: 'key-title', tabindex: '-1' },
        error?.status === 403 ? 'This page needs another key' : 'Enter your API key',
      ),
      message ? h('p', { class: 'problem', role: 'alert' }, message) : null,
      form,
    ),
  );
  document.title = 'API key · cohesion-ledger';
  status.textContent = message ?? 'Enter your API key';
  input.focus();
}

document.getElementById('forget-key').addEventListener('click', () => {
  apiKey.forget();
  cleanup?.();
  cleanup = null;
  updateShell(null);
  showKeyForm(null);
});

// The skip link moves focus to the content without touching the route.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => void render({ focus: true }));
void render();
