// The board's charts (#21, ADR 0020): per target, the cumulative figure at each month's end against
// the straight-line path to its goal; the referral funnel month by month. Drawn with Chart.js
// (served from the service's node_modules at /assets/lib/, loaded the first time a chart opens),
// each with its text alternative: a caption in Vietnamese and English, and a table of the same
// numbers. Shown on demand: every chart is a closed <details> until it is opened.
import { periodOfKey, vietnameseDate } from './lib/vietnamese-format.js';

const TEXT = {
  vi: {
    heading: 'Biểu đồ tiến độ', note: 'Mở một biểu đồ để xem số liệu theo tháng; mỗi biểu đồ có bảng số liệu đi kèm.',
    funnel: 'Chuyển gửi hỗ trợ theo tháng', loading: 'Đang tải…', failed: 'Không tải được biểu đồ', table: 'Bảng số liệu',
    month: 'Tháng', start: 'Bắt đầu', achieved: 'Đạt (lũy kế)', path: 'Tiến độ theo đường thẳng', ceiling: 'Ngưỡng tối đa', status: 'Tình trạng',
    stage_: { made: 'Đã chuyển gửi', accepted: 'Đã tiếp nhận', serviceDelivered: 'Đã hỗ trợ', closed: 'Đã kết thúc', declined: 'Từ chối' },
  },
  en: {
    heading: 'Progress charts', note: 'Open a chart to see the figures month by month; each chart comes with a table of its numbers.',
    funnel: 'Referrals for support by month', loading: 'Loading…', failed: 'The chart could not be loaded', table: 'Data table',
    month: 'Month', start: 'Start', achieved: 'Achieved (cumulative)', path: 'Straight-line path', ceiling: 'Ceiling', status: 'Status',
    stage_: { made: 'Referred', accepted: 'Taken on', serviceDelivered: 'Service delivered', closed: 'Closed', declined: 'Declined' },
  },
};
const STAGES = ['made', 'accepted', 'serviceDelivered', 'closed', 'declined'];

// Okabe-Ito colours (told apart with every common colour-vision deficiency), darkened where a line
// on white needs 3:1; each series also has its own dash and point shape, and every status is said
// in words in the caption and the table.
const INK = { achieved: '#0072B2', path: '#3d3d3d' };
const STATUS_INK = { achieved: '#007A5A', 'on-track': '#007A5A', 'at-risk': '#A86200', overdue: '#C03A00' };
const STATUS_POINT = { achieved: 'rectRot', 'on-track': 'circle', 'at-risk': 'triangle', overdue: 'crossRot' };
const STAGE_STYLE = {
  made: { color: '#0072B2', dash: [], point: 'circle' },
  accepted: { color: '#007A5A', dash: [8, 4], point: 'rect' },
  serviceDelivered: { color: '#A8528A', dash: [2, 3], point: 'triangle' },
  closed: { color: '#1b1f24', dash: [], point: 'rectRot' },
  declined: { color: '#C03A00', dash: [10, 3, 2, 3], point: 'crossRot' },
};

const numbers = { vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }) };
const num = (lang, value) => numbers[lang].format(value);
/** A month as the page writes it: "tháng 5/2021", or 05/2021 in English. */
const monthName = (lang, key) => (lang === 'vi' ? periodOfKey(key) : key.replace(/^(\d{4})-(\d{2})$/, '$2/$1'));

