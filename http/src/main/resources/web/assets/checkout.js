// The payer's page: copy buttons, the countdown to expiry and live status by polling the public
// invoice endpoint, and the claim form ("paid but not shown?"). Everything the payer must know is
// already in the server-rendered HTML; this script keeps it current (a partial credit gives the
// invoice a new payAmount and QR code) and sends claims. Its words come from the page (data-strings,
// in the payer's language); numbers it writes are formatted for that language, amounts never are.
import {copyText} from './dom.js';

const page = document.getElementById('checkout');
const invoiceId = page.dataset.invoiceId;
const expiresAt = new Date(page.dataset.expiresAt);
const OPEN = new Set(['PENDING', 'CONFIRMING', 'PARTIALLY_PAID']);
// once the invoice is over, the payer may go back to the shop (if the merchant gave a redirectUrl)
const RETURNS = new Set(['PAID', 'EXPIRED', 'CANCELLED']);
const POLL_OPEN_MS = 3000;
const POLL_CLOSED_MS = 15000;

let status = page.dataset.status;
let paidLate = page.dataset.paidLate === 'true';
let payAmount = page.dataset.payAmount;
const T = JSON.parse(page.dataset.strings);
const integer = new Intl.NumberFormat(T.lang, {maximumFractionDigits: 0});
const twoDigits = new Intl.NumberFormat(T.lang, {minimumIntegerDigits: 2, useGrouping: false});

/** The string `key` with each {name} replaced by vars[name]. */
function t(key, vars = {}) {
  return (T[key] ?? key).replace(/\{(\w+)}/g, (marker, name) => (name in vars ? String(vars[name]) : marker));
}

function setUpCopyButtons() {
  const feedback = document.getElementById('copy-feedback');
  for (const button of document.querySelectorAll('.copy-button')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const ok = await copyText(button.dataset.copy);
      feedback.textContent = ok
        ? t(`copied.${button.dataset.copyLabel}`)
        : t(`copyFailed.${button.dataset.copyLabel}`);
      button.classList.toggle('copied', ok);
      setTimeout(() => button.classList.remove('copied'), 2000);
    });
  }
}

function updateCountdown() {
  const left = document.getElementById('countdown-left');
  if (!OPEN.has(status)) {
    left.textContent = '';
    return;
  }
  const ms = expiresAt.getTime() - Date.now();
  if (ms <= 0) {
    left.textContent = ` ${t('timeUp')}`;
    return;
  }
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const text = hours > 0
    ? `${integer.format(hours)}:${twoDigits.format(minutes)}:${twoDigits.format(seconds)}`
    : `${integer.format(minutes)}:${twoDigits.format(seconds)}`;
  left.textContent = ` ${t('left', {time: text})}`;
}

function displayState(invoice) {
  const late = invoice.paidLate === true || (invoice.paidLate === undefined && paidLate);
  return invoice.status === 'PAID' && late ? 'PAID_LATE' : invoice.status;
}

/** A partial credit gives the invoice a new payAmount: every place that shows it, and the QR code. */
function showPayAmount(invoice) {
  if (!invoice.payAmount || invoice.payAmount === payAmount) return;
  payAmount = invoice.payAmount;
  page.dataset.payAmount = payAmount;
  for (const el of document.querySelectorAll('.pay-amount-text')) el.textContent = payAmount;
  const copyAmount = document.querySelector('.copy-button[data-copy-label="amount"]');
  if (copyAmount) copyAmount.dataset.copy = payAmount;
  document.getElementById('qr').src = `/pay/${invoiceId}/qr.png?amount=${encodeURIComponent(payAmount)}`;
  document.title = t('title', {amount: payAmount, network: document.getElementById('network').textContent});
}

function render(invoice) {
  status = invoice.status;
  if (invoice.paidLate !== undefined) paidLate = invoice.paidLate === true;
  showPayAmount(invoice);
  if (invoice.amountPaid !== undefined) document.getElementById('amount-paid').textContent = invoice.amountPaid;
  document.getElementById('claim').hidden = status === 'PAID';
  page.dataset.status = status;
  const state = displayState(invoice);
  const section = document.getElementById('status');
  section.className = `status status-${state.toLowerCase().replace('_', '-')}`;
  for (const message of section.querySelectorAll('.status-message')) {
    message.hidden = message.dataset.for !== state;
  }
  const progress = document.getElementById('confirmations');
  const required = invoice.requiredConfirmations;
  const done = state.startsWith('PAID') ? required : Math.min(invoice.confirmations, required);
  progress.max = required;
  progress.value = done;
  const of = t('confirmationsOf', {done: integer.format(done), required: integer.format(required)});
  progress.textContent = of;
  document.getElementById('confirmations-text').textContent = of;
  document.getElementById('progress').hidden = !(status === 'CONFIRMING' || status === 'PAID');
  document.getElementById('pay-details').hidden = !OPEN.has(status);
  if (!OPEN.has(status)) document.getElementById('copy-feedback').textContent = '';
  const back = document.getElementById('return');
  back.hidden = !(back.dataset.url && RETURNS.has(status));
  updateCountdown();
}

