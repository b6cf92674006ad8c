// The merchant dashboard: a small single-page app over the merchant API (docs/api.md), routed by the
// URL hash. Every call goes with the session (and its CSRF header); an API key shown at registration or
// rotation stays in this tab's memory only. The Test mode switch puts the invoice calls in test mode.
import {ApiError, del, get, post, put, query, whenReauthenticationRequired, whenUnauthorized} from './api.js';
import {copyText, h, replace, time} from './dom.js';
import {overviewView} from './overview.js';

/** How a wallet address looks on each kind of chain (the server checks it again, checksums included). */
const ADDRESS_FORMATS = {
  tron: {placeholder: 'T…', pattern: /^T[1-9A-HJ-NP-Za-km-z]{33}$/, rule: 'T followed by 33 base58 characters'},
  evm: {placeholder: '0x…', pattern: /^0x[0-9a-fA-F]{40}$/, rule: '0x followed by 40 hexadecimal characters'},
};
/** Every chain the node knows, in its order: read from GET /api/v1/health before the first signed-in view. */
let CHAINS = null;

async function loadChains() {
  const health = await get('/api/v1/health');
  return Object.entries(health.chains).map(([id, chain]) => {
    const format = ADDRESS_FORMATS[chain.kind];
    return {id, name: `${chain.label} (${chain.tokenStandard})`, placeholder: format.placeholder,
      pattern: format.pattern,
      hint: `${/^[AEIOU]/.test(chain.label) ? 'An' : 'A'} ${chain.label} address: ${format.rule}.`};
  });
}
const STATUSES = ['PENDING', 'CONFIRMING', 'PARTIALLY_PAID', 'PAID', 'EXPIRED', 'CANCELLED'];
const OPEN = new Set(['PENDING', 'CONFIRMING', 'PARTIALLY_PAID']);
const PAGE_SIZE = 20;
const REFRESH_MS = 2500;

const session = {
  me: null,
  /** The API key, if this tab saw it (registration or rotation). Memory only. */
  apiKey: null,
  /** A message to show on the login page (e.g. why the session ended). */
  notice: null,
};

const main = document.getElementById('main');
let stopView = () => {};

// ---------------------------------------------------------------- live / test mode

// Which invoices the dashboard shows and creates: live ones, or test ones (docs/api.md#test-mode).
// Remembered in this browser; a preference, not a secret.
const MODE_KEY = 'stablegate.livemode';
let livemode = localStorage.getItem(MODE_KEY) !== 'false';

/** The query that puts an invoice call in the dashboard's mode; '' when live (the API's default). */
function modeQuery(prefix = '?') {
  return livemode ? '' : `${prefix}livemode=false`;
}

/** The live/test switch, with a banner while in test mode. */
function modeSwitch(onChange) {
  const input = h('input', {type: 'checkbox', id: 'test-mode-switch', role: 'switch', checked: !livemode});
  const banner = h('p', {class: 'notice notice-warning test-banner', id: 'test-mode-banner', hidden: livemode},
    'Test mode: these invoices are paid only by simulated transfers (POST /api/v1/test/invoices/{id}/payments '
      + 'with your test API key), never by a chain.');
  input.addEventListener('change', () => {
    livemode = !input.checked;
    localStorage.setItem(MODE_KEY, String(livemode));
    banner.hidden = livemode;
    onChange();
  });
  return h('div', {class: 'mode-switch'},
    h('label', {for: 'test-mode-switch'}, input, ' Test mode'), banner);
}

// ---------------------------------------------------------------- routing