/** The captions, Vietnamese first with English beside, whatever the page's language. */
const CAPTION = {
  target(series, point, lang) {
    const unit = series.unit;
    const value = num(lang, point.achieved) + unit;
    const day = vietnameseDate(point.day);
    const expected = num(lang, point.expected) + unit;
    if (series.path.kind === 'ceiling') {
      const ceiling = num(lang, series.goal.max) + unit;
      const within = point.achieved <= series.goal.max;
      return lang === 'vi'
        ? `Đạt ${value} (không quá ${ceiling}) đến ${day}, ${within ? 'trong ngưỡng' : 'vượt ngưỡng'}`
        : `${value} (at most ${ceiling}) by ${day}, ${within ? 'within the ceiling' : 'over the ceiling'}`;
    }
    const goal = num(lang, series.goal.min) + unit;
    const how = {
      achieved: { vi: 'đã đạt mục tiêu', en: 'goal achieved' },
      'on-track': { vi: `đúng tiến độ (theo đường thẳng: ${expected})`, en: `on the straight-line path (${expected} expected)` },
      'at-risk': { vi: `chậm so với tiến độ (theo đường thẳng: ${expected})`, en: `behind the straight-line path (${expected} expected)` },
      overdue: { vi: 'không đạt mục tiêu khi hết thời hạn', en: 'goal missed at the end of the term' },
    }[point.status][lang];
    return lang === 'vi' ? `Đạt ${value}/${goal} đến ${day}, ${how}` : `${value} of ${goal} by ${day}, ${how}`;
  },
  funnel(point, lang) {
    const n = (stage) => num(lang, point[stage]);
    return lang === 'vi'
      ? `Đến ${vietnameseDate(point.day)}: ${n('made')} ca chuyển gửi, ${n('accepted')} đã tiếp nhận, ${n('serviceDelivered')} đã hỗ trợ, ${n('closed')} đã kết thúc, ${n('declined')} từ chối`
      : `By ${vietnameseDate(point.day)}: ${n('made')} referred, ${n('accepted')} taken on, ${n('serviceDelivered')} served, ${n('closed')} closed, ${n('declined')} declined`;
  },
  empty(term, lang) {
    return lang === 'vi' ? `Chưa có số liệu: kế hoạch bắt đầu ngày ${vietnameseDate(term.start)}` : `No figures yet: the plan starts on ${vietnameseDate(term.start)}`;
  },
};

// open: the charts open, tables: those whose table is open (kept when figures or the language change).
const view = { key: '', figures: '', open: new Set(), tables: new Set(), charts: new Map(), context: null };
let library;