async function poll() {
  let next = OPEN.has(status) ? POLL_OPEN_MS : POLL_CLOSED_MS;
  try {
    const response = await fetch(`/api/v1/public/invoices/${invoiceId}`, {
      headers: {Accept: 'application/json'},
      cache: 'no-store',
    });
    if (response.ok) {
      render(await response.json());
      next = OPEN.has(status) ? POLL_OPEN_MS : POLL_CLOSED_MS;
    } else if (response.status === 429) {
      next = Math.max(next, 1000 * Number(response.headers.get('Retry-After') || 5));
    }
  } catch {
    // offline for a moment: try again later
  }
  if (status !== 'PAID') setTimeout(poll, next);
}

// ---- the claim form: the node reads the transaction from the chain and answers in words

const HASH_FORMS = {
  TRON: {pattern: /^[0-9a-fA-F]{64}$/, hint: t('hash.tron')},
  EVM: {pattern: /^0[xX][0-9a-fA-F]{64}$/, hint: t('hash.evm')},
};
// The node's own explanations (problem details) are in English: other languages show their own words.
const ENGLISH = T.lang === 'en';

function hashForm() {
  return document.getElementById('network').textContent.startsWith('Tron') ? HASH_FORMS.TRON : HASH_FORMS.EVM;
}

function showClaimResult(kind, text) {
  const result = document.getElementById('claim-result');
  result.className = `claim-result claim-${kind}`;
  result.textContent = text;
  result.hidden = false;
}

function setClaimFieldError(message) {
  const input = document.getElementById('claim-tx-hash');
  const error = document.getElementById('claim-tx-hash-error');
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  error.textContent = message ?? '';
  error.hidden = !message;
  if (message) input.focus();
}

function retryText(response) {
  const seconds = Number(response.headers.get('Retry-After') || 0);
  return seconds > 0
    ? ` ${t(seconds === 1 ? 'retryIn.one' : 'retryIn.other', {seconds: integer.format(seconds)})}`
    : ` ${t('retrySoon')}`;
}

async function sendClaim(event) {
  event.preventDefault();
  const input = document.getElementById('claim-tx-hash');
  const button = document.getElementById('claim-submit');
  const txHash = input.value.trim();
  document.getElementById('claim-result').hidden = true;
  if (!hashForm().pattern.test(txHash)) {
    setClaimFieldError(hashForm().hint);
    return;
  }
  setClaimFieldError(null);
  button.disabled = true;
  showClaimResult('pending', t('claim.pending'));
  try {
    const response = await fetch(`/api/v1/public/invoices/${invoiceId}/claims`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', Accept: 'application/json, application/problem+json'},
      body: JSON.stringify({txHash}),
      cache: 'no-store',
    });
    let body = {};
    try {
      body = await response.json();
    } catch {
      body = {};
    }
    if (response.status === 202 && body.status === 'CREDITED') {
      showClaimResult('credited', t('claim.credited'));
      setTimeout(poll, 0);
    } else if (response.status === 202) {
      showClaimResult('recorded', t('claim.recorded'));
    } else if (response.status === 400) {
      const error = (body.errors ?? []).find((e) => e.field === 'txHash');
      if (ENGLISH) {
        setClaimFieldError(error ? `The transaction hash ${error.message}.` : (body.detail ?? t('claim.checkHash')));
      } else {
        setClaimFieldError(hashForm().hint);
      }
      document.getElementById('claim-result').hidden = true;
    } else if (response.status === 422) {
      showClaimResult('refused', (ENGLISH && body.detail) || t('claim.refused'));
    } else if (response.status === 429) {
      showClaimResult('refused', `${t('claim.tooMany')}${retryText(response)}`);
    } else if (response.status === 503) {
      showClaimResult('refused', `${t('claim.unavailable')}${retryText(response)}`);
    } else {
      showClaimResult('refused', (ENGLISH && body.detail) || t('claim.failed', {status: response.status}));
    }
  } catch {
    showClaimResult('refused', t('claim.offline'));
  } finally {
    button.disabled = false;
  }
}

document.getElementById('claim-form').addEventListener('submit', sendClaim);
setUpCopyButtons();
updateCountdown();
setInterval(updateCountdown, 1000);
if (status !== 'PAID') setTimeout(poll, POLL_OPEN_MS);