const routes = [
  [/^#\/login$/, () => loginView('login')],
  [/^#\/register$/, () => loginView('register')],
  [/^#\/overview$/, () => overviewView(main)],
  [/^#\/invoices(?:\?status=([A-Z_]+))?$/, (status) => invoicesView(status)],
  [/^#\/invoices\/([0-9a-f-]{36})$/, (id) => invoiceView(id)],
  [/^#\/settings$/, () => settingsView()],
  [/^#\/unmatched$/, () => unmatchedView()],
];

async function route() {
  stopView();
  stopView = () => {};
  const hash = location.hash || '#/overview';
  const publicPage = hash === '#/login' || hash === '#/register';
  if (!publicPage && !session.me) {
    try {
      session.me = await get('/api/v1/me');
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) session.notice = e.message;
      location.hash = '#/login';
      return;
    }
  }
  if (!publicPage && !CHAINS) {
    try {
      CHAINS = await loadChains();
    } catch (e) {
      replace(main,
        h('p', {class: 'notice notice-error', role: 'alert'}, `The node's chains could not be read: ${e.message}`),
        h('button', {type: 'button', onclick: () => route()}, 'Try again'));
      return;
    }
  }
  showChrome();
  for (const [pattern, view] of routes) {
    const match = hash.match(pattern);
    if (match) {
      await view(...match.slice(1));
      main.focus({preventScroll: true});
      return;
    }
  }
  location.hash = session.me ? '#/overview' : '#/login';
}

function showChrome() {
  const signedIn = Boolean(session.me);
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('account').hidden = !signedIn;
  document.getElementById('account-email').textContent = signedIn ? session.me.email : '';
  const current = (location.hash.match(/^#\/(\w+)/) ?? [])[1];
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function endSession(notice) {
  session.me = null;
  session.apiKey = null;
  session.notice = notice;
  if (location.hash === '#/login') route();
  else location.hash = '#/login';
}

// Only a session that existed can end; the first look at /api/v1/me on a fresh visit is 401 too.
whenUnauthorized(() => { if (session.me) endSession('Your session has ended. Log in again.'); });

// A change refused for want of a recent password confirmation asks for the password, confirms it and
// is repeated (api.js). Changes made at the same time share one prompt.
let pendingConfirmation = null;
whenReauthenticationRequired(() => {
  pendingConfirmation ??= askPassword().finally(() => { pendingConfirmation = null; });
  return pendingConfirmation;
});

/** Shows the password dialog; resolves true once the password is confirmed, false if cancelled. */
function askPassword() {
  const dialog = document.getElementById('reauth-dialog');
  const form = document.getElementById('reauth-form');
  const input = document.getElementById('reauth-password');
  const submitButton = document.getElementById('reauth-submit');
  clearError(form);
  input.value = '';
  return new Promise((resolve) => {
    let confirmed = false;
    const submit = async (event) => {
      event.preventDefault();
      clearError(form);
      if (!input.value) {
        showError(form, new ApiError(400, {detail: 'Enter your password.',
          errors: [{field: 'password', message: 'Enter your password.'}]}));
        return;
      }
      submitButton.disabled = true;
      try {
        await post('/api/v1/auth/confirm-password', {password: input.value});
        confirmed = true;
        dialog.close();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          dialog.close();
          endSession('Your session has ended. Log in again.');
          return;
        }
        showError(form, e instanceof ApiError ? e : new ApiError(0, {detail: String(e)}));
        input.select();
      } finally {
        submitButton.disabled = false;
      }
    };
    const cancel = () => dialog.close();
    form.addEventListener('submit', submit);
    document.getElementById('reauth-cancel').addEventListener('click', cancel);
    dialog.addEventListener('close', () => {
      form.removeEventListener('submit', submit);
      document.getElementById('reauth-cancel').removeEventListener('click', cancel);
      input.value = '';
      resolve(confirmed);
    }, {once: true});
    dialog.showModal();
    input.focus();
  });
}

document.getElementById('logout').addEventListener('click', async () => {
  try {
    await post('/api/v1/auth/logout');
  } catch {
    // the cookies are cleared by the server when it answers; leave the page either way
  }
  endSession('You are logged out.');
});

// ---------------------------------------------------------------- shared pieces

function badge(status, paidLate) {
  return h('span', {class: `badge badge-${status.toLowerCase()}`}, paidLate ? `${status} (late)` : status);
}

/** A form field: label, input, hint and the place for its error, wired for screen readers. */
function field({id, label, hint, wide, ...input}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const tag = input.tag ?? 'input';
  delete input.tag;
  const options = input.options;
  delete input.options;
  const control = h(tag, {id, name: id, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), ...input},
    options ?? []);
  return h('div', {class: wide ? 'field field-wide' : 'field'},
    h('label', {for: id}, label),
    control,
    hint ? h('p', {class: 'hint', id: hintId}, hint) : null,
    h('p', {class: 'field-error', id: errorId, hidden: true}));
}

function setFieldError(form, name, message) {
  const control = form.querySelector(`[name="${name}"]`);
  const error = form.querySelector(`#${CSS.escape(control?.id ?? name)}-error`);
  if (!control || !error) return false;
  control.setAttribute('aria-invalid', message ? 'true' : 'false');
  error.textContent = message ?? '';
  error.hidden = !message;
  return true;
}

/** Shows an API error on a form: field messages beside their fields, the rest in the form's alert. */
function showError(form, error) {
  for (const control of form.querySelectorAll('[aria-invalid]')) setFieldError(form, control.name, null);
  const alert = form.querySelector('.form-alert');
  const unplaced = [];
  for (const {field: name, message} of error.fieldErrors ?? []) {
    if (!setFieldError(form, name, message)) unplaced.push(`${name}: ${message}`);
  }
  const text = [error.message, ...unplaced].filter(Boolean).join(' ');
  if (alert) {
    alert.textContent = text;
    alert.hidden = false;
  }
  const firstInvalid = form.querySelector('[aria-invalid="true"]');
  (firstInvalid ?? alert)?.focus?.();
}

function clearError(form) {
  const alert = form.querySelector('.form-alert');
  if (alert) {
    alert.textContent = '';
    alert.hidden = true;
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) setFieldError(form, control.name, null);
}

function formAlert() {
  return h('p', {class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true});
}

function notice(text, kind = 'info') {
  return h('p', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, text);
}

/** Runs a form submission with its button disabled, showing any error on the form. */
function onSubmit(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    clearError(form);
    if (button) button.disabled = true;
    try {
      await action(new FormData(form));
    } catch (error) {
      showError(form, error instanceof ApiError ? error : new ApiError(0, {detail: String(error)}));
    } finally {
      if (button) button.disabled = false;
    }
  });
}

/** Shows a secret once, in a modal dialog with a copy button. Resolves when the dialog is closed. */
function showSecret(title, text, secret) {
  const dialog = document.getElementById('secret-dialog');
  document.getElementById('secret-dialog-title').textContent = title;
  document.getElementById('secret-dialog-text').textContent = text;
  document.getElementById('secret-dialog-value').textContent = secret;
  const feedback = document.getElementById('secret-dialog-feedback');
  feedback.textContent = '';
  const copy = document.getElementById('secret-dialog-copy');
  copy.onclick = async () => {
    feedback.textContent = (await copyText(secret)) ? 'Copied.' : 'Copying failed: select the text and copy it.';
  };
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      document.getElementById('secret-dialog-value').textContent = '';
      resolve();
    }, {once: true});
    dialog.showModal();
    copy.focus();
  });
}

/** Labels each cell with its column's heading, so that narrow screens can show rows as cards. */
function stackable(table) {
  table.classList.add('stack');
  const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.cells].forEach((cell, i) => { if (headings[i]) cell.dataset.label = headings[i]; });
  }
  return table;
}

function view(title, ...children) {
  document.title = `${title} · Stablegate`;
  replace(main, h('h1', {}, title), ...children);
}

// ---------------------------------------------------------------- login and registration

function loginView(mode) {
  const registering = mode === 'register';
  const form = h('form', {class: 'card narrow', novalidate: true},
    formAlert(),
    field({id: 'email', label: 'Email', type: 'email', autocomplete: 'email', required: true}),
    field({id: 'password', label: 'Password', type: 'password', required: true, minlength: registering ? 12 : undefined,
      maxlength: 128, autocomplete: registering ? 'new-password' : 'current-password',
      hint: registering ? 'Between 12 and 128 characters.' : undefined}),
    h('div', {class: 'actions'},
      h('button', {type: 'submit'}, registering ? 'Create account' : 'Log in'),
      registering
        ? h('a', {href: '#/login'}, 'I have an account: log in')
        : h('a', {href: '#/register'}, 'New here? Create an account')));
  const shown = session.notice;
  session.notice = null;
  view(registering ? 'Create your merchant account' : 'Log in', shown ? notice(shown) : null, form);
  onSubmit(form, async (data) => {
    const credentials = {email: String(data.get('email')).trim(), password: String(data.get('password'))};
    const missing = [];
    if (!credentials.email) missing.push({field: 'email', message: 'Enter your email address.'});
    if (!credentials.password) missing.push({field: 'password', message: 'Enter your password.'});
    if (registering && credentials.password && (credentials.password.length < 12 || credentials.password.length > 128)) {
      missing.push({field: 'password', message: 'Use between 12 and 128 characters.'});
    }
    if (missing.length) throw new ApiError(400, {detail: 'Please correct the marked fields.', errors: missing});
    if (registering) {
      const account = await post('/api/v1/auth/register', credentials);
      session.apiKey = account.apiKey;
      await showSecret('Your API key',
        'Your servers use this key to create invoices (Authorization: Bearer <key>). '
        + 'This tab also keeps it in memory until you log out or reload, for the test-invoice form.',
        account.apiKey);
    }
    await post('/api/v1/auth/login', credentials);
    session.me = await get('/api/v1/me');
    location.hash = registering ? '#/settings' : '#/overview';
  });
  form.querySelector('#email').focus();
}

// ---------------------------------------------------------------- invoices