/** Chart.js's UMD build sets `globalThis.Chart` when run as a module; fetched once, when a chart first opens. */
function chartLibrary() {
  library ??= import('./lib/chart.umd.min.js').then(() => {
    const { Chart } = globalThis;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#57606a';
    return Chart;
  });
  return library;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/**
 * Called by the board at each render. `context`: `lang`, `plan` (the overview's plan shown),
 * `targets` (the overview's targets of that plan), `generatedAt` (ISO), `bodyName(code)`,
 * `statusName(status)`, `getJson(path)`.
 */
export function renderCharts(context) {
  view.context = context;
  const { lang, plan, targets } = context;
  const container = document.querySelector('#charts');
  if (!container) return;
  document.querySelector('#charts-heading').textContent = TEXT[lang].heading;
  const key = [plan?.id ?? '', lang, ...targets.map((target) => target.id)].join('|');
  if (key !== view.key) {
    const samePlan = view.key.split('|')[0] === (plan?.id ?? '');
    for (const chart of view.charts.values()) chart.destroy();
    view.charts.clear();
    if (!samePlan) {
      view.open.clear();
      view.tables.clear();
    }
    view.key = key;
    view.figures = figuresOf(context);
    container.replaceChildren(...(plan ? chartList(context) : []));
    // A language change redraws the list: what was open opens again.
    for (const details of container.querySelectorAll('details[data-chart]')) if (view.open.has(details.dataset.chart)) details.open = true;
    return;
  }
  for (const target of targets) {
    const status = container.querySelector(`details[data-chart="${CSS.escape(`target:${target.id}`)}"] > summary .status`);
    if (status) status.replaceWith(statusBadge(target.status));
  }
  const figures = figuresOf(context);
  if (figures !== view.figures) {
    view.figures = figures;
    // New figures (or a new day): the charts open are fetched and drawn again; the others when opened.
    for (const details of container.querySelectorAll('details[data-chart][open]')) load(details);
  }
}

/** What the charts' figures depend on, as the overview says it: each target's value and status, the funnel, the day. */
const figuresOf = ({ plan, targets, generatedAt }) =>
  JSON.stringify([generatedAt.slice(0, 10), plan?.referrals, targets.map((target) => [target.id, target.achieved, target.status])]);

function statusBadge(status) {
  return el('span', { class: `status ${status}` }, view.context.statusName(status));
}

function chartList({ lang, plan, targets, bodyName }) {
  const text = TEXT[lang];
  const funnel = el('details', { class: 'chart', 'data-chart': 'funnel' }, el('summary', {}, text.funnel), el('div', { class: 'chart-body' }));
  const bodies = [...new Set(targets.map((target) => target.agency))];
  return [
    el('p', { class: 'muted' }, text.note),
    funnel,
    ...bodies.map((agency) =>
      el('div', { class: 'chart-group' },
        el('h3', { title: agency }, bodyName(agency)),
        ...targets.filter((target) => target.agency === agency).map((target) =>
          el('details', { class: 'chart', 'data-chart': `target:${target.id}`, 'data-plan': plan.id },
            el('summary', { title: target.id }, target.title[lang] ?? target.title.vi, ' ', statusBadge(target.status)),
            el('div', { class: 'chart-body' }),
          ),
        ),
      ),
    ),
  ];
}

/** Opened: fetched and drawn; closed: forgotten (its chart freed). `toggle` does not bubble: caught on its way down. */
document.addEventListener('toggle', (event) => {
  const details = event.target;
  if (!(details instanceof HTMLDetailsElement)) return;
  const table = details.classList.contains('chart-table') && details.closest('details[data-chart]')?.dataset.chart;
  if (table) return details.open ? view.tables.add(table) : view.tables.delete(table);
  if (!details.dataset.chart) return;
  if (details.open) {
    view.open.add(details.dataset.chart);
    load(details);
  } else {
    view.open.delete(details.dataset.chart);
    view.charts.get(details.dataset.chart)?.destroy();
    view.charts.delete(details.dataset.chart);
  }
}, true);

async function load(details) {
  const { lang, getJson } = view.context;
  const body = details.querySelector('.chart-body');
  const id = details.dataset.chart;
  if (!body.firstChild) body.replaceChildren(el('p', { class: 'muted' }, TEXT[lang].loading));
  const key = view.key;
  try {
    const plan = encodeURIComponent(details.dataset.plan ?? view.key.split('|')[0]);
    const [series, Chart] = await Promise.all([
      getJson(id === 'funnel' ? `/api/v1/referrals/funnel/series?plan=${plan}` : `/api/v1/targets/${encodeURIComponent(id.slice('target:'.length))}/series?plan=${plan}`),
      chartLibrary(),
    ]);
    // Redrawn or closed meanwhile: nothing to draw here any more.
    if (key !== view.key || !details.open || !details.isConnected) return;
    draw(details, series, Chart);
  } catch (error) {
    body.replaceChildren(el('p', { class: 'error', role: 'status' }, `${TEXT[lang].failed}: ${error.message}`));
  }
}

function draw(details, series, Chart) {
  const { lang } = view.context;
  const id = details.dataset.chart;
  const funnel = id === 'funnel';
  const last = series.points.at(-1);
  const caption = (language) => (!last ? CAPTION.empty(series.term, language) : funnel ? CAPTION.funnel(last, language) : CAPTION.target(series, last, language));
  const summary = `${caption('vi')} / ${caption('en')}`;
  const canvas = el('canvas', { role: 'img', 'aria-label': summary });
  const figure = el('figure', { class: 'chart-figure' },
    el('div', { class: 'chart-canvas' }, canvas),
    el('figcaption', {}, el('span', { lang: 'vi' }, caption('vi')), ' / ', el('span', { lang: 'en' }, caption('en'))),
  );
  const table = el('details', { class: 'chart-table', open: view.tables.has(id) }, el('summary', {}, TEXT[lang].table), el('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': `${TEXT[lang].table}: ${details.querySelector('summary').firstChild.textContent}` }, funnel ? funnelTable(series, lang) : targetTable(series, lang)));
  view.charts.get(id)?.destroy();
  details.querySelector('.chart-body').replaceChildren(figure, table);
  view.charts.set(id, new Chart(canvas, funnel ? funnelChart(series, lang) : targetChart(series, lang)));
}

