// The payer's page: copy buttons, the countdown to expiry and live status by polling the public
// invoice endpoint. Everything the payer must know is already in the server-rendered HTML; this
// script only keeps it current.
import {copyText} from './dom.js';

const page = document.getElementById('checkout');
const invoiceId = page.dataset.invoiceId;
const expiresAt = new Date(page.dataset.expiresAt);
const OPEN = new Set(['PENDING', 'CONFIRMING']);
// once the invoice is over, the payer may go back to the shop (if the merchant gave a redirectUrl)
const RETURNS = new Set(['PAID', 'EXPIRED', 'CANCELLED']);
const POLL_OPEN_MS = 3000;
const POLL_CLOSED_MS = 15000;

let status = page.dataset.status;
let paidLate = page.dataset.paidLate === 'true';

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

function render(invoice) {
  status = invoice.status;
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

setUpCopyButtons();
updateCountdown();
setInterval(updateCountdown, 1000);
if (status !== 'PAID') setTimeout(poll, POLL_OPEN_MS);