function invoicesView(initialStatus) {
  const filters = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter invoices'},
    field({id: 'filter-status', label: 'Status', tag: 'select', options: [
      h('option', {value: ''}, 'Any'), ...STATUSES.map((s) => h('option', {value: s}, s))]}),
    field({id: 'filter-order', label: 'Order id', type: 'search', maxlength: 128}),
    field({id: 'filter-from', label: 'Created from', type: 'date'}),
    field({id: 'filter-to', label: 'Created to', type: 'date'}),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Apply filters')));
  const table = h('div', {class: 'table-wrap', 'aria-live': 'polite'});
  const pager = h('nav', {class: 'pager', 'aria-label': 'Invoice pages'});
  const createForm = createInvoiceForm();
  const createTitle = h('h2', {id: 'create-title'});
  const exportForm = exportSection();
  const titleCreate = () => {
    createTitle.textContent = livemode ? 'Create an invoice' : 'Create a test invoice';
  };
  titleCreate();

  view('Invoices',
    modeSwitch(() => {
      cursors.length = 1;
      page = 0;
      titleCreate();
      exportForm.refresh();
      load();
    }),
    h('section', {class: 'card', 'aria-labelledby': 'list-title'},
      h('h2', {id: 'list-title'}, 'Your invoices'), filters, table, pager),
    h('section', {class: 'card', 'aria-labelledby': 'create-title'}, createTitle, createForm),
    exportForm);

  if (STATUSES.includes(initialStatus)) filters.querySelector('#filter-status').value = initialStatus;
  const cursors = [null];
  let page = 0;

  async function load() {
    const status = filters.querySelector('#filter-status').value;
    const orderId = filters.querySelector('#filter-order').value.trim();
    const from = filters.querySelector('#filter-from').value;
    const to = filters.querySelector('#filter-to').value;
    replace(table, h('p', {class: 'loading'}, 'Loading…'));
    let result;
    try {
      result = await get(`/api/v1/invoices${query({status, orderId, limit: PAGE_SIZE, cursor: cursors[page]})}`
        + modeQuery('&'));
    } catch (e) {
      replace(table, notice(e.message, 'error'));
      return;
    }
    // Dates filter the page on the client (the API filters by status and order id); the list is
    // newest first, so once a page reaches past "from" no later page can match.
    const fromTime = from ? new Date(`${from}T00:00:00`).getTime() : -Infinity;
    const toTime = to ? new Date(`${to}T23:59:59.999`).getTime() : Infinity;
    const items = result.items.filter((i) => {
      const t = new Date(i.createdAt).getTime();
      return t >= fromTime && t <= toTime;
    });
    const oldest = result.items.at(-1);
    const more = Boolean(result.nextCursor) && !(oldest && new Date(oldest.createdAt).getTime() < fromTime);
    cursors[page + 1] = more ? result.nextCursor : undefined;
    renderTable(items);
    renderPager(more);
  }

  function renderTable(items) {
    if (!items.length) {
      replace(table, h('p', {class: 'empty'}, 'No invoices match.'));
      return;
    }
    replace(table, stackable(h('table', {class: 'invoices'},
      h('caption', {class: 'visually-hidden'}, 'Invoices, newest first'),
      h('thead', {}, h('tr', {},
        ['Status', 'Amount', 'Chain', 'Order id', 'Created', ''].map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, items.map((i) => h('tr', {dataset: {invoiceId: i.id}},
        h('td', {}, badge(i.status, i.paidLate)),
        h('td', {class: 'num'}, `${i.amount} ${i.token ?? 'USDT'}`),
        h('td', {}, i.chain),
        h('td', {}, i.orderId ?? '—'),
        h('td', {}, time(i.createdAt)),
        h('td', {}, h('a', {href: `#/invoices/${i.id}`, 'aria-label': `Details of invoice ${i.orderId ?? i.id}`},
          'Details'))))))));
  }

  function renderPager(more) {
    replace(pager,
      h('button', {type: 'button', class: 'button-secondary', disabled: page === 0,
        onclick: () => { page -= 1; load(); }}, 'Previous'),
      h('span', {}, `Page ${page + 1}`),
      h('button', {type: 'button', class: 'button-secondary', disabled: !more,
        onclick: () => { page += 1; load(); }}, 'Next'));
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    cursors.length = 1;
    page = 0;
    load();
  });
  load();
  const timer = setInterval(() => { if (page === 0 && !document.hidden) load(); }, REFRESH_MS * 4);
  stopView = () => clearInterval(timer);
}

