// Export of what the board shows: the periodic report of the plan on screen for a chosen period,
// as the annex (XLSX), CSV or the report document (DOCX), from GET /api/v1/reports/periodic.
// A module of its own so that app.js only tells it which plan is shown (renderExport).
import { periodOfKey } from './lib/vietnamese-format.js';

const TEXT = {
  vi: {
    heading: 'Xuất báo cáo', cadence: 'Loại kỳ', period: 'Kỳ báo cáo',
    xlsx: 'Phụ lục (XLSX)', csv: 'Bảng (CSV)', docx: 'Văn bản báo cáo (DOCX)',
    cadence_: { monthly: 'Tháng', quarterly: 'Quý', 'half-yearly': '6 tháng', annual: 'Năm' },
    periodOf: periodOfKey,
    making: (what, period) => `Đang lập ${what} ${period}…`,
    done: (what, period) => `Đã tải ${what} ${period}.`,
    what: { xlsx: 'phụ lục', csv: 'bảng CSV', docx: 'văn bản báo cáo' },
  },
  en: {
    heading: 'Export the report', cadence: 'Period type', period: 'Report period',
    xlsx: 'Annex (XLSX)', csv: 'Table (CSV)', docx: 'Report document (DOCX)',
    cadence_: { monthly: 'Month', quarterly: 'Quarter', 'half-yearly': 'Half-year', annual: 'Year' },
    periodOf: (key) => key.replace(/^(\d{4})-(\d{2})$/, '$2/$1').replace(/^(\d{4})-([QH]\d)$/, '$2 $1'),
    making: (what, period) => `Making the ${what} for ${period}…`,
    done: (what, period) => `Downloaded the ${what} for ${period}.`,
    what: { xlsx: 'annex', csv: 'CSV table', docx: 'report document' },
  },
};

/**
 * Why an export failed, always in Vietnamese with English beside (whatever the page's language:
 * the message may be read out or passed on). The service's own message, which can name codes,
 * goes in the tooltip only.
 */
function failure(status, retryAfter, kind) {
  const later = retryAfter ? { vi: `, thử lại sau ${retryAfter} giây`, en: `: try again in ${retryAfter} s` } : { vi: ', thử lại sau', en: ': try again later' };
  // The service's refusals by their `error` first (a 429 or 503 says which limit), then by status.
  const kinds = {
    'report-in-progress': { vi: 'báo cáo trước của bạn đang được lập, xin chờ', en: 'your previous report is still being made: wait for it' },
    'too-many-reports': { vi: `đã tải quá nhiều báo cáo trong một phút${later.vi}`, en: `too many reports in a minute${later.en}` },
    'report-queue-full': { vi: `đang có nhiều báo cáo chờ lập${later.vi}`, en: `too many reports are waiting${later.en}` },
  };
  const statuses = {
    400: { vi: 'yêu cầu không hợp lệ', en: 'the request was refused as invalid' },
    401: { vi: 'phiên đăng nhập đã kết thúc, hãy đăng nhập lại', en: 'the session has ended: sign in again' },
    403: { vi: 'bạn không có quyền tải báo cáo này', en: 'you may not download this report' },
    404: { vi: 'không có kế hoạch nào cho kỳ đã chọn', en: 'no plan covers the period chosen' },
    409: { vi: 'nhiều kế hoạch cùng bao gồm kỳ này', en: 'several plans cover this period' },
    429: { vi: `đã tải quá nhiều báo cáo${later.vi}`, en: `too many reports${later.en}` },
  };
  const reason = status === 0
    ? { vi: 'không kết nối được dịch vụ điều phối', en: 'the coordination service cannot be reached' }
    : kinds[kind] ?? statuses[status] ?? (status >= 500 ? { vi: `dịch vụ điều phối gặp lỗi${later.vi}`, en: `the coordination service failed${later.en}` } : { vi: 'dịch vụ điều phối từ chối', en: 'the coordination service refused it' });
  const code = status ? ` (HTTP ${status})` : '';
  return `⚠ Không tải được báo cáo${code}: ${reason.vi}. / The export failed${code}: ${reason.en}.`;
}

const CADENCES = ['monthly', 'quarterly', 'half-yearly', 'annual'];
const $ = (selector) => document.querySelector(selector);
const view = { plan: null, today: '', lang: 'vi', cadence: 'quarterly', period: '', drawn: '', busy: false };
const t = () => TEXT[view.lang];