const baseOptions = (lang, unit) => ({
  locale: lang === 'vi' ? 'vi-VN' : 'en-GB',
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  interaction: { mode: 'index', intersect: false },
  plugins: { legend: { labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8 } } },
  scales: { y: { beginAtZero: true, ...(unit ? { ticks: { callback: (value) => `${num(lang, value)}${unit}` } } : {}) } },
});

/** The months, after the term's first day, where the path starts. */
function targetChart(series, lang) {
  const text = TEXT[lang];
  const labels = [vietnameseDate(series.term.start), ...series.points.map((point) => monthName(lang, point.month))];
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: text.achieved,
          data: [null, ...series.points.map((point) => point.achieved)],
          borderColor: INK.achieved,
          backgroundColor: INK.achieved,
          borderWidth: 2,
          pointStyle: ['circle', ...series.points.map((point) => STATUS_POINT[point.status])],
          pointRadius: 5,
          pointBackgroundColor: ['#fff', ...series.points.map((point) => STATUS_INK[point.status])],
          pointBorderColor: ['#fff', ...series.points.map((point) => STATUS_INK[point.status])],
        },
        {
          label: series.path.kind === 'ceiling' ? text.ceiling : text.path,
          data: [series.path.start.value, ...series.points.map((point) => point.expected)],
          borderColor: INK.path,
          backgroundColor: INK.path,
          borderDash: [6, 4],
          borderWidth: 1.5,
          pointStyle: 'line',
          pointRadius: 0,
        },
      ],
    },
    options: baseOptions(lang, series.unit),
  };
}

function funnelChart(series, lang) {
  return {
    type: 'line',
    data: {
      labels: series.points.map((point) => monthName(lang, point.month)),
      datasets: STAGES.map((stage) => ({
        label: TEXT[lang].stage_[stage],
        data: series.points.map((point) => point[stage]),
        borderColor: STAGE_STYLE[stage].color,
        backgroundColor: STAGE_STYLE[stage].color,
        borderDash: STAGE_STYLE[stage].dash,
        borderWidth: 2,
        pointStyle: STAGE_STYLE[stage].point,
        pointRadius: 4,
      })),
    },
    options: { ...baseOptions(lang, ''), scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
}

function targetTable(series, lang) {
  const text = TEXT[lang];
  const unit = series.unit;
  const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, text.month), el('th', { scope: 'col', class: 'num' }, text.achieved), el('th', { scope: 'col', class: 'num' }, series.path.kind === 'ceiling' ? text.ceiling : text.path), el('th', { scope: 'col' }, text.status)));
  const start = el('tr', { 'data-month': 'start' }, el('th', { scope: 'row' }, `${text.start} (${vietnameseDate(series.term.start)})`), el('td', { class: 'num' }, '—'), el('td', { class: 'num' }, `${num(lang, series.path.start.value)}${unit}`), el('td', {}, '—'));
  const rows = series.points.map((point) =>
    el('tr', { 'data-month': point.month },
      el('th', { scope: 'row' }, monthName(lang, point.month)),
      el('td', { class: 'num', 'data-value': point.achieved }, `${num(lang, point.achieved)}${unit}`),
      el('td', { class: 'num', 'data-value': point.expected }, `${num(lang, point.expected)}${unit}`),
      el('td', {}, statusBadge(point.status)),
    ),
  );
  return el('table', { class: 'chart-data' }, head, el('tbody', {}, start, ...rows));
}

function funnelTable(series, lang) {
  const text = TEXT[lang];
  const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, text.month), ...STAGES.map((stage) => el('th', { scope: 'col', class: 'num' }, text.stage_[stage]))));
  const rows = series.points.map((point) =>
    el('tr', { 'data-month': point.month }, el('th', { scope: 'row' }, monthName(lang, point.month)), ...STAGES.map((stage) => el('td', { class: 'num', 'data-stage': stage, 'data-value': point[stage] }, num(lang, point[stage])))),
  );
  return el('table', { class: 'chart-data' }, head, el('tbody', {}, ...rows));
}