function createInvoiceForm() {
  const wallets = new Map((session.me?.wallets ?? []).map((w) => [w.chain, w.address]));
  const form = h('form', {class: 'grid-form', novalidate: true},
    formAlert(),
    wallets.size === 0
      ? notice('Set a wallet in Settings first: invoices are paid straight to your wallet.', 'warning')
      : null,
    field({id: 'amount', label: 'Amount', inputmode: 'decimal', required: true, placeholder: '10.50',
      pattern: '\\d{1,7}(\\.\\d{1,6})?', hint: 'Up to 1,000,000, at most 6 decimals.'}),
    field({id: 'chain', label: 'Chain', tag: 'select', options: CHAINS.map((c) =>
      h('option', {value: c.id, disabled: !wallets.has(c.id)}, wallets.has(c.id) ? c.name : `${c.name} (no wallet)`))}),
    field({id: 'token', label: 'Token', tag: 'select', options: ['USDT', 'USDC'].map((t) => h('option', {value: t}, t)),
      hint: 'USDC where the chain serves it (not on Tron; USDT is off on Base unless configured).'}),
    field({id: 'orderId', label: 'Order id (optional)', maxlength: 128}),
    field({id: 'description', label: 'Description (optional)', maxlength: 500}),
    field({id: 'expiresInMinutes', label: 'Expires in (minutes)', type: 'number', min: 1, max: 10080, value: 30}),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Create invoice')));
  const chain = form.querySelector('#chain');
  const firstWithWallet = CHAINS.find((c) => wallets.has(c.id));
  if (firstWithWallet) chain.value = firstWithWallet.id;
  onSubmit(form, async (data) => {
    const body = {amount: String(data.get('amount')).trim(), chain: data.get('chain'), token: data.get('token')};
    for (const name of ['orderId', 'description']) {
      const value = String(data.get(name) ?? '').trim();
      if (value) body[name] = value;
    }
    const minutes = String(data.get('expiresInMinutes') ?? '').trim();
    if (minutes) body.expiresInMinutes = Number(minutes);
    const errors = [];
    if (!/^\d+(\.\d{1,6})?$/.test(body.amount)) errors.push({field: 'amount', message: 'Enter an amount like 10.50.'});
    if (errors.length) throw new ApiError(400, {detail: 'Please correct the marked fields.', errors});
    // with the session (and its CSRF header); the Idempotency-Key makes a double submit create one invoice
    const invoice = await post(`/api/v1/invoices${modeQuery()}`, body, {idempotencyKey: crypto.randomUUID()});
    location.hash = `#/invoices/${invoice.id}`;
  });
  return form;
}

/**
 * Download of the invoices created in a date range (UTC days, the end day included), CSV or JSON
 * Lines, in the dashboard's mode: a plain link to the export call, which the browser saves.
 */
function exportSection() {
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
  const link = h('a', {class: 'button', id: 'export-download', download: ''}, 'Download');
  const form = h('form', {class: 'filters', 'aria-label': 'Export invoices'},
    field({id: 'export-from', label: 'Created from (UTC)', type: 'date', value: monthAgo}),
    field({id: 'export-to', label: 'Created to (UTC, included)', type: 'date', value: today}),
    field({id: 'export-format', label: 'Format', tag: 'select', options: [
      h('option', {value: 'csv'}, 'CSV (spreadsheets)'), h('option', {value: 'json'}, 'JSON Lines')]}),
    h('div', {class: 'actions'}, link));
  const update = () => {
    const from = form.querySelector('#export-from').value;
    const to = form.querySelector('#export-to').value;
    const end = to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86400000).toISOString().slice(0, 10) : '';
    link.href = `/api/v1/invoices/export${query({from, to: end, format: form.querySelector('#export-format').value})}`
      + modeQuery('&');
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', (event) => event.preventDefault());
  link.addEventListener('click', update);
  update();
  const section = h('section', {class: 'card', 'aria-labelledby': 'export-title'},
    h('h2', {id: 'export-title'}, 'Export'),
    h('p', {class: 'hint'}, 'Your invoices with their payments, one row each, for a spreadsheet or your books.'),
    form);
  // the invoices view calls this when the mode changes
  section.refresh = update;
  return section;
}

async function invoiceView(id) {
  const summary = h('section', {class: 'card', 'aria-labelledby': 'summary-title'});
  const payments = h('section', {class: 'card', 'aria-labelledby': 'payments-title'});
  const timeline = h('section', {class: 'card', 'aria-labelledby': 'events-title'});
  const deliveries = h('section', {class: 'card', 'aria-labelledby': 'deliveries-title'});
  view('Invoice', h('p', {}, h('a', {href: '#/invoices'}, '← All invoices')), summary, payments, timeline, deliveries);

  let timer = null;
  let stopped = false;
  stopView = () => {
    stopped = true;
    clearTimeout(timer);
  };

  async function refresh() {
    let invoice;
    try {
      invoice = await get(`/api/v1/invoices/${id}${modeQuery()}`);
    } catch (e) {
      replace(summary, h('h2', {id: 'summary-title'}, 'Invoice'),
        notice(e.status === 404 ? 'There is no such invoice.' : e.message, 'error'));
      lastShown = null;
      // 401 ends the session elsewhere; a busy or unreachable node (503, 429, offline) is asked again
      if (!stopped && e.status !== 404 && e.status !== 401) timer = setTimeout(refresh, REFRESH_MS * 2);
      return;
    }
    // Re-render only what changed, so that an open <details> or the focus is not lost every tick.
    const shown = JSON.stringify(invoice);
    if (shown !== lastShown) {
      lastShown = shown;
      renderSummary(invoice);
      renderPayments(invoice);
      await renderEvents();
    }
    await renderDeliveries();
    if (!stopped) {
      // A closed invoice can still be paid late, so it is watched too, less often.
      timer = setTimeout(refresh, OPEN.has(invoice.status) ? REFRESH_MS : REFRESH_MS * 4);
    }
  }
  let lastShown = null;
  let lastDeliveries = null;
  // Outlives the re-renders of the table, so that a redelivery's outcome stays readable.
  const result = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});

  function renderSummary(invoice) {
    const confirmations = Math.max(0, ...invoice.payments.map((p) => p.confirmations));
    const required = invoice.requiredConfirmations;
    const done = invoice.status === 'PAID' ? required : Math.min(confirmations, required);
    const row = (term, value) => [h('dt', {}, term), h('dd', {}, value)];
    replace(summary,
      h('h2', {id: 'summary-title'}, 'Summary ', h('span', {id: 'invoice-status'}, badge(invoice.status, invoice.paidLate))),
      h('dl', {class: 'facts'},
        row('Invoice id', h('code', {}, invoice.id)),
        row('Amount', `${invoice.amount} ${invoice.token ?? 'USDT'}`),
        row('Payer sends', h('span', {id: 'invoice-pay-amount'}, `${invoice.payAmount} ${invoice.token ?? 'USDT'}`)),
        row('Paid so far', h('span', {id: 'invoice-amount-paid'}, `${invoice.amountPaid} ${invoice.token ?? 'USDT'}`)),
        invoice.amountDue !== undefined ? row('Still due', h('span', {id: 'invoice-amount-due'}, `${invoice.amountDue} ${invoice.token ?? 'USDT'}`)) : null,
        invoice.underpaid ? row('Underpaid', 'Paid within your underpayment tolerance, below the full amount.') : null,
        invoice.overpaid ? row('Overpaid', 'Credits exceed what was due: settle the difference with the payer.') : null,
        row('Chain', invoice.chain),
        row('To wallet', h('code', {class: 'address'}, invoice.address)),
        row('Order id', invoice.orderId ?? '—'),
        row('Description', invoice.description ?? '—'),
        row('Created', time(invoice.createdAt)),
        row('Expires', time(invoice.expiresAt)),
        invoice.paidLate ? row('Note', 'Paid after the invoice had expired or was cancelled.') : null),
      h('div', {class: 'progress'},
        h('label', {for: 'invoice-confirmations'}, 'Confirmations'),
        h('progress', {id: 'invoice-confirmations', max: required, value: done}, `${done} of ${required}`),
        h('span', {}, `${done} of ${required}`)),
      h('div', {class: 'actions'},
        h('a', {href: invoice.checkoutUrl, class: 'button', target: '_blank', rel: 'noopener', id: 'checkout-link'},
          'Open the checkout page'),
        invoice.status === 'PENDING'
          ? h('button', {type: 'button', class: 'button-danger', onclick: async (event) => {
            event.target.disabled = true;
            try {
              await post(`/api/v1/invoices/${id}/cancel${modeQuery()}`);
            } catch (e) {
              summary.append(notice(e.message, 'error'));
            }
            clearTimeout(timer);
            refresh();
          }}, 'Cancel invoice')
          : null));
  }

  function renderPayments(invoice) {
    replace(payments, h('h2', {id: 'payments-title'}, 'Payments'),
      invoice.payments.length === 0
        ? h('p', {class: 'empty'}, 'No transfer seen yet.')
        : h('div', {class: 'table-wrap'}, stackable(h('table', {},
          h('thead', {}, h('tr', {}, ['Transaction', 'From', 'Amount', 'Block', 'Confirmations', 'Status', 'Source']
            .map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, invoice.payments.map((p) => h('tr', {},
            h('td', {}, h('code', {class: 'hash'}, `${p.txHash}#${p.logIndex}`)),
            h('td', {}, h('code', {class: 'address'}, p.from)),
            h('td', {class: 'num'}, `${p.amount} ${invoice.token ?? 'USDT'}`),
            h('td', {class: 'num'}, p.blockNumber),
            h('td', {class: 'num'}, `${Math.min(p.confirmations, invoice.requiredConfirmations)} / ${invoice.requiredConfirmations}`),
            h('td', {}, p.status),
            h('td', {}, p.source ?? 'MATCHED'))))))));
  }

  async function renderEvents() {
    let events;
    try {
      events = await get(`/api/v1/invoices/${id}/events${modeQuery()}`);
    } catch (e) {
      replace(timeline, h('h2', {id: 'events-title'}, 'Event timeline'), notice(e.message, 'error'));
      return;
    }
    const list = Array.isArray(events) ? events : (events.items ?? []);
    replace(timeline, h('h2', {id: 'events-title'}, 'Event timeline'),
      h('ol', {class: 'timeline'}, list.map((e) => h('li', {},
        h('span', {class: 'timeline-type'}, e.type), ' ', time(e.at),
        e.data && Object.keys(e.data).length
          ? h('details', {}, h('summary', {}, 'Data'), h('pre', {}, JSON.stringify(e.data, null, 2)))
          : null))));
  }

  async function renderDeliveries() {
    let attempts;
    try {
      attempts = await get(`/api/v1/webhook-deliveries${query({invoiceId: id})}`);
    } catch (e) {
      // 404: the invoice is not in the read side yet (it was just created); the next poll shows its history
      replace(deliveries, h('h2', {id: 'deliveries-title'}, 'Webhook deliveries'), e.status === 404
        ? h('p', {class: 'empty'}, 'No delivery attempt yet.')
        : notice(e.message, 'error'));
      return;
    }
    const list = Array.isArray(attempts) ? attempts : (attempts.items ?? []);
    const shown = JSON.stringify(list);
    if (shown === lastDeliveries) return;
    lastDeliveries = shown;
    replace(deliveries, h('h2', {id: 'deliveries-title'}, 'Webhook deliveries'), result,
      list.length === 0
        ? h('p', {class: 'empty'}, 'No delivery attempt yet. Set a webhook URL in Settings to receive events.')
        : h('div', {class: 'table-wrap'}, stackable(h('table', {},
          h('thead', {}, h('tr', {}, ['Event', 'Attempt', 'When', 'Answer', 'Took', '']
            .map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, list.map((a) => h('tr', {},
            h('td', {}, a.type, h('br'), h('code', {class: 'hash'}, a.eventId)),
            h('td', {class: 'num'}, a.attempt),
            h('td', {}, time(a.at)),
            h('td', {}, a.statusCode ? `HTTP ${a.statusCode}` : (a.error ?? '—')),
            h('td', {class: 'num'}, a.durationMs != null ? `${a.durationMs} ms` : '—'),
            h('td', {}, h('button', {type: 'button', class: 'button-secondary', onclick: async (event) => {
              event.target.disabled = true;
              try {
                await post(`/api/v1/webhook-deliveries/${encodeURIComponent(a.eventId)}/redeliver`);
                result.textContent = `Redelivery of ${a.type} queued.`;
              } catch (e) {
                result.textContent = e.message;
              } finally {
                event.target.disabled = false;
              }
            }}, 'Redeliver')))))))));
  }

  await refresh();
}

// ---------------------------------------------------------------- settings

async function settingsView() {
  session.me = await get('/api/v1/me');
  const wallets = new Map(session.me.wallets.map((w) => [w.chain, w.address]));
  view('Settings',
    h('section', {class: 'card', 'aria-labelledby': 'wallets-title'},
      h('h2', {id: 'wallets-title'}, 'Wallets'),
      h('p', {class: 'hint'}, 'Payers send USDT or USDC straight to these addresses (one per chain serves every token on it). Stablegate never holds keys or funds.'),
      CHAINS.map((chain) => walletForm(chain, wallets.get(chain.id)))),
    profileSection(),
    paymentSettingsSection(),
    webhookSection(),
    webhookEndpointsSection(),
    apiKeySection(),
    passwordSection());
}

function walletForm(chain, current) {
  const id = `wallet-${chain.id.toLowerCase()}`;
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const form = h('form', {class: 'wallet-form', novalidate: true, dataset: {chain: chain.id}},
    formAlert(),
    field({id, label: `${chain.name} wallet address`, placeholder: chain.placeholder, value: current ?? '',
      autocomplete: 'off', spellcheck: 'false', hint: chain.hint}),
    h('div', {class: 'actions'},
      h('button', {type: 'submit'}, 'Save'),
      h('button', {type: 'button', class: 'button-secondary', disabled: !current, onclick: async () => {
        clearError(form);
        try {
          await del(`/api/v1/wallets/${chain.id}`);
          form.querySelector('input').value = '';
          status.textContent = `${chain.name} wallet removed.`;
        } catch (e) {
          showError(form, e);
        }
      }}, 'Remove')),
    status);
  const input = form.querySelector('input');
  input.name = 'address';
  input.addEventListener('input', () => {
    const value = input.value.trim();
    setFieldError(form, 'address', value && !chain.pattern.test(value) ? chain.hint : null);
  });
  onSubmit(form, async () => {
    const address = input.value.trim();
    if (!chain.pattern.test(address)) throw new ApiError(400, {errors: [{field: 'address', message: chain.hint}]});
    const saved = await put(`/api/v1/wallets/${chain.id}`, {address});
    input.value = saved.address;
    form.querySelector('.button-secondary').disabled = false;
    status.textContent = `${chain.name} wallet saved.`;
    session.me = await get('/api/v1/me');
  });
  return form;
}

function profileSection() {
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const form = h('form', {novalidate: true, id: 'profile-form'},
    formAlert(),
    field({id: 'display-name', label: 'Shop name', autocomplete: 'organization', maxlength: 80,
      hint: 'Shown to payers on the checkout page, as text. 1 to 80 characters, any script.'}),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Save shop name')),
    status);
  const input = form.querySelector('input');
  input.name = 'displayName';
  get('/api/v1/profile').then((profile) => { input.value = profile.displayName ?? ''; })
    .catch((e) => showError(form, e));
  onSubmit(form, async () => {
    const saved = await put('/api/v1/profile', {displayName: input.value});
    input.value = saved.displayName;
    status.textContent = `Shop name saved: ${saved.displayName}`;
  });
  return h('section', {class: 'card', 'aria-labelledby': 'profile-title'},
    h('h2', {id: 'profile-title'}, 'Shop'), form);
}

function paymentSettingsSection() {
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const form = h('form', {novalidate: true, id: 'payment-settings'},
    formAlert(),
    field({id: 'tolerance', label: 'Underpayment tolerance (%)', inputmode: 'decimal', autocomplete: 'off',
      placeholder: '0', hint: 'From 0 to 10, at most 2 decimals. A transfer this much below an open invoice\'s '
        + 'amount still pays it (marked underpaid), when it fits exactly one invoice. 0 turns it off.'}),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Save tolerance')),
    status);
  const input = form.querySelector('input');
  input.name = 'underpaymentTolerancePercent';
  get('/api/v1/settings/payments').then((settings) => {
    input.value = settings.underpaymentTolerancePercent;
  }).catch((e) => showError(form, e));
  onSubmit(form, async () => {
    const value = input.value.trim();
    if (!/^\d{1,2}(\.\d{1,2})?$/.test(value) || Number(value) > 10) {
      throw new ApiError(400, {errors: [{field: 'underpaymentTolerancePercent',
        message: 'Enter a percentage from 0 to 10 with at most 2 decimals.'}]});
    }
    const saved = await put('/api/v1/settings/payments', {underpaymentTolerancePercent: value});
    input.value = saved.underpaymentTolerancePercent;
    status.textContent = `Underpayment tolerance saved: ${saved.underpaymentTolerancePercent} %. It applies to invoices created from now on.`;
  });
  return h('section', {class: 'card', 'aria-labelledby': 'payments-settings-title'},
    h('h2', {id: 'payments-settings-title'}, 'Payments'), form);
}

function webhookSection() {
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const form = h('form', {novalidate: true},
    formAlert(),
    field({id: 'webhook-url', label: 'Webhook URL', type: 'url', value: session.me.webhookUrl ?? '',
      placeholder: 'https://shop.example/stablegate', autocomplete: 'off',
      hint: 'Signed events are POSTed here (HTTPS in production).'}),
    h('div', {class: 'actions'},
      h('button', {type: 'submit'}, 'Save URL'),
      h('button', {type: 'button', class: 'button-secondary', onclick: async () => {
        clearError(form);
        try {
          const {secret} = await post('/api/v1/webhook/rotate-secret');
          await showSecret('New webhook secret',
            'Deliveries are signed with this secret and, for 24 hours, also with the previous one.', secret);
          status.textContent = 'Webhook secret rotated.';
        } catch (e) {
          showError(form, e);
        }
      }}, 'Rotate secret'),
      h('button', {type: 'button', class: 'button-secondary', onclick: async () => {
        clearError(form);
        try {
          await post('/api/v1/webhook/test');
          status.textContent = 'A signed ping event is on its way.';
        } catch (e) {
          showError(form, e);
        }
      }}, 'Send test ping')),
    status);
  const input = form.querySelector('input');
  input.name = 'url';
  onSubmit(form, async () => {
    const url = input.value.trim();
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new ApiError(400, {errors: [{field: 'url', message: 'Enter a full http(s):// URL.'}]});
    }
    const saved = await put('/api/v1/webhook', {url});
    status.textContent = 'Webhook URL saved.';
    if (saved.secret) {
      await showSecret('Your webhook secret', 'Verify every delivery\'s signature with this secret.', saved.secret);
    }
  });
  return h('section', {class: 'card', 'aria-labelledby': 'webhook-title'}, h('h2', {id: 'webhook-title'}, 'Webhook'), form);
}

