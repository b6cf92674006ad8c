// The payer's page: copy buttons, the countdown to expiry and live status by polling the public
// invoice endpoint, and the claim form ("paid but not shown?"). Everything the payer must know is
// already in the server-rendered HTML; this script keeps it current (a partial credit gives the
// invoice a new payAmount and QR code) and sends claims.
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

function setUpCopyButtons() {
  const feedback = document.getElementById('copy-feedback');
  for (const button of document.querySelectorAll('.copy-button')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const ok = await copyText(button.dataset.copy);
      feedback.textContent = ok
        ? `The ${button.dataset.copyLabel} is copied.`
        : `Copying failed: select the ${button.dataset.copyLabel} and copy it by hand.`;
      button.classList.toggle('copied', ok);
      setTimeout(() => button.classList.remove('copied'), 2000);
    });
  }
}

function twoDigits(n) {
  return String(n).padStart(2, '0');
}

function updateCountdown() {
  const left = document.getElementById('countdown-left');
  if (!OPEN.has(status)) {
    left.textContent = '';
    return;
  }
  const ms = expiresAt.getTime() - Date.now();
  if (ms <= 0) {
    left.textContent = ' (time is up)';
    return;
  }
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const text = hours > 0 ? `${hours}:${twoDigits(minutes)}:${twoDigits(seconds)}` : `${minutes}:${twoDigits(seconds)}`;
  left.textContent = ` (${text} left)`;
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
  document.title = `Pay ${payAmount} USDT on ${document.getElementById('network').textContent}`;
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
  progress.textContent = `${done} of ${required}`;
  document.getElementById('confirmations-text').textContent = `${done} of ${required}`;
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
  TRON: {pattern: /^[0-9a-fA-F]{64}$/, hint: 'A Tron transaction id is 64 hexadecimal characters.'},
  EVM: {pattern: /^0[xX][0-9a-fA-F]{64}$/, hint: 'A transaction hash is 0x followed by 64 hexadecimal characters.'},
};

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
  return seconds > 0 ? ` Try again in ${seconds} second${seconds === 1 ? '' : 's'}.` : ' Try again shortly.';
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
  showClaimResult('pending', 'Looking your transaction up on the network…');
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
      showClaimResult('credited', 'This transaction already pays this invoice: it is credited. '
        + 'The status above turns to paid once the network has confirmed it.');
      setTimeout(poll, 0);
    } else if (response.status === 202) {
      showClaimResult('recorded', 'Thank you: your transaction is recorded and waiting for the merchant, '
        + 'who will check it and credit this invoice. You can close this page.');
    } else if (response.status === 400) {
      const error = (body.errors ?? []).find((e) => e.field === 'txHash');
      setClaimFieldError(error ? `The transaction hash ${error.message}.` : (body.detail ?? 'Check the transaction hash.'));
      document.getElementById('claim-result').hidden = true;
    } else if (response.status === 422) {
      showClaimResult('refused', body.detail ?? 'This transaction cannot pay this invoice.');
    } else if (response.status === 429) {
      showClaimResult('refused', `Too many attempts.${retryText(response)}`);
    } else if (response.status === 503) {
      showClaimResult('refused', `The network cannot be checked right now.${retryText(response)}`);
    } else {
      showClaimResult('refused', body.detail ?? `The claim could not be sent (HTTP ${response.status}).`);
    }
  } catch {
    showClaimResult('refused', 'The server cannot be reached. Check your connection and try again.');
  } finally {
    button.disabled = false;
  }
}

document.getElementById('claim-form').addEventListener('submit', sendClaim);
setUpCopyButtons();
updateCountdown();
setInterval(updateCountdown, 1000);
if (status !== 'PAID') setTimeout(poll, POLL_OPEN_MS);