/** Every period of a cadence that overlaps the plan's period (`2021-01-01` – `2021-12-31`), oldest first, with its first and last day. */
function periodsOf(cadence, start, end) {
  const parts = { monthly: 12, quarterly: 4, 'half-yearly': 2, annual: 1 }[cadence];
  const months = 12 / parts;
  const two = (number) => String(number).padStart(2, '0');
  const periods = [];
  for (let year = Number(start.slice(0, 4)); year <= Number(end.slice(0, 4)); year++) {
    for (let part = 1; part <= parts; part++) {
      const first = `${year}-${two((part - 1) * months + 1)}-01`;
      const last = `${year}-${two(part * months)}-31`; // compared as text: day 31 stands for any month's end
      if (last < start || first > end) continue;
      const key = { monthly: `${year}-${two(part)}`, quarterly: `${year}-Q${part}`, 'half-yearly': `${year}-H${part}`, annual: `${year}` }[cadence];
      periods.push({ key, first, last });
    }
  }
  return periods;
}

/** The period of today (the service's day), else the plan's last one when it is over, or its first when it has not begun. */
function defaultPeriod(periods, today) {
  return (periods.find((period) => period.first <= today && today <= period.last) ?? (today > periods.at(-1)?.last ? periods.at(-1) : periods[0]))?.key ?? '';
}

function draw() {
  const form = $('#export');
  for (const node of form.querySelectorAll('[data-export-text]')) node.textContent = t()[node.dataset.exportText];
  form.hidden = !view.plan;
  if (!view.plan) return;
  const periods = periodsOf(view.cadence, view.plan.period.start, view.plan.period.end);
  if (!periods.some((period) => period.key === view.period)) view.period = defaultPeriod(periods, view.today);
  const option = (value, label, selected) => Object.assign(document.createElement('option'), { value, textContent: label, selected });
  form.cadence.replaceChildren(...CADENCES.map((cadence) => option(cadence, t().cadence_[cadence], cadence === view.cadence)));
  form.period.replaceChildren(...periods.map(({ key }) => option(key, t().periodOf(key), key === view.period)));
  // Not `disabled` while a report is made: a disabled button would drop the keyboard focus.
  for (const button of form.querySelectorAll('button[data-format]')) button.setAttribute('aria-disabled', String(view.busy));
}

/** Redraws when something shown changed; otherwise the selects keep focus and any open list. */
function refresh() {
  const drawn = `${view.plan?.id}|${view.lang}|${view.cadence}|${view.period}|${view.busy}`;
  if (drawn === view.drawn) return;
  view.drawn = drawn;
  draw();
}

/** Called by the board on each render with the plan shown, the service's time (its day is "today") and the language. */
export function renderExport({ plan, generatedAt, lang }) {
  if (plan?.id !== view.plan?.id) {
    // Another plan: the period of today again, and no word left about the previous plan's export.
    view.period = '';
    $('#export-status').textContent = '';
    setError('');
  }
  view.plan = plan ?? null;
  view.lang = lang;
  view.today = generatedAt ? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(generatedAt)) : '';
  refresh();
}

function setError(message, detail = '') {
  const node = $('#export-error');
  node.textContent = message;
  if (detail) node.title = detail;
  else node.removeAttribute('title');
}

/** `attachment; filename="bao-cao-2021-Q2-hn-ba-dinh.xlsx"` → the name (ASCII: period and area codes). */
const fileNameOf = (disposition, fallback) => /filename="?([^";]+)"?/i.exec(disposition ?? '')?.[1]?.trim() || fallback;

async function download(format) {
  const plan = view.plan;
  const period = view.period;
  if (!plan || !period || view.busy) return;
  const words = [t().what[format], t().periodOf(period)];
  view.busy = true;
  refresh();
  $('#export-status').textContent = t().making(...words);
  setError('');
  try {
    const query = new URLSearchParams({ period, plan: plan.id, format });
    let response;
    try {
      response = await fetch(`/api/v1/reports/periodic?${query}`, { headers: { accept: 'application/octet-stream, application/json' } });
    } catch (error) {
      $('#export-status').textContent = '';
      return setError(failure(0), String(error?.message ?? error));
    }
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      const retryAfter = /^\d+$/.test(response.headers.get('retry-after') ?? '') ? Number(response.headers.get('retry-after')) : undefined;
      $('#export-status').textContent = '';
      return setError(failure(response.status, retryAfter, answer.error), typeof answer.message === 'string' ? answer.message : '');
    }
    const blob = await response.blob();
    const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: fileNameOf(response.headers.get('content-disposition'), `bao-cao-${period}.${format}`) });
    link.click();
    // Revoked later, not at once: the browser may still be reading the blob for the download.
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    $('#export-status').textContent = t().done(...words);
  } finally {
    view.busy = false;
    refresh();
  }
}

$('#export').addEventListener('submit', (event) => event.preventDefault());
$('#export').addEventListener('change', (event) => {
  if (event.target.name === 'cadence') {
    view.cadence = event.target.value;
    view.period = ''; // the new cadence's period of today (or the plan's last)
  } else if (event.target.name === 'period') view.period = event.target.value;
  refresh();
});
$('#export').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-format]');
  if (button) download(button.dataset.format).catch((error) => setError(failure(0), String(error?.message ?? error)));
});