const WEBHOOK_TYPES = ['invoice.payment_detected', 'invoice.paid', 'invoice.paid_late', 'invoice.expired',
  'invoice.cancelled', 'invoice.payment_reverted', 'ping'];

/** Further webhook endpoints (docs/webhooks.md): each with its own secret and event filter. */
function webhookEndpointsSection() {
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const list = h('div', {id: 'webhook-endpoints'});
  const allBox = h('input', {type: 'checkbox', id: 'endpoint-events-all', name: 'events', value: '*', checked: true});
  const typeBoxes = WEBHOOK_TYPES.map((type) => h('input', {type: 'checkbox', name: 'events', value: type,
    id: `endpoint-event-${type.replace(/\W/g, '-')}`}));
  const form = h('form', {novalidate: true, id: 'endpoint-form'},
    formAlert(),
    field({id: 'endpoint-url', label: 'Endpoint URL', type: 'url', placeholder: 'https://shop.example/hooks/paid',
      autocomplete: 'off', hint: 'Receives only the events chosen below, signed with its own secret.'}),
    h('fieldset', {class: 'events', 'data-field': 'events'},
      h('legend', {}, 'Events'),
      h('label', {}, allBox, ' All events'),
      ...typeBoxes.map((box) => h('label', {}, box, ` ${box.value}`)),
      h('p', {class: 'field-error', id: 'endpoint-events-all-error', hidden: true})),
    h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'add-endpoint'}, 'Add endpoint')));
  form.querySelector('input[type=url]').name = 'url';
  allBox.addEventListener('change', () => { if (allBox.checked) typeBoxes.forEach((b) => { b.checked = false; }); });
  typeBoxes.forEach((b) => b.addEventListener('change', () => { if (b.checked) allBox.checked = false; }));

  async function act(action, done) {
    try {
      await action();
      status.textContent = done;
      await load();
    } catch (e) {
      status.textContent = e.message;
    }
  }

  async function load() {
    let items;
    try {
      ({items} = await get('/api/v1/webhook-endpoints'));
    } catch (e) {
      list.replaceChildren(h('p', {class: 'form-alert'}, e.message));
      return;
    }
    if (items.length === 0) {
      list.replaceChildren(h('p', {class: 'empty'}, 'No further endpoint. The webhook URL above receives every event.'));
      return;
    }
    list.replaceChildren(stackable(h('table', {class: 'endpoints'},
      h('thead', {}, h('tr', {}, h('th', {}, 'URL'), h('th', {}, 'Events'), h('th', {}, 'State'), h('th', {}, ''))),
      h('tbody', {}, ...items.map((e) => h('tr', {'data-endpoint': e.id},
        h('td', {'data-label': 'URL'}, h('code', {}, e.url)),
        h('td', {'data-label': 'Events'}, e.events.join(', ')),
        h('td', {'data-label': 'State'}, e.disabled
          ? h('span', {class: 'badge badge-cancelled', title: e.disabledReason ?? ''}, 'Disabled (answered 410)')
          : h('span', {class: 'badge badge-paid'}, 'Active')),
        h('td', {'data-label': ''}, h('div', {class: 'actions'},
          e.disabled ? h('button', {type: 'button', class: 'button-secondary endpoint-enable', onclick: () =>
            act(() => post(`/api/v1/webhook-endpoints/${encodeURIComponent(e.id)}/enable`), 'Endpoint re-enabled.')},
          'Re-enable') : null,
          h('button', {type: 'button', class: 'button-secondary endpoint-rotate', onclick: () => act(async () => {
            const {secret} = await post(`/api/v1/webhook-endpoints/${encodeURIComponent(e.id)}/rotate-secret`);
            await showSecret('New endpoint secret',
              'Deliveries to this endpoint are signed with this secret and, for 24 hours, also with the previous one.',
              secret);
          }, 'Endpoint secret rotated.')}, 'Rotate secret'),
          h('button', {type: 'button', class: 'button-danger endpoint-delete', onclick: () =>
            act(() => del(`/api/v1/webhook-endpoints/${encodeURIComponent(e.id)}`), 'Endpoint deleted.')},
          'Delete')))))))));
  }

  onSubmit(form, async (data) => {
    const url = String(data.get('url') ?? '').trim();
    const events = data.getAll('events').map(String);
    const errors = [];
    try {
      if (!['http:', 'https:'].includes(new URL(url).protocol)) throw new Error();
    } catch {
      errors.push({field: 'url', message: 'Enter a full http(s):// URL.'});
    }
    if (events.length === 0) errors.push({field: 'events', message: 'Choose at least one event, or all.'});
    if (errors.length) throw new ApiError(400, {detail: 'Please correct the marked fields.', errors});
    const created = await post('/api/v1/webhook-endpoints', {url, events});
    form.querySelector('input[type=url]').value = '';
    status.textContent = 'Endpoint added.';
    await showSecret('Endpoint secret', 'Verify the deliveries to this endpoint with this secret. It is shown only now.',
      created.secret);
    await load();
  });
  load();
  return h('section', {class: 'card', 'aria-labelledby': 'endpoints-title'},
    h('h2', {id: 'endpoints-title'}, 'Webhook endpoints'), list, form, status);
}

