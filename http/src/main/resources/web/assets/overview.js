// The dashboard's landing page: totals for today, 7 and 30 days from GET /api/v1/stats, a chart of
// the paid amount and paid count per day drawn here as SVG (no library, nothing from elsewhere: the
// pages' CSP allows only this origin's scripts), and "needs you" cards linking to what waits for
// the merchant. Every value goes in as text (dom.js).
import {get, query} from './api.js';
import {h, replace} from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY_MS = 86400000;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

/** UTC midnight of today minus `days`, as the API's date form (2026-12-01). */
function utcDate(days) {
  const today = new Date();
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return new Date(midnight - days * DAY_MS).toISOString().slice(0, 10);
}

/** Exact sum of decimal strings (amounts keep their digits: no floating point). */
function addDecimal(a, b) {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const total = BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  const digits = total.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The paid amounts of a total, one line per chain and token, or "0". */
function amounts(list) {
  if (!list.length) return h('span', {class: 'amount-line'}, '0');
  return list.map((a) => h('span', {class: 'amount-line'}, `${a.amount} ${a.token} `,
    h('span', {class: 'hint'}, `on ${a.chain}`)));
}

function totalsCard(title, totals, id) {
  return h('section', {class: 'card stat-card', 'aria-labelledby': `${id}-title`, id},
    h('h2', {id: `${id}-title`}, title),
    h('dl', {class: 'stat-list'},
      h('dt', {}, 'Paid'), h('dd', {class: 'stat-paid-amount'}, amounts(totals.paidAmount)),
      h('dt', {}, 'Invoices paid'), h('dd', {class: 'stat-paid'}, String(totals.paid)),
      h('dt', {}, 'Invoices created'), h('dd', {class: 'stat-created'}, String(totals.created)),
      h('dt', {}, 'Expired'), h('dd', {}, String(totals.expired)),
      h('dt', {}, 'Cancelled'), h('dd', {}, String(totals.cancelled))));
}

/**
 * Paid amount (bars, all chains and tokens together) and paid count (line) per day, each on its own
 * scale; every bar carries its exact figures as a tooltip, and a table below gives them as text.
 */
function chart(series) {
  const width = 720;
  const height = 240;
  const pad = {left: 56, right: 40, top: 16, bottom: 28};
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const paid = series.map((p) => p.paidAmount.reduce((sum, a) => addDecimal(sum, a.amount), '0'));
  const maxAmount = Math.max(1, ...paid.map(Number));
  const maxCount = Math.max(1, ...series.map((p) => p.paid));
  const step = plotW / series.length;
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', id: 'paid-chart',
    'aria-labelledby': 'chart-title chart-desc'},
  s('title', {id: 'chart-title'}, 'Paid amount and paid invoices per day, last 30 days'),
  s('desc', {id: 'chart-desc'}, 'Bars: amount paid per day (left scale). Line: invoices paid per day (right scale).'));
  for (const fraction of [0, 0.5, 1]) {
    const y = pad.top + plotH * (1 - fraction);
    svg.append(s('line', {x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'chart-grid'}));
    svg.append(s('text', {x: pad.left - 6, y: y + 4, 'text-anchor': 'end', class: 'chart-axis'},
      formatShort(maxAmount * fraction)));
    svg.append(s('text', {x: width - pad.right + 6, y: y + 4, class: 'chart-axis'},
      String(Math.round(maxCount * fraction))));
  }
  series.forEach((point, i) => {
    const barH = (Number(paid[i]) / maxAmount) * plotH;
    const x = pad.left + i * step + step * 0.15;
    svg.append(s('rect', {x, y: pad.top + plotH - barH, width: step * 0.7, height: Math.max(barH, 0),
      class: 'chart-bar', 'data-day': point.at.slice(0, 10)},
    s('title', {}, `${point.at.slice(0, 10)}: ${paid[i]} paid, ${point.paid} invoice${point.paid === 1 ? '' : 's'}`)));
    if (i % 7 === series.length % 7 || i === series.length - 1) {
      svg.append(s('text', {x: x + step * 0.35, y: height - 8, 'text-anchor': 'middle', class: 'chart-axis'},
        point.at.slice(5, 10)));
    }
  });
  const line = series.map((p, i) => `${pad.left + i * step + step / 2},${pad.top + plotH - (p.paid / maxCount) * plotH}`);
  svg.append(s('polyline', {points: line.join(' '), class: 'chart-line'}));
  return svg;
}

function formatShort(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n * 100) / 100);
}

function needsCard(id, count, text, href, linkText) {
  return h('a', {class: `card needs-card${count > 0 ? ' needs-attention' : ''}`, href, id},
    h('span', {class: 'needs-count'}, String(count)), h('span', {}, text), h('span', {class: 'hint'}, linkText));
}

/** Renders the overview into `main`; returns a function that stops its refresh. */
export async function overviewView(main) {
  document.title = 'Overview · Stablegate';
  replace(main, h('h1', {}, 'Overview'), h('p', {class: 'loading'}, 'Loading…'));
  const tomorrow = utcDate(-1);
  const range = (days) => `/api/v1/stats${query({from: utcDate(days - 1), to: tomorrow, granularity: 'day'})}`;
  const [today, week, month, endpoints, partial] = await Promise.all([
    get(range(1)), get(range(7)), get(range(30)),
    get('/api/v1/webhook-endpoints').catch(() => ({items: []})),
    get(`/api/v1/invoices${query({status: 'PARTIALLY_PAID', limit: 100})}`),
  ]);
  const disabled = endpoints.items.filter((e) => e.disabled).length;
  const partialCount = partial.items.length;
  replace(main,
    h('h1', {}, 'Overview'),
    h('section', {class: 'needs-you', 'aria-labelledby': 'needs-title'},
      h('h2', {id: 'needs-title'}, 'Needs you'),
      h('div', {class: 'needs-grid'},
        needsCard('needs-unmatched', month.totals.unmatchedOpen,
          'open unmatched transfers (30 days)', '#/unmatched', 'Attach or dismiss them →'),
        needsCard('needs-webhooks', month.totals.webhookFailures + disabled,
          `webhook deliveries that gave up (30 days)${disabled ? `, ${disabled} endpoint${disabled === 1 ? '' : 's'} disabled` : ''}`,
          '#/settings', 'Check your webhook endpoints →'),
        needsCard('needs-partial', partialCount,
          `invoice${partialCount === 1 ? '' : 's'} partially paid${partial.nextCursor ? ' (at least)' : ''}`,
          '#/invoices?status=PARTIALLY_PAID', 'See what is still due →'))),
    h('div', {class: 'stat-grid'},
      totalsCard('Today (UTC)', today.totals, 'stats-today'),
      totalsCard('Last 7 days', week.totals, 'stats-7d'),
      totalsCard('Last 30 days', month.totals, 'stats-30d')),
    h('section', {class: 'card', 'aria-labelledby': 'chart-heading'},
      h('h2', {id: 'chart-heading'}, 'Paid per day'),
      h('p', {class: 'hint'}, 'Bars: amount paid (all chains and tokens). Line: invoices paid. Days in UTC, '
        + 'invoices counted on the day they were created.'),
      h('div', {class: 'chart-wrap'}, chart(month.series))));
  return () => {};
}