function apiKeySection() {
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const confirmBox = h('div', {class: 'confirm', hidden: true},
    h('p', {}, 'The current key stops working at once. Every server that uses it needs the new key.'),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'button-danger', id: 'confirm-rotate-api-key', onclick: async (event) => {
        event.target.disabled = true;
        try {
          const {apiKey} = await post('/api/v1/api-keys/rotate');
          session.apiKey = apiKey;
          confirmBox.hidden = true;
          await showSecret('Your new API key', 'The previous key no longer works.', apiKey);
          status.textContent = 'API key rotated.';
        } catch (e) {
          status.textContent = e.message;
        } finally {
          event.target.disabled = false;
        }
      }}, 'Rotate now'),
      h('button', {type: 'button', class: 'button-secondary', onclick: () => { confirmBox.hidden = true; }}, 'Keep the current key')));
  return h('section', {class: 'card', 'aria-labelledby': 'api-key-title'},
    h('h2', {id: 'api-key-title'}, 'API key'),
    h('p', {class: 'hint'}, 'Only a hash of your key is stored; a lost key cannot be shown again, only replaced.'),
    h('div', {class: 'actions'},
      h('button', {type: 'button', id: 'rotate-api-key', onclick: () => {
        confirmBox.hidden = false;
        confirmBox.querySelector('button').focus();
      }}, 'Rotate API key')),
    confirmBox, status,
    h('h3', {}, 'Test API key'),
    h('p', {class: 'hint'}, 'Invoices created with the test key are test invoices: never paid by a chain, paid by '
      + 'simulated transfers, shown with the Test mode switch. A new test key replaces the previous one.'),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'button-secondary', id: 'create-test-api-key', onclick: async (event) => {
        event.target.disabled = true;
        try {
          const {apiKey} = await post('/api/v1/api-keys/test');
          await showSecret('Your test API key', 'Use it to create test invoices and simulate their payments.', apiKey);
          status.textContent = 'Test API key created.';
        } catch (e) {
          status.textContent = e.message;
        } finally {
          event.target.disabled = false;
        }
      }}, 'Create a test API key')));
}

function passwordSection() {
  const status = h('p', {class: 'hint', role: 'status', 'aria-live': 'polite'});
  const form = h('form', {novalidate: true},
    formAlert(),
    field({id: 'current-password', label: 'Current password', type: 'password', autocomplete: 'current-password',
      required: true, maxlength: 128}),
    field({id: 'new-password', label: 'New password', type: 'password', autocomplete: 'new-password', required: true,
      minlength: 12, maxlength: 128, hint: 'Between 12 and 128 characters. Your other sessions are logged out.'}),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Change password')),
    status);
  form.querySelector('#current-password').name = 'currentPassword';
  form.querySelector('#new-password').name = 'newPassword';
  onSubmit(form, async (data) => {
    status.textContent = '';
    const currentPassword = String(data.get('currentPassword'));
    const newPassword = String(data.get('newPassword'));
    const missing = [];
    if (!currentPassword) missing.push({field: 'currentPassword', message: 'Enter your current password.'});
    if (newPassword.length < 12 || newPassword.length > 128) {
      missing.push({field: 'newPassword', message: 'Use between 12 and 128 characters.'});
    }
    if (missing.length) throw new ApiError(400, {detail: 'Please correct the marked fields.', errors: missing});
    await post('/api/v1/auth/password', {currentPassword, newPassword});
    form.reset();
    status.textContent = 'Password changed. Every other session has been logged out.';
  });
  return h('section', {class: 'card', 'aria-labelledby': 'password-title'},
    h('h2', {id: 'password-title'}, 'Password'), form);
}

// ---------------------------------------------------------------- unmatched transfers

const TRANSFER_STATES = [
  {id: 'open', name: 'Open: waiting for you'},
  {id: 'attached', name: 'Attached to an invoice'},
  {id: 'dismissed', name: 'Dismissed'},
];

function transferKey(t) {
  return `${t.chain}:${t.txHash}:${t.logIndex}`;
}

/** The invoices a transfer may be meant for: its tolerance candidates and the invoices payers claimed it for. */
function suggestedInvoices(t) {
  const suggested = new Map();
  for (const id of t.candidates ?? []) suggested.set(id, ['within tolerance']);
  for (const claim of t.claims ?? []) {
    const reasons = suggested.get(claim.invoiceId) ?? [];
    reasons.push('claimed by the payer');
    suggested.set(claim.invoiceId, reasons);
  }
  return [...suggested.entries()].map(([id, reasons]) => ({id, reasons}));
}

function unmatchedView() {
  const filters = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter transfers'},
    field({id: 'unmatched-state', label: 'State', tag: 'select', options: TRANSFER_STATES.map((s) =>
      h('option', {value: s.id}, s.name))}),
    field({id: 'unmatched-chain', label: 'Chain', tag: 'select', options: [
      h('option', {value: ''}, 'Any'), ...CHAINS.map((c) => h('option', {value: c.id}, c.name))]}),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Apply')));
  const table = h('div', {class: 'table-wrap', 'aria-live': 'polite'});
  const pager = h('nav', {class: 'pager', 'aria-label': 'Transfer pages'});
  const panel = h('section', {class: 'card resolve-panel', id: 'resolve-panel', 'aria-labelledby': 'resolve-title',
    tabindex: '-1', hidden: true});
  const outcome = h('p', {class: 'hint', id: 'resolve-outcome', role: 'status', 'aria-live': 'polite'});
  view('Unmatched transfers',
    h('section', {class: 'card'},
      h('p', {class: 'hint'}, 'Final token transfers to your wallets that paid no invoice: a wrong amount, '
        + 'a payment after the late-payment window, or money sent without an invoice. Attach each to the invoice it '
        + 'pays, or dismiss it with a note (for example after refunding the payer).'),
      filters, outcome, table, pager),
    panel);
  const cursors = [null];
  let page = 0;
  // Resolved from this page: the listing is a few seconds behind, so they are left out of the open list.
  const resolvedHere = new Set();

  function closePanel() {
    panel.hidden = true;
    replace(panel);
  }

  /** Step 1: choose the invoice; step 2: confirm. */
  function attachPanel(t) {
    const suggested = suggestedInvoices(t);
    const form = h('form', {novalidate: true, id: 'attach-form'},
      formAlert(),
      suggested.length === 0
        ? h('p', {class: 'hint'}, 'No invoice is suggested for this transfer: enter the invoice id.')
        : h('fieldset', {class: 'choices'}, h('legend', {}, 'Suggested invoices'),
          suggested.map((s, i) => h('label', {class: 'choice'},
            h('input', {type: 'radio', name: 'choice', value: s.id, checked: i === 0}),
            ' ', h('code', {}, s.id), ' ', h('span', {class: 'hint'}, `(${s.reasons.join(', ')})`), ' ',
            h('a', {href: `#/invoices/${s.id}`, target: '_blank', rel: 'noopener'}, 'view')))),
      suggested.length === 0 ? null : h('label', {class: 'choice'},
        h('input', {type: 'radio', name: 'choice', value: 'other'}), ' Another invoice'),
      field({id: 'attach-invoice-id', label: 'Invoice id', autocomplete: 'off', spellcheck: 'false',
        placeholder: '00000000-0000-0000-0000-000000000000',
        hint: 'The invoice must be yours, on the same chain and wallet.'}),
      h('div', {class: 'actions'},
        h('button', {type: 'submit', id: 'attach-continue'}, 'Continue'),
        h('button', {type: 'button', class: 'button-secondary', onclick: closePanel}, 'Cancel')));
    const idInput = form.querySelector('#attach-invoice-id');
    idInput.name = 'invoiceId';
    idInput.addEventListener('input', () => {
      const other = form.querySelector('input[name=choice][value=other]');
      if (other && idInput.value.trim()) other.checked = true;
    });
    onSubmit(form, async (data) => {
      const choice = data.get('choice');
      const invoiceId = (!choice || choice === 'other') ? idInput.value.trim().toLowerCase() : String(choice);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(invoiceId)) {
        throw new ApiError(400, {errors: [{field: 'invoiceId', message: 'Enter an invoice id (a UUID).'}]});
      }
      confirmStep(t, `Credit ${t.amount} ${t.token ?? 'USDT'} from transaction ${t.txHash} to invoice ${invoiceId}? `
        + 'The invoice is paid, partially paid or marked overpaid accordingly; this cannot be undone.',
      'Attach now', 'confirm-attach', async () => {
        const invoice = await post('/api/v1/unmatched-transfers/attach',
          {chain: t.chain, txHash: t.txHash, logIndex: t.logIndex, invoiceId});
        return `Attached: invoice ${invoice.id} is now ${invoice.status} (${invoice.amountPaid} USDT paid).`;
      }, () => attachPanel(t));
    });
    openPanel('Attach a transfer to an invoice', t, form);
  }

  function dismissPanel(t) {
    const form = h('form', {novalidate: true, id: 'dismiss-form'},
      formAlert(),
      field({id: 'dismiss-note', label: 'Note', tag: 'textarea', maxlength: 500, rows: 3,
        hint: 'Why it is closed, for your records: for example "refunded to the payer". At most 500 characters.'}),
      h('div', {class: 'actions'},
        h('button', {type: 'submit', id: 'dismiss-continue'}, 'Continue'),
        h('button', {type: 'button', class: 'button-secondary', onclick: closePanel}, 'Cancel')));
    const note = form.querySelector('#dismiss-note');
    note.name = 'note';
    onSubmit(form, async () => {
      const text = note.value.trim();
      if (!text) throw new ApiError(400, {errors: [{field: 'note', message: 'Write a short note.'}]});
      if (text.length > 500) throw new ApiError(400, {errors: [{field: 'note', message: 'At most 500 characters.'}]});
      confirmStep(t, `Dismiss ${t.amount} USDT from transaction ${t.txHash}? It will not be credited to any invoice. `
        + `Note: "${text}".`, 'Dismiss now', 'confirm-dismiss', async () => {
        await post('/api/v1/unmatched-transfers/dismiss',
          {chain: t.chain, txHash: t.txHash, logIndex: t.logIndex, note: text});
        return 'Dismissed: the transfer is listed under "Dismissed".';
      }, () => dismissPanel(t));
    });
    openPanel('Dismiss a transfer', t, form);
  }

  function openPanel(title, t, body) {
    replace(panel,
      h('h2', {id: 'resolve-title'}, title),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Transfer'), h('dd', {}, h('code', {class: 'hash'}, `${t.txHash}#${t.logIndex}`)),
        h('dt', {}, 'Amount'), h('dd', {}, `${t.amount} ${t.token ?? 'USDT'} on ${t.chain}`),
        h('dt', {}, 'From'), h('dd', {}, h('code', {class: 'address'}, t.from))),
      body);
    panel.hidden = false;
    panel.dataset.transfer = transferKey(t);
    panel.focus();
  }

  function confirmStep(t, question, actionLabel, actionId, action, back) {
    const alert = formAlert();
    const box = h('div', {class: 'confirm', id: 'resolve-confirm'},
      alert,
      h('p', {}, question),
      h('div', {class: 'actions'},
        h('button', {type: 'button', id: actionId, onclick: async (event) => {
          event.target.disabled = true;
          alert.hidden = true;
          try {
            const said = await action();
            resolvedHere.add(transferKey(t));
            closePanel();
            outcome.textContent = said;
            load();
          } catch (e) {
            alert.textContent = e.message + (e.fieldErrors ?? []).map((f) => ` ${f.field}: ${f.message}`).join('');
            alert.hidden = false;
            alert.focus();
            event.target.disabled = false;
          }
        }}, actionLabel),
        h('button', {type: 'button', class: 'button-secondary', onclick: back}, 'Go back')));
    const heading = panel.querySelector('h2');
    const facts = panel.querySelector('dl');
    replace(panel, heading, facts, box);
    box.querySelector('button').focus();
  }

  function claimsCell(t) {
    const claims = t.claims ?? [];
    const candidates = t.candidates ?? [];
    if (claims.length === 0 && candidates.length === 0) return '—';
    return h('ul', {class: 'plain-list'},
      candidates.map((id) => h('li', {}, 'Candidate ', h('a', {href: `#/invoices/${id}`}, h('code', {}, id)))),
      claims.map((c) => h('li', {class: 'claim-item'}, 'Claimed for ', h('a', {href: `#/invoices/${c.invoiceId}`},
        h('code', {}, c.invoiceId)), ' ', time(c.at))));
  }

  function resolutionCell(t) {
    if (t.state === 'attached') {
      return h('span', {}, 'Attached to ', h('a', {href: `#/invoices/${t.invoiceId}`}, h('code', {}, t.invoiceId ?? '')),
        t.resolvedAt ? [' ', time(t.resolvedAt)] : null);
    }
    if (t.state === 'dismissed') {
      return h('span', {}, 'Dismissed', t.resolvedAt ? [' ', time(t.resolvedAt)] : null,
        t.note ? [h('br'), h('q', {class: 'note'}, t.note)] : null);
    }
    return h('div', {class: 'actions row-actions'},
      h('button', {type: 'button', class: 'attach-button', onclick: () => attachPanel(t)}, 'Attach…'),
      h('button', {type: 'button', class: 'button-secondary dismiss-button', onclick: () => dismissPanel(t)},
        'Dismiss…'));
  }

  async function load() {
    const state = filters.querySelector('#unmatched-state').value;
    const chain = filters.querySelector('#unmatched-chain').value;
    let result;
    try {
      result = await get(`/api/v1/unmatched-transfers${query({state, chain, limit: PAGE_SIZE, cursor: cursors[page]})}`);
    } catch (e) {
      replace(table, notice(e.message, 'error'));
      return;
    }
    cursors[page + 1] = result.nextCursor ?? undefined;
    const items = result.items.filter((t) => !(t.state === 'open' && resolvedHere.has(transferKey(t))));
    replace(table, items.length === 0
      ? h('p', {class: 'empty'}, state === 'open' ? 'No transfer is waiting for you.' : 'No transfers in this state.')
      : stackable(h('table', {},
        h('thead', {}, h('tr', {}, ['Chain', 'Amount', 'From', 'To', 'Transaction', 'Block', 'Seen',
          'Candidates and claims', state === 'open' ? 'Resolve' : 'Resolution']
          .map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, items.map((t) => h('tr', {dataset: {transfer: transferKey(t)}},
          h('td', {}, t.chain),
          h('td', {class: 'num'}, `${t.amount} ${t.token ?? 'USDT'}`),
          h('td', {}, h('code', {class: 'address'}, t.from)),
          h('td', {}, h('code', {class: 'address'}, t.to)),
          h('td', {}, h('code', {class: 'hash'}, `${t.txHash}#${t.logIndex}`)),
          h('td', {class: 'num'}, t.blockNumber),
          h('td', {}, time(t.seenAt)),
          h('td', {}, claimsCell(t)),
          h('td', {}, resolutionCell(t))))))));
    replace(pager,
      h('button', {type: 'button', class: 'button-secondary', disabled: page === 0,
        onclick: () => { page -= 1; load(); }}, 'Previous'),
      h('span', {}, `Page ${page + 1}`),
      h('button', {type: 'button', class: 'button-secondary', disabled: !result.nextCursor,
        onclick: () => { page += 1; load(); }}, 'Next'));
  }
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    cursors.length = 1;
    page = 0;
    closePanel();
    load();
  });
  load();
}

window.addEventListener('hashchange', route);
route();
