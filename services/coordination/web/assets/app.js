// The committee's dashboard: reads the coordination API, renders, and follows the SSE stream.
// Plain modules, no build step: the page is served as it is written.
// Periods, days and recurrences in Vietnamese: the report's own formatter (contracts), served as it is compiled.
import { periodOfKey, recurrenceName, vietnameseDate } from './lib/vietnamese-format.js';
import { renderExport } from './board-export.js';
// The charts (per target, the funnel) live in their own module; the board tells it what it shows.
import { renderCharts } from './charts.js';
// The secretariat's acknowledgements, notes and assignments of alerts (ADR 0019).
import { handlingPanel, handlingState, historyText } from './alert-handling.js';

const TEXT = {
  vi: {
    skip: 'Bỏ qua, tới nội dung chính', title: 'Ban Chỉ đạo 138 — Phòng, chống mại dâm', updated: 'Cập nhật',
    connecting: 'đang kết nối…', live: '● đã kết nối', offline: '↻ mất kết nối, đang kết nối lại…', staleSince: (time) => `⚠ số liệu cũ, từ ${time}`,
    staleBus: 'Dữ liệu tính đến {time}, mất kết nối hệ thống truyền tin (bus): số liệu mới chưa được cập nhật.',
    staleStore: 'Dữ liệu tính đến {time}, chưa ghi được kho dữ liệu: số liệu mới chưa được cập nhật.',
    staleService: 'Dữ liệu tính đến {time}, không kết nối được dịch vụ điều phối.',
    plans: 'Kế hoạch', plan: 'Kế hoạch', targets: 'Chỉ tiêu theo cơ quan', summary: 'Tình hình theo cơ quan', search: 'Tìm nhiệm vụ',
    bodyStatus_: { overdue: 'quá hạn', 'at-risk': 'có nguy cơ chậm', 'on-track': 'đúng tiến độ', done: 'hoàn thành' },
    bodiesAt: (count, status) => `${count} cơ quan ${status}`, targetsCol: 'Chỉ tiêu', tasksCol: 'Nhiệm vụ',
    reached: (done, total) => `đạt ${done}/${total}`, finished: (done, total) => `hoàn thành ${done}/${total}`, atRiskN: (n) => `${n} có nguy cơ`, overdueN: (n) => `${n} quá hạn`, awaitingN: (n) => `${n} chờ xác nhận`,
    atLeast: (goal) => `mục tiêu ít nhất ${goal}`, atMost: (goal) => `mục tiêu không quá ${goal}`, sortBy: (label) => `Sắp xếp theo ${label}`,
    recurrence: recurrenceName, periodOf: periodOfKey,
    alerts: 'Cảnh báo', noAlerts: 'Không có cảnh báo phù hợp.', areas: 'Theo địa bàn', planLevel: 'chung, không thuộc địa bàn cấp dưới', funnel: 'Chuyển gửi hỗ trợ',
    reporting: 'Chế độ báo cáo', tasks: 'Nhiệm vụ', agency: 'Cơ quan', status: 'Tình trạng', area: 'Địa bàn', all: 'Tất cả',
    task: 'Nhiệm vụ', lead: 'Chủ trì', supporting: 'Phối hợp', due: 'Thời hạn', progress: 'Tiến độ', goal: 'Mục tiêu',
    achieved: 'Đạt', events: 'sự kiện', period: 'Kỳ', onTime: 'Đúng hạn', late: 'Muộn', missing: 'Chưa gửi', dueReports: 'Phải gửi',
    missingPeriods: 'Kỳ chưa gửi (gần nhất)', activeTargets: 'Chỉ tiêu có hoạt động',
    lowerPlans: 'Kế hoạch cấp dưới', plan: 'Kế hoạch', issuedOn: 'Ban hành', reportsMissing: 'Báo cáo chưa gửi',
    lowerStatus_: { 'on-time': 'Đúng hạn', late: 'Ban hành muộn', missing: 'Chưa có kế hoạch', awaited: 'Chưa đến hạn' },
    lowerSummary: (counts, due) => `Hạn ban hành ${due}: ${counts['on-time']} đúng hạn, ${counts.late} muộn, ${counts.missing} chưa có, ${counts.awaited} chưa đến hạn.`,
    rollUp: (count, value) => `Tổng hợp từ ${count} kế hoạch cấp dưới: ${value}`,
    revision: (number, date) => `Bản sửa đổi lần ${number}, hiệu lực từ ${date}`,
    taskCount: (shown, total) => `${shown} / ${total} nhiệm vụ`, noTasks: 'Không có nhiệm vụ phù hợp.',
    status_: { 'on-track': 'đúng tiến độ', 'at-risk': 'có nguy cơ chậm', overdue: 'quá hạn', achieved: 'đã đạt', 'not-started': 'chưa bắt đầu', 'in-progress': 'đang thực hiện', done: 'hoàn thành', 'awaiting-confirmation': 'chờ xác nhận', reopened: 'mở lại' },
    actions: 'Xác nhận của thường trực', confirm: 'Xác nhận hoàn thành', reopen: 'Mở lại', reason: 'Lý do mở lại',
    evidence: (number, date) => `Văn bản số ${number}, ngày ${date}`, doneOn: (date) => `hoàn thành ngày ${date}`,
    confirmedBy: (who, date) => `${who} xác nhận ngày ${date}`, reopenedBy: (who, date, reason) => `${who} mở lại ngày ${date}: ${reason}`,
    reported: (percent) => `báo cáo ${percent}%`, decided: 'Đã ghi nhận.', failed: 'Không thực hiện được',
    reason_: { 'evidence-missing': 'thiếu văn bản chứng minh', 'evidence-insufficient': 'văn bản chưa đủ căn cứ', 'work-incomplete': 'chưa thực hiện xong', 'reported-by-mistake': 'báo cáo nhầm', other: 'lý do khác' },
    alert_: { approaching: 'Sắp đến hạn', overdue: 'Quá hạn', escalated: 'Báo cáo Ban Chỉ đạo', resolved: 'Đã xử lý' },
    stage_: { open: 'Đang mở', approaching: 'Sắp đến hạn', overdue: 'Quá hạn', escalated: 'Đã báo cáo BCĐ', resolved: 'Đã xử lý' },
    alertStages: 'Giai đoạn cảnh báo', deadlineKind: 'Loại việc', sort: 'Sắp xếp', sortDue: 'Hạn sớm nhất trước', sortDueLast: 'Hạn muộn nhất trước',
    alertRange: (from, to, total) => `${from}–${to} / ${total} cảnh báo`, pageOf: (page, pages) => `Trang ${page}/${pages}`,
    prevPage: '‹ Trang trước', nextPage: 'Trang sau ›', alertPages: 'Các trang cảnh báo', daysBefore: (days) => `trước hạn ${days} ngày`,
    deadline_: { task: 'nhiệm vụ', 'referral-handover': 'tiếp nhận chuyển gửi', 'follow-up-check': 'hậu kiểm', 'periodic-report': 'báo cáo định kỳ', 'hotspot-patrol': 'tuần tra tụ điểm' },
    funnel_: { made: 'Đã chuyển gửi', accepted: 'Đã tiếp nhận', declined: 'Từ chối', serviceDelivered: 'Đã hỗ trợ', closed: 'Đã kết thúc' },
    levels: { province: 'tỉnh/thành', district: 'quận/huyện', commune: 'xã', ward: 'phường' },
    signOut: 'Đăng xuất',
    backlog: 'Tồn đọng trước khi nhập kế hoạch', backlogNote: 'Việc đã quá hạn trước khi kế hoạch được nhập (hoặc trước ngày bắt đầu cảnh báo): không gửi cảnh báo, chỉ thống kê theo cơ quan.',
    missedBefore: 'Quá hạn trước khi nhập', byKind: 'Theo loại', noBacklog: 'Không có việc tồn đọng.', alertsFrom: 'cảnh báo tính từ', wholeArea: 'Toàn địa bàn kế hoạch',
    role_: { secretariat: 'Thường trực BCĐ 138', 'agency-officer': 'Cán bộ', 'committee-member': 'Thành viên BCĐ 138' },
  },
  en: {
    skip: 'Skip to main content', title: 'Steering Committee 138 — Prostitution prevention', updated: 'Updated',
    connecting: 'connecting…', live: '● connected', offline: '↻ disconnected, reconnecting…', staleSince: (time) => `⚠ stale since ${time}`,
    staleBus: 'Data as of {time}, bus unreachable: new figures are not coming in.',
    staleStore: 'Data as of {time}, the store cannot write: new figures are not coming in.',
    staleService: 'Data as of {time}, the coordination service is unreachable.',
    plans: 'Plans', plan: 'Plan', targets: 'Targets by agency', summary: 'By body', search: 'Find a task',
    bodyStatus_: { overdue: 'overdue', 'at-risk': 'at risk', 'on-track': 'on track', done: 'done' },
    bodiesAt: (count, status) => `${count} ${status}`, targetsCol: 'Targets', tasksCol: 'Tasks',
    reached: (done, total) => `${done} of ${total} achieved`, finished: (done, total) => `${done} of ${total} done`, atRiskN: (n) => `${n} at risk`, overdueN: (n) => `${n} overdue`, awaitingN: (n) => `${n} awaiting confirmation`,
    atLeast: (goal) => `goal at least ${goal}`, atMost: (goal) => `goal at most ${goal}`, sortBy: (label) => `Sort by ${label}`,
    recurrence: (recurrence) => ({ monthly: 'monthly', quarterly: 'quarterly', 'half-yearly': 'every six months', annual: 'yearly' })[recurrence] ?? recurrence,
    periodOf: (key) => key.replace(/^(\d{4})-(\d{2})$/, '$2/$1').replace(/^(\d{4})-([QH]\d)$/, '$2 $1'),
    alerts: 'Alerts', noAlerts: 'No matching alerts.', areas: 'By area', planLevel: 'as a whole, in none of the areas below', funnel: 'Referrals for support',
    reporting: 'Reporting', tasks: 'Tasks', agency: 'Agency', status: 'Status', area: 'Area', all: 'All',
    task: 'Task', lead: 'Lead', supporting: 'Supporting', due: 'Due', progress: 'Progress', goal: 'Goal',
    achieved: 'Achieved', events: 'events', period: 'Period', onTime: 'On time', late: 'Late', missing: 'Missing', dueReports: 'Due',
    missingPeriods: 'Missing periods (latest)', activeTargets: 'Targets with activity',
    lowerPlans: 'Lower plans', plan: 'Plan', issuedOn: 'Issued', reportsMissing: 'Reports missing',
    lowerStatus_: { 'on-time': 'On time', late: 'Issued late', missing: 'No plan', awaited: 'Not yet due' },
    lowerSummary: (counts, due) => `Due ${due}: ${counts['on-time']} on time, ${counts.late} late, ${counts.missing} missing, ${counts.awaited} not yet due.`,
    rollUp: (count, value) => `Rolled up from ${count} lower plans: ${value}`,
    revision: (number, date) => `revision ${number}, in force from ${date}`,
    taskCount: (shown, total) => `${shown} of ${total} tasks`, noTasks: 'No matching tasks.',
    status_: { 'on-track': 'on track', 'at-risk': 'at risk', overdue: 'overdue', achieved: 'achieved', 'not-started': 'not started', 'in-progress': 'in progress', done: 'done', 'awaiting-confirmation': 'awaiting confirmation', reopened: 'reopened' },
    actions: "Secretariat's decision", confirm: 'Confirm done', reopen: 'Reopen', reason: 'Reason to reopen',
    evidence: (number, date) => `Document ${number} of ${date}`, doneOn: (date) => `done on ${date}`,
    confirmedBy: (who, date) => `confirmed by ${who} on ${date}`, reopenedBy: (who, date, reason) => `reopened by ${who} on ${date}: ${reason}`,
    reported: (percent) => `reported ${percent}%`, decided: 'Recorded.', failed: 'Could not be done',
    reason_: { 'evidence-missing': 'evidence missing', 'evidence-insufficient': 'evidence insufficient', 'work-incomplete': 'work incomplete', 'reported-by-mistake': 'reported by mistake', other: 'other reason' },
    alert_: { approaching: 'Approaching', overdue: 'Overdue', escalated: 'Escalated to the committee', resolved: 'Resolved' },
    stage_: { open: 'Open', approaching: 'Approaching', overdue: 'Overdue', escalated: 'Escalated', resolved: 'Resolved' },
    alertStages: 'Alert stages', deadlineKind: 'Kind of duty', sort: 'Order', sortDue: 'Earliest due first', sortDueLast: 'Latest due first',
    alertRange: (from, to, total) => `${from}–${to} of ${total} alerts`, pageOf: (page, pages) => `Page ${page} of ${pages}`,
    prevPage: '‹ Previous', nextPage: 'Next ›', alertPages: 'Alert pages', daysBefore: (days) => `${days} days before`,
    deadline_: { task: 'task', 'referral-handover': 'referral hand-over', 'follow-up-check': 'follow-up check', 'periodic-report': 'periodic report', 'hotspot-patrol': 'hotspot patrol' },
    funnel_: { made: 'Referred', accepted: 'Taken on', declined: 'Declined', serviceDelivered: 'Service delivered', closed: 'Closed' },
    levels: { province: 'province', district: 'district', commune: 'commune', ward: 'ward' },
    signOut: 'Sign out',
    backlog: 'Backlog before import', backlogNote: 'Duties already overdue when the plan was imported (or before its alerts start): no alerts are sent for them, they are counted per body here.',
    missedBefore: 'Missed before import', byKind: 'By kind', noBacklog: 'No backlog.', alertsFrom: 'alerts from', wholeArea: "Plan's whole area",
    role_: { secretariat: 'Committee 138 secretariat', 'agency-officer': 'Officer', 'committee-member': 'Committee member' },
  },
};

// freshness: the board's BoardFreshness (/api/v1/status, the stream's ready and status); seenAt: when the service went unreachable.
const state = { freshness: null, seenAt: null, serviceDown: false, streamOpen: false, taskView: { sort: 'status', dir: 1, offset: 0 }, lang: localStorage.getItem('lienganh-lang') === 'en' ? 'en' : 'vi', user: null, stream: null, overview: null, agencyNames: new Map(), tasks: [], alertPage: null, alertQuery: { stage: 'open', body: '', area: '', kind: '', sort: 'due', offset: 0 }, plan: '', filters: { q: '', agency: '', status: '', area: '' } };
const $ = (selector) => document.querySelector(selector);
const t = () => TEXT[state.lang];
const local = (text) => (text && typeof text === 'object' ? text[state.lang] ?? text.vi : text ?? '');
/** A body as the plan names it (bodies belong to a jurisdiction); with no plan given, as the first plan that names it does. */
const agencyName = (code, planId = state.plan) => {
  const named = planId ? state.agencyNames.get(`${planId}|${code}`) : state.overview?.plans.map((plan) => state.agencyNames.get(`${plan.id}|${code}`)).find(Boolean);
  return local(named) || code;
};
const inPlan = (planId) => !state.plan || planId === state.plan;
// Formatters are costly to make: one per language, made once.
const formats = {};
const formatsOf = (lang) =>
  (formats[lang] ??= {
    number: new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 }),
    // 01/06/2021 in both languages (Intl writes vi-VN and en-GB days this way), in Vietnam's time.
    date: new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' }),
    time: new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }),
  });
const fmtNumber = (value) => formatsOf(state.lang).number.format(value);
const fmtTime = (iso) => formatsOf(state.lang).time.format(new Date(iso));
const fmtDateTime = (iso) => `${fmtTime(iso)} ${fmtDate(iso)}`;
const fmtDate = (iso) => (iso ? formatsOf(state.lang).date.format(new Date(iso)) : '—');

/** Builds an element: el('td', { class: 'num' }, 'text', child…). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    // Styles through the CSSOM: the CSP allows no inline style attribute.
    if (name === 'style') Object.assign(node.style, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** The API answered 401: nobody is signed in (or the session ended). */
class SignInNeeded extends Error {}

// The session is an HttpOnly cookie the browser sends by itself (fetch and EventSource alike).
async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (response.status === 401) throw new SignInNeeded();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function loadAll() {
  const [overview, tasks] = await Promise.all([getJson('/api/v1/committee/overview'), getJson('/api/v1/tasks')]);
  state.overview = overview;
  state.agencyNames = new Map(overview.plans.flatMap((plan) => plan.bodies.map((body) => [`${plan.id}|${body.code}`, body.name])));
  state.tasks = tasks.tasks;
  state.plan = planShown(overview);
  await loadAlerts();
  render();
}

/** A day in Vietnam (`2021-06-01`) of an instant. */
const vietnamDay = (iso) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(iso));

/**
 * The plan the board shows: the one chosen (kept in the address, `?plan=`), else the current
 * plan: of those whose period covers today (the service's day), the latest issued; when none
 * does, the one that ended last.
 */
function planShown(overview) {
  const chosen = state.plan || new URLSearchParams(location.search).get('plan');
  if (overview.plans.some((plan) => plan.id === chosen)) return chosen;
  const today = vietnamDay(overview.generatedAt);
  const covering = overview.plans.filter((plan) => plan.period.start <= today && today <= plan.period.end);
  const pool = covering.length ? covering : overview.plans;
  const [latest] = [...pool].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn) || b.period.end.localeCompare(a.period.end) || a.id.localeCompare(b.id));
  return latest?.id ?? '';
}

function render() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t()[node.dataset.i18n];
  for (const button of document.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  renderUser();
  renderFreshness();
  if (!state.overview) return;
  $('#generated-at').textContent = fmtDate(state.overview.generatedAt);
  $('#generated-at').dateTime = state.overview.generatedAt;
  renderPlans();
  renderExport({ plan: state.overview.plans.find((plan) => plan.id === state.plan), generatedAt: state.overview.generatedAt, lang: state.lang });
  renderSummary();
  renderTargets();
  renderCharts({
    lang: state.lang,
    plan: state.overview.plans.find((plan) => plan.id === state.plan),
    targets: state.overview.targets.filter((target) => target.planId === state.plan),
    generatedAt: state.overview.generatedAt,
    bodyName: (code) => agencyName(code),
    statusName: (status) => t().status_[status],
    getJson,
  });
  renderAlerts();
  renderBacklog();
  renderAreas();
  renderFunnel();
  renderReporting();
  renderLowerPlans();
  renderTaskFilters();
  renderTasks();
  document.body.dataset.ready = 'true';
}

function renderPlans() {
  const select = $('#plan-filter');
  select.replaceChildren(...state.overview.plans.map((plan) => el('option', { value: plan.id, selected: plan.id === state.plan, title: plan.id }, `${plan.number} — ${local(plan.title)}`)));
  const plan = state.overview.plans.find((entry) => entry.id === state.plan);
  $('#plan-info').replaceChildren(
    ...(plan ? [el('strong', {}, local(plan.title)), ...revisionNote(plan), el('br'), el('span', { class: 'muted' }, `${plan.number} · `, el('span', { title: plan.area }, areaName(plan.area, plan.id)), ` · ${dayOf(plan.period.start)} – ${dayOf(plan.period.end)}`)] : []),
  );
}

const BODY_STATUSES = ['overdue', 'at-risk', 'on-track', 'done'];

/** A body's state in the plan, the worst first: anything overdue, else at risk (or reopened), else all done, else on track. */
function bodyStatus(summary) {
  const { targets, tasks } = summary;
  if (targets.overdue + tasks.overdue > 0) return 'overdue';
  if (targets.atRisk + tasks.reopened > 0) return 'at-risk';
  if (targets.total + tasks.total > 0 && targets.achieved === targets.total && tasks.done === tasks.total) return 'done';
  return 'on-track';
}

/** The plan at a glance: how many bodies are at each state, then one row per body, the worst first. */
function renderSummary() {
  const bodies = state.overview.agencies.filter((entry) => entry.planId === state.plan).map((entry) => ({ ...entry, status: bodyStatus(entry) }));
  bodies.sort((a, b) => BODY_STATUSES.indexOf(a.status) - BODY_STATUSES.indexOf(b.status) || local(a.name).localeCompare(local(b.name), state.lang));
  $('#summary-counts').replaceChildren(
    ...BODY_STATUSES.map((status) => el('li', { class: `status ${status}`, 'data-status': status }, t().bodiesAt(fmtNumber(bodies.filter((body) => body.status === status).length), t().bodyStatus_[status]))),
  );
  const parts = (...entries) => entries.filter(Boolean).join(' · ');
  const rows = bodies.map((body) =>
    el('tr', { 'data-body': body.agency },
      el('th', { scope: 'row', title: body.agency }, local(body.name)),
      el('td', {}, el('span', { class: `status ${body.status}` }, t().bodyStatus_[body.status])),
      el('td', {}, body.targets.total ? parts(t().reached(fmtNumber(body.targets.achieved), fmtNumber(body.targets.total)), body.targets.atRisk && t().atRiskN(fmtNumber(body.targets.atRisk)), body.targets.overdue && t().overdueN(fmtNumber(body.targets.overdue))) : '—'),
      el('td', {}, body.tasks.total ? parts(t().finished(fmtNumber(body.tasks.done), fmtNumber(body.tasks.total)), body.tasks.overdue && t().overdueN(fmtNumber(body.tasks.overdue)), body.tasks.awaitingConfirmation && t().awaitingN(fmtNumber(body.tasks.awaitingConfirmation))) : '—'),
    ),
  );
  $('#summary').replaceChildren(el('thead', {}, el('tr', {}, ...[t().agency, t().status, t().targetsCol, t().tasksCol].map((label) => el('th', { scope: 'col' }, label)))), el('tbody', {}, rows));
}

/** An amended plan (kế hoạch sửa đổi) says which version the board shows, next to its title; the first version says nothing. */
function revisionNote(plan) {
  if (!plan.revision || plan.revision.number < 2) return [];
  // A calendar day of the plan, written as the document writes it (01/07/2021), in both languages.
  const day = vietnameseDate(plan.revision.effectiveFrom);
  return [' ', el('span', { class: 'muted' }, `(${t().revision(plan.revision.number, day)})`)];
}

function targetNode(target) {
  const key = `${target.planId}/${target.id}`;
  const goal = target.goal.min !== undefined ? `≥ ${fmtNumber(target.goal.min)}` : `≤ ${fmtNumber(target.goal.max)}`;
  const unit = target.measure === 'percentage' ? '%' : '';
  const goalInWords = target.goal.min !== undefined ? t().atLeast(`${fmtNumber(target.goal.min)}${unit}`) : t().atMost(`${fmtNumber(target.goal.max)}${unit}`);
  return el(
    'div', { class: 'target', 'data-target': key },
    el('div', { class: 'name', id: `t-${cssId(key)}` }, local(target.title)),
    el('div', { class: `bar ${target.status}`, role: 'progressbar', 'aria-labelledby': `t-${cssId(key)}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': target.percent, 'aria-valuetext': `${fmtNumber(target.achieved)}${unit} (${goal}${unit}), ${t().status_[target.status]}` }, el('span', { style: { width: `${Math.min(100, target.percent)}%` } })),
    el('div', { class: 'muted' }, el('span', { 'data-achieved': '' }, `${t().achieved}: ${fmtNumber(target.achieved)}${unit} (${goalInWords})`), ' ', el('span', { class: `status ${target.status}` }, t().status_[target.status])),
    ...(target.rollUp ? [el('div', { class: 'muted small', 'data-roll-up': '' }, `${t().rollUp(fmtNumber(target.rollUp.from.length), `${fmtNumber(target.rollUp.achieved)}${unit}`)} `, el('span', { class: `status ${target.rollUp.status}` }, t().status_[target.rollUp.status]))] : []),
  );
}

function renderTargets() {
  const targets = state.overview.targets.filter((target) => inPlan(target.planId));
  const groups = [...new Set(targets.map((target) => `${target.planId}|${target.agency}`))];
  $('#targets').replaceChildren(
    ...groups.map((group) => {
      const [planId, agency] = group.split('|');
      return el('div', { class: 'group' }, el('h3', { title: agency }, agencyName(agency, planId)), ...targets.filter((target) => target.planId === planId && target.agency === agency).map(targetNode));
    }),
  );
}

/** A target moved (SSE): only its bar and figures change, the page stays where it is. */
function updateTarget(target) {
  if (!state.overview) return;
  const index = state.overview.targets.findIndex((entry) => entry.planId === target.planId && entry.id === target.id);
  if (index < 0) return;
  // The stream's figure is the plan's own; the roll-up comes with the next reload.
  state.overview.targets[index] = { ...target, rollUp: target.rollUp ?? state.overview.targets[index].rollUp };
  target = state.overview.targets[index];
  const node = document.querySelector(`[data-target="${CSS.escape(`${target.planId}/${target.id}`)}"]`);
  if (node) node.replaceWith(targetNode(target));
}

const ALERT_STAGES = ['approaching', 'overdue', 'escalated', 'resolved'];
/** A stage says itself by an icon and words, not by colour alone. */
const STAGE_ICON = { open: '●', approaching: '◔', overdue: '⚠', escalated: '▲', resolved: '✓' };
const ALERT_PAGE_SIZE = 50;
let alertRequest = 0;

/** One page of the work queue for the filters in force; a slower, older answer never overwrites a newer one. */
async function loadAlerts() {
  const query = state.alertQuery;
  const params = new URLSearchParams({ limit: String(ALERT_PAGE_SIZE), offset: String(query.offset), sort: query.sort, stage: query.stage === 'open' ? 'approaching,overdue,escalated' : query.stage });
  if (state.plan) params.set('plan', state.plan);
  for (const name of ['body', 'area', 'kind']) if (query[name]) params.set(name, query[name]);
  const request = ++alertRequest;
  const page = await getJson(`/api/v1/alerts?${params}`);
  if (request !== alertRequest) return;
  // Rows resolved meanwhile can leave the page past the end: show the last one instead.
  if (!page.alerts.length && page.total > 0 && query.offset > 0) {
    query.offset = Math.floor((page.total - 1) / ALERT_PAGE_SIZE) * ALERT_PAGE_SIZE;
    return loadAlerts();
  }
  state.alertPage = page;
  renderAlerts();
}

const areaName = (code, planId = state.plan) => {
  const named = state.overview?.plans.filter((plan) => !planId || plan.id === planId).flatMap((plan) => plan.areaNames ?? []).find((area) => area.code === code);
  return named ? local(named.name) : code;
};

/** What is awaited, in words: the task's title, the report's period, or the kind of duty (the case reference only in the tooltip). */
function dutyOf(alert) {
  const { deadline } = alert;
  const kind = t().deadline_[deadline.kind] ?? deadline.kind;
  if (deadline.kind === 'task') {
    const task = state.tasks.find((entry) => entry.planId === deadline.planId && entry.taskId === deadline.refId);
    return task ? `${kind}: ${local(task.title)}` : kind;
  }
  if (deadline.duty) return `${kind}: ${periodName(deadline.duty.period)}`;
  return kind;
}

function renderAlerts() {
  const page = state.alertPage;
  if (!page) return;
  const { counts } = page;
  const open = counts.approaching + counts.overdue + counts.escalated;
  $('#alert-count').textContent = open ? fmtNumber(open) : '';
  $('#alert-stages').replaceChildren(
    ...[['open', open], ...ALERT_STAGES.map((stage) => [stage, counts[stage]])].map(([stage, count]) =>
      el('button', { type: 'button', class: `chip ${stage}`, 'data-stage': stage, 'aria-pressed': String(state.alertQuery.stage === stage) }, `${STAGE_ICON[stage]} ${t().stage_[stage]} `, el('span', { class: 'count', 'data-count': count }, `(${fmtNumber(count)})`)),
    ),
  );
  renderAlertFilters();
  const from = page.total ? page.offset + 1 : 0;
  const to = page.offset + page.alerts.length;
  $('#alert-summary').textContent = t().alertRange(fmtNumber(from), fmtNumber(to), fmtNumber(page.total));
  // A redraw (the stream's reload, a language switch) leaves the rows an officer opened open, their history kept.
  const opened = new Map([...document.querySelectorAll('#alerts li[data-alert] > details[open]')].map((details) => [details.parentElement.dataset.alert, details.querySelector('.history')]));
  const rows = page.alerts.map(alertRow);
  for (const row of rows) {
    const history = opened.get(row.dataset.alert);
    if (!history) continue;
    const details = row.querySelector('details');
    details.querySelector('.history').replaceWith(history);
    details.dataset.loaded = 'true';
    details.open = true;
    showHistory(details).catch(showError);
  }
  $('#alerts').replaceChildren(...(rows.length ? rows : [el('li', {}, t().noAlerts)]));
  const pages = Math.max(1, Math.ceil(page.total / ALERT_PAGE_SIZE));
  $('#alert-page').textContent = t().pageOf(fmtNumber(Math.floor(page.offset / ALERT_PAGE_SIZE) + 1), fmtNumber(pages));
  $('#alert-pager [data-page="prev"]').disabled = page.offset === 0;
  $('#alert-pager [data-page="next"]').disabled = page.nextOffset === undefined;
}

function renderAlertFilters() {
  const form = $('#alert-filters');
  const query = state.alertQuery;
  const option = (value, label, current, code) => el('option', { value, selected: value === current, title: code }, label);
  const plans = state.overview.plans.filter((plan) => inPlan(plan.id));
  const bodies = [...new Map(plans.flatMap((plan) => plan.bodies.map((body) => [body.code, body.name]))).entries()].sort((a, b) => local(a[1]).localeCompare(local(b[1]), state.lang));
  const areas = [...new Map(plans.flatMap((plan) => (plan.areaNames ?? []).map((area) => [area.code, area.name]))).entries()];
  form.body.replaceChildren(option('', t().all, query.body), ...bodies.map(([code, name]) => option(code, local(name), query.body, code)));
  form.area.replaceChildren(option('', t().all, query.area), ...areas.map(([code, name]) => option(code, local(name), query.area, code)));
  form.kind.replaceChildren(option('', t().all, query.kind), ...Object.entries(t().deadline_).map(([code, label]) => option(code, label, query.kind)));
  form.sort.replaceChildren(option('due', t().sortDue, query.sort), option('-due', t().sortDueLast, query.sort));
}

function alertRow(alert) {
  const { deadline } = alert;
  const where = deadline.areaCode ? areaName(deadline.areaCode, deadline.planId) : '';
  return el(
    'li', { class: `alert ${alert.stage}`, 'data-alert': alert.id, 'data-stage': alert.stage },
    el('details', {},
      el('summary', {},
        el('span', { class: `status ${alert.stage}` }, `${STAGE_ICON[alert.stage]} ${t().alert_[alert.stage]}`), ' ',
        el('strong', { title: deadline.referralId ?? deadline.refId }, dutyOf(alert)),
        ` · `, el('span', { title: deadline.agency }, agencyName(deadline.agency, deadline.planId)),
        ...(where ? [' · ', el('span', { title: deadline.areaCode }, where)] : []),
        ` · ${t().due}: ${fmtDate(deadline.dueAt)}`,
        ' ', handlingState(alert, handlingContext()),
      ),
      handlingPanel(alert, handlingContext()),
      el('ol', { class: 'history muted small', 'aria-live': 'polite' }),
    ),
  );
}

/** What the handling module needs of the page. */
function handlingContext() {
  const planBodies = (planId) => state.overview?.plans.find((plan) => plan.id === planId)?.bodies ?? [];
  return { el, lang: state.lang, user: state.user, agencyName, fmtDateTime, local, bodies: planBodies(state.plan), onChange: updateAlertRow };
}

/** A row acknowledged, noted or assigned (here or by another officer, from the stream): redrawn in place, its details left open. */
function updateAlertRow(row, message) {
  const rows = state.alertPage?.alerts;
  const index = rows?.findIndex((entry) => entry.id === row.id) ?? -1;
  if (index < 0) return;
  rows[index] = row;
  const item = document.querySelector(`#alerts li[data-alert="${CSS.escape(row.id)}"]`);
  if (!item) return;
  const context = { ...handlingContext(), bodies: state.overview.plans.find((plan) => plan.id === row.deadline.planId)?.bodies ?? [] };
  item.querySelector('.handling-state').replaceWith(handlingState(row, context));
  item.querySelector('.handling').replaceWith(handlingPanel(row, context));
  if (message) item.querySelector('.handling-status').textContent = message;
  const details = item.querySelector('details');
  if (details.open) showHistory(details).catch(showError);
}

/** A row opened: its history (every alert raised about the deadline), fetched then. */
async function showHistory(details) {
  const item = details.closest('li[data-alert]');
  const list = details.querySelector('.history');
  const { history } = await getJson(`/api/v1/alerts/${encodeURIComponent(item.dataset.alert)}`);
  list.replaceChildren(...history.map((alert) => el('li', { 'data-kind': alert.kind }, `${fmtDateTime(alert.time)}: ${historyText(alert, handlingContext()) ?? `${t().alert_[alert.kind]}${alert.leadDays ? ` (${t().daysBefore(alert.leadDays)})` : ''}`}`)));
}

/** Per body, the duties missed before each plan's alerts started (its import, or its alertsFrom): never alerted, counted here. */
function renderBacklog() {
  const plans = state.overview.plans.filter((plan) => inPlan(plan.id));
  $('#backlog-starts').replaceChildren(...plans.filter((plan) => plan.alertsFrom).map((plan) => el('li', {}, `${plan.number}: ${t().alertsFrom} ${fmtDate(plan.alertsFrom)}`)));
  const rows = plans.flatMap((plan) =>
    (plan.backlog ?? []).map((entry) =>
      el('tr', { 'data-backlog': `${plan.id}/${entry.body}` }, el('th', { scope: 'row', title: entry.body }, agencyName(entry.body, plan.id)), el('td', { class: 'num' }, fmtNumber(entry.missed)), el('td', {}, Object.entries(entry.kinds).map(([kind, count]) => `${t().deadline_[kind] ?? kind} ${fmtNumber(count)}`).join(', '))),
    ),
  );
  $('#backlog').replaceChildren(
    el('thead', {}, el('tr', {}, ...[t().agency, t().missedBefore, t().byKind].map((label, index) => el('th', { scope: 'col', class: index === 1 ? 'num' : undefined }, label)))),
    el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: 3 }, t().noBacklog))]),
  );
}

/** Per area below the plan's: events counted, and how many of the plan's targets have work there (a bar). */
function renderAreas() {
  const plans = state.overview.plans.filter((plan) => inPlan(plan.id) && plan.areas.length);
  // Events at the plan's own level (the district itself, not one of its wards) get a row of their own when there are any, so that the rows add up.
  const own = (plan, lang) => plan.areaNames?.find((area) => area.code === plan.area)?.name[lang] ?? `${TEXT[lang].levels[plan.level] ?? plan.level}`;
  const planLevel = (plan) => ({ code: plan.area, name: { vi: `${own(plan, 'vi')} (${TEXT.vi.planLevel})`, en: `${own(plan, 'en')} (${TEXT.en.planLevel})` }, targets: plan.planLevel.targets });
  const rows = plans.flatMap((plan) =>
    [...plan.areas, ...(plan.planLevel.targets.some((target) => target.events > 0) ? [planLevel(plan)] : [])].map((area) => {
      const active = area.targets.filter((target) => target.events > 0).length;
      const label = `a-${cssId(`${plan.id}-${area.code}`)}`;
      return el(
        'tr', {},
        el('th', { scope: 'row', id: label, title: area.code }, local(area.name)),
        el('td', { class: 'num' }, fmtNumber(area.targets.reduce((sum, target) => sum + target.events, 0))),
        el('td', {}, el('div', { class: 'bar', role: 'meter', 'aria-labelledby': label, 'aria-valuemin': 0, 'aria-valuemax': area.targets.length, 'aria-valuenow': active, 'aria-valuetext': `${active} / ${area.targets.length}` }, el('span', { style: { width: `${area.targets.length ? (active / area.targets.length) * 100 : 0}%` } })), `${active} / ${area.targets.length}`),
      );
    }),
  );
  $('#areas').replaceChildren(el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t().area), el('th', { scope: 'col', class: 'num' }, t().events), el('th', { scope: 'col' }, t().activeTargets))), el('tbody', {}, rows));
}

function renderFunnel() {
  const totals = { made: 0, accepted: 0, declined: 0, serviceDelivered: 0, closed: 0 };
  for (const plan of state.overview.plans.filter((entry) => inPlan(entry.id))) for (const stage of Object.keys(totals)) totals[stage] += plan.referrals[stage];
  const most = Math.max(1, totals.made);
  $('#funnel').replaceChildren(
    ...Object.entries(totals).map(([stage, count]) => el('div', { class: 'step' }, el('span', { id: `f-${stage}` }, t().funnel_[stage]), el('div', { class: 'bar', role: 'meter', 'aria-labelledby': `f-${stage}`, 'aria-valuemin': 0, 'aria-valuemax': most, 'aria-valuenow': count }, el('span', { style: { width: `${(count / most) * 100}%` } })), el('span', { class: 'num' }, fmtNumber(count)))),
  );
}

function renderReporting() {
  const rows = state.overview.plans
    .filter((plan) => inPlan(plan.id))
    .flatMap((plan) => plan.reporting.map((body) => el('tr', {}, el('th', { scope: 'row', title: body.body }, agencyName(body.body, plan.id)), el('td', { title: body.area }, body.areaName ? local(body.areaName) : body.area === plan.area ? t().wholeArea : areaName(body.area, plan.id)), el('td', { class: 'num' }, fmtNumber(body.due)), el('td', { class: 'num' }, fmtNumber(body.onTime)), el('td', { class: 'num' }, fmtNumber(body.late)), el('td', { class: 'num' }, fmtNumber(body.missing)), el('td', {}, periodList(body.missingPeriods)))));
  $('#reporting').replaceChildren(el('thead', {}, el('tr', {}, ...[t().agency, t().area, t().dueReports, t().onTime, t().late, t().missing, t().missingPeriods].map((label, index) => el('th', { scope: 'col', class: index > 1 && index < 6 ? 'num' : undefined }, label)))), el('tbody', {}, rows));
}

/** The plans of the level below (issue #24): per unit, its plan on time, late or missing, and the reports it has not sent. */
function renderLowerPlans() {
  const plan = state.overview.plans.find((entry) => entry.id === state.plan && entry.implementation);
  $('#lower-plans-section').hidden = !plan;
  if (!plan) return;
  const { implementation } = plan;
  $('#lower-plans-summary').textContent = implementation.due ? t().lowerSummary(Object.fromEntries(Object.entries(implementation.counts).map(([status, count]) => [status, fmtNumber(count)])), fmtDate(implementation.due)) : '';
  const rows = implementation.lowerPlans.map((row) => {
    const missing = row.reporting.flatMap((duty) => duty.missingPeriods);
    return el('tr', { 'data-lower-area': row.area, 'data-status': row.status },
      el('th', { scope: 'row', title: row.area }, row.name ? local(row.name) : row.area),
      el('td', { title: row.plan?.id }, row.plan ? row.plan.number : '—'),
      el('td', {}, row.plan ? fmtDate(row.plan.issuedOn) : ''),
      el('td', {}, el('span', { class: `status ${row.status}` }, t().lowerStatus_[row.status])),
      el('td', {}, periodList(missing)));
  });
  $('#lower-plans').replaceChildren(el('thead', {}, el('tr', {}, ...[t().area, t().plan, t().issuedOn, t().status, t().reportsMissing].map((label) => el('th', { scope: 'col' }, label)))), el('tbody', {}, rows));
}

/** `monthly:2021-05` → "tháng 5/2021" / "05/2021"; the latest few, the rest counted. */
function periodList(periods) {
  const shown = periods.slice(-4).map((entry) => periodName(entry.slice(entry.indexOf(':') + 1)));
  return periods.length > 4 ? `${shown.join(', ')} (+${fmtNumber(periods.length - 4)})` : shown.join(', ');
}

function renderTaskFilters() {
  const form = $('#task-filters');
  const tasks = state.tasks.filter((task) => inPlan(task.planId));
  const option = (value, label, current, code) => el('option', { value, selected: value === current, title: code }, label);
  const byName = (codes, name) => codes.map((code) => [code, name(code)]).sort((a, b) => a[1].localeCompare(b[1], state.lang));
  const agencies = byName([...new Set(tasks.flatMap((task) => [task.lead, ...task.supporting]))], (code) => agencyName(code));
  const areas = byName([...new Set(tasks.map((task) => task.area))], (code) => areaName(code));
  form.q.value = state.filters.q;
  form.agency.replaceChildren(option('', t().all, state.filters.agency), ...agencies.map(([code, name]) => option(code, name, state.filters.agency, code)));
  form.status.replaceChildren(option('', t().all, state.filters.status), ...Object.entries(t().status_).filter(([code]) => TASK_STATUSES.includes(code)).map(([code, label]) => option(code, label, state.filters.status)));
  form.area.replaceChildren(option('', t().all, state.filters.area), ...areas.map(([code, name]) => option(code, name, state.filters.area, code)));
}

/** Worst first: what needs the secretariat's attention comes to the top when sorted by status. */
const TASK_STATUSES = ['overdue', 'reopened', 'awaiting-confirmation', 'not-started', 'in-progress', 'done'];
const REOPEN_REASONS = ['evidence-missing', 'evidence-insufficient', 'work-incomplete', 'reported-by-mistake', 'other'];
const TASK_PAGE_SIZE = 20;
const decides = () => state.user?.role === 'secretariat';

/** The sortable columns: what each compares. */
const TASK_SORTS = {
  title: (a, b) => local(a.title).localeCompare(local(b.title), state.lang),
  lead: (a, b) => agencyName(a.lead, a.planId).localeCompare(agencyName(b.lead, b.planId), state.lang),
  due: (a, b) => (a.due ?? '9999').localeCompare(b.due ?? '9999'),
  progress: (a, b) => a.progress - b.progress,
  status: (a, b) => TASK_STATUSES.indexOf(a.status) - TASK_STATUSES.indexOf(b.status) || (a.due ?? '9999').localeCompare(b.due ?? '9999'),
};

/** What a filter keeps: the search is on the title in both languages and the body names. */
function taskMatches(task) {
  const { q, agency, status, area } = state.filters;
  const words = q.trim().toLocaleLowerCase('vi');
  const haystack = () => [task.title?.vi, task.title?.en, agencyName(task.lead, task.planId)].join(' ').toLocaleLowerCase('vi');
  return (!agency || task.lead === agency || task.supporting.includes(agency)) && (!status || task.status === status) && (!area || task.area === area) && (!words || haystack().includes(words));
}

function renderTasks() {
  const all = state.tasks.filter((task) => inPlan(task.planId));
  const view = state.taskView;
  const compare = TASK_SORTS[view.sort];
  const tasks = all.filter(taskMatches).sort((a, b) => view.dir * compare(a, b) || a.taskId.localeCompare(b.taskId));
  if (view.offset >= tasks.length) view.offset = Math.max(0, Math.floor((tasks.length - 1) / TASK_PAGE_SIZE) * TASK_PAGE_SIZE);
  const shown = tasks.slice(view.offset, view.offset + TASK_PAGE_SIZE);
  $('#task-summary').textContent = t().taskCount(fmtNumber(tasks.length), fmtNumber(all.length));
  const columns = [['title', t().task], ['lead', t().lead], [null, t().supporting], ['due', t().due], ['progress', t().progress], ['status', t().status], ...(decides() ? [[null, t().actions]] : [])];
  const head = el('thead', {}, el('tr', {}, ...columns.map(([key, label]) =>
    key
      ? el('th', { scope: 'col', 'aria-sort': view.sort === key ? (view.dir > 0 ? 'ascending' : 'descending') : 'none' }, el('button', { type: 'button', class: 'sort', 'data-sort': key, title: t().sortBy(label) }, label, view.sort === key ? (view.dir > 0 ? ' ▲' : ' ▼') : ''))
      : el('th', { scope: 'col' }, label),
  )));
  const rows = shown.map((task) =>
    el('tr', { 'data-task': `${task.planId}/${task.taskId}` },
      el('td', { title: task.taskId }, local(task.title)), el('td', { title: task.lead }, agencyName(task.lead, task.planId)), el('td', { title: task.supporting.join(', ') }, task.supporting.map((code) => agencyName(code, task.planId)).join(', ')),
      el('td', {}, task.due ? dayOf(task.due) : task.recurrence ? t().recurrence(task.recurrence) : '—'), el('td', { class: 'num' }, `${fmtNumber(task.progress)}%`),
      el('td', {}, el('span', { class: `status ${task.status}` }, t().status_[task.status]), ...taskReports(task)),
      ...(decides() ? [el('td', { class: 'decide' }, ...taskActions(task))] : []),
    ),
  );
  const refocus = focusedControl($('#tasks'));
  $('#tasks').replaceChildren(head, el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: columns.length }, t().noTasks))]));
  refocus();
  const pages = Math.max(1, Math.ceil(tasks.length / TASK_PAGE_SIZE));
  $('#task-page').textContent = t().pageOf(fmtNumber(Math.floor(view.offset / TASK_PAGE_SIZE) + 1), fmtNumber(pages));
  $('#task-pager [data-page="prev"]').disabled = view.offset === 0;
  $('#task-pager [data-page="next"]').disabled = view.offset + TASK_PAGE_SIZE >= tasks.length;
}

/** A period key (`2021-05`, `2021-Q3`, `2021-H1`, `2021`): "tháng 5/2021", "quý III/2021", "6 tháng đầu năm 2021". */
const periodName = (key) => t().periodOf(key);

/**
 * A live update redraws a table under the keyboard user: the control that had focus (a row's
 * button or select, a column's sort button) gets it back in the new table.
 */
function focusedControl(container) {
  const focused = document.activeElement;
  if (!focused || !container.contains(focused) || focused === container) return () => undefined;
  const row = focused.closest('tr[data-task]')?.dataset.task;
  const attribute = ['data-action', 'data-sort', 'name'].find((name) => focused.hasAttribute(name));
  if (!attribute) return () => undefined;
  const selector = `${row ? `tr[data-task="${CSS.escape(row)}"] ` : ''}[${attribute}="${CSS.escape(focused.getAttribute(attribute))}"]`;
  return () => container.querySelector(selector)?.focus();
}

/** A calendar day of a plan (`2021-07-01`), not an instant: 01/07/2021. */
const dayOf = (date) => (date ? vietnameseDate(date) : '—');

/** The lead's report (its document and day) and the secretariat's decision, under the status. */
function taskReports(task) {
  const reports = task.reports ?? {};
  const lines = [];
  if (reports.completion) lines.push(`${t().evidence(reports.completion.evidence.documentNumber, dayOf(reports.completion.evidence.issuedOn))}; ${t().doneOn(dayOf(reports.completion.completedOn))}`);
  else if (reports.reportedPercent !== undefined) lines.push(t().reported(fmtNumber(reports.reportedPercent)));
  if (reports.confirmed && task.status === 'done') lines.push(t().confirmedBy(reports.confirmed.by, fmtDate(reports.confirmed.at)));
  if (reports.reopened && task.status === 'reopened') lines.push(t().reopenedBy(reports.reopened.by, fmtDate(reports.reopened.at), t().reason_[reports.reopened.reason] ?? reports.reopened.reason));
  return lines.map((line) => el('div', { class: 'muted small' }, line));
}

/** The secretariat's buttons: confirm a task awaiting confirmation; reopen one reported or confirmed done, with a reason. */
function taskActions(task) {
  const id = cssId(`${task.planId}-${task.taskId}`);
  const reported = task.status === 'awaiting-confirmation' || (task.status === 'done' && task.reports?.confirmed);
  if (!reported) return [];
  const actions = [];
  if (task.status === 'awaiting-confirmation') actions.push(el('button', { type: 'button', class: 'confirm', 'data-action': 'confirm', 'aria-describedby': `task-title-${id}` }, t().confirm));
  const select = el('select', { name: 'reason', id: `reason-${id}`, 'aria-label': `${t().reason}: ${local(task.title)}` }, ...REOPEN_REASONS.map((reason) => el('option', { value: reason }, t().reason_[reason])));
  actions.push(el('span', { class: 'reopen' }, select, el('button', { type: 'button', 'data-action': 'reopen', 'aria-label': `${t().reopen}: ${local(task.title)}` }, t().reopen)));
  actions.push(el('span', { id: `task-title-${id}`, hidden: true }, local(task.title)));
  return actions;
}

async function decideTask(row, action) {
  const [planId, ...rest] = row.dataset.task.split('/');
  const taskId = rest.join('/');
  const body = action === 'reopen' ? { reason: row.querySelector('select[name="reason"]').value } : {};
  const response = await fetch(`/api/v1/tasks/${encodeURIComponent(planId)}/${encodeURIComponent(taskId)}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) throw new SignInNeeded();
  if (!response.ok) {
    $('#task-decision').textContent = `${t().failed}: ${answer.message ?? `HTTP ${response.status}`}`;
    return $('#task-decision').focus();
  }
  $('#task-decision').textContent = `${local(answer.task.title)}: ${t().status_[answer.task.status]}. ${t().decided}`;
  updateTask(answer.task);
  renderTasks();
  // The row's buttons are redrawn: keyboard users continue from the message that says what happened.
  $('#task-decision').focus();
}

function updateTask(task) {
  const index = state.tasks.findIndex((entry) => entry.planId === task.planId && entry.taskId === task.taskId);
  if (index >= 0) state.tasks[index] = task;
  scheduleTasks();
}

const cssId = (text) => text.replace(/[^A-Za-z0-9_-]/g, '_');

/** Several changes in a burst redraw once. */
function debounce(action, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, ms);
  };
}
const scheduleTasks = debounce(() => renderTasks(), 150);
const scheduleReload = debounce(() => loadAll().catch(showError), 1_000);

/** Says since when the figures may lack what happened: the service's bus or store is down, or the service itself. */
function renderFreshness() {
  const notice = $('#stale');
  const freshness = state.freshness;
  const why = state.serviceDown ? 'staleService' : freshness && !freshness.current ? (freshness.bus === 'unreachable' ? 'staleBus' : 'staleStore') : undefined;
  const asOf = state.serviceDown ? state.seenAt : freshness?.asOf;
  notice.hidden = !why || !asOf;
  notice.textContent = why && asOf ? t()[why].replace('{time}', fmtTime(asOf)) : '';
  renderLive(why && asOf ? asOf : undefined);
}

/** Connected, reconnecting, or stale since HH:MM: in words and an icon, not by colour alone. */
function renderLive(staleSince) {
  const live = $('#live');
  if (!state.user) return (live.textContent = '');
  const words = state.serviceDown ? t().offline : state.streamOpen ? t().live : t().connecting;
  const stale = staleSince && t().staleSince(fmtTime(staleSince));
  live.textContent = stale ? (state.serviceDown ? `${words} ${stale}` : stale) : words;
  live.dataset.state = staleSince ? 'stale' : state.serviceDown ? 'reconnecting' : state.streamOpen ? 'connected' : 'connecting';
}

function setFreshness(freshness) {
  state.freshness = freshness;
  state.serviceDown = false;
  renderFreshness();
}

function follow() {
  state.stream?.close();
  const stream = (state.stream = new EventSource('/api/v1/stream'));
  stream.addEventListener('open', () => {
    state.streamOpen = true;
    renderFreshness();
  });
  stream.addEventListener('error', () => {
    state.streamOpen = false;
    // The service is gone: what is shown is as of now (or of when its bus went, as already said).
    if (!state.serviceDown && state.freshness?.current !== false) {
      state.serviceDown = true;
      state.seenAt = new Date().toISOString();
    }
    renderFreshness();
  });
  stream.addEventListener('ready', (message) => {
    state.streamOpen = true;
    setFreshness(JSON.parse(message.data).status);
  });
  stream.addEventListener('status', (message) => {
    setFreshness(JSON.parse(message.data));
    scheduleReload(); // back: what came in meanwhile
  });
  stream.addEventListener('target', (message) => {
    updateTarget(JSON.parse(message.data));
    scheduleReload(); // areas, funnel and reporting are recomputed by the service
  });
  stream.addEventListener('task', (message) => updateTask(JSON.parse(message.data)));
  stream.addEventListener('alert', () => scheduleReload());
  stream.addEventListener('alert-handled', (message) => updateAlertRow(JSON.parse(message.data)));
  stream.addEventListener('plan', () => scheduleReload());
  // The session ended (signed out elsewhere, expired, the token revoked): ask for a token again.
  stream.addEventListener('closing', (message) => {
    if (JSON.parse(message.data).reason !== 'session-ended') return;
    stream.close();
    start().catch(showError);
  });
}

function showError(error) {
  if (error instanceof SignInNeeded) return showSignIn();
  $('#live').textContent = `⚠ ${error.message}`;
}

function renderUser() {
  const who = document.querySelector('.who');
  who.hidden = !state.user;
  if (state.user) $('#who').textContent = `${t().role_[state.user.role] ?? state.user.role}${state.user.agency ? ` ${agencyName(state.user.agency)}` : ''}: ${state.user.name}`;
}

function showSignIn(message = '') {
  state.stream?.close();
  state.streamOpen = false;
  state.user = null;
  $('#main').hidden = true;
  $('#sign-in').hidden = false;
  $('#sign-in-error').textContent = message;
  $('#live').textContent = '';
  renderUser();
  $('#sign-in-form').token.focus();
}

async function start() {
  const response = await fetch('/api/v1/session', { headers: { accept: 'application/json' } });
  if (response.status === 401) return showSignIn();
  if (!response.ok) throw new Error(`/api/v1/session: HTTP ${response.status}`);
  state.user = (await response.json()).user;
  const signingIn = $('#sign-in').contains(document.activeElement);
  $('#sign-in').hidden = true;
  $('#main').hidden = false;
  if (signingIn) $('#main').focus(); // the form is gone: keyboard users continue at the content
  render();
  await loadAll();
  follow();
}

$('#sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const response = await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ token: form.token.value.trim() }) });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    return showSignIn(body.message ?? `HTTP ${response.status}`);
  }
  form.reset();
  start().catch(showError);
});
$('#sign-out').addEventListener('click', async () => {
  await fetch('/api/v1/session', { method: 'DELETE' });
  state.overview = null;
  delete document.body.dataset.ready;
  showSignIn();
});

for (const button of document.querySelectorAll('[data-lang]')) {
  button.addEventListener('click', () => {
    state.lang = button.dataset.lang;
    localStorage.setItem('lienganh-lang', state.lang);
    render();
  });
}
$('#plan-filter').addEventListener('change', (event) => {
  state.plan = event.target.value;
  // The address keeps the choice: a reload, a bookmark or a link shows the same plan.
  const address = new URL(location.href);
  address.searchParams.set('plan', state.plan);
  history.replaceState(null, '', address);
  Object.assign(state.alertQuery, { body: '', area: '', offset: 0 });
  Object.assign(state.filters, { agency: '', area: '' });
  state.taskView.offset = 0;
  render();
  loadAlerts().catch(showError);
});
$('#alert-stages').addEventListener('click', (event) => {
  const chip = event.target.closest('button[data-stage]');
  if (!chip) return;
  Object.assign(state.alertQuery, { stage: chip.dataset.stage, offset: 0 });
  loadAlerts().catch(showError);
});
$('#alert-filters').addEventListener('change', (event) => {
  Object.assign(state.alertQuery, { [event.target.name]: event.target.value, offset: 0 });
  loadAlerts().catch(showError);
});
$('#alert-pager').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-page]');
  if (!button) return;
  state.alertQuery.offset = Math.max(0, state.alertQuery.offset + (button.dataset.page === 'next' ? ALERT_PAGE_SIZE : -ALERT_PAGE_SIZE));
  loadAlerts().catch(showError);
});
// `toggle` does not bubble: caught on its way down.
$('#alerts').addEventListener('toggle', (event) => {
  if (event.target.open && !event.target.dataset.loaded) {
    event.target.dataset.loaded = 'true';
    showHistory(event.target).catch(showError);
  }
}, true);
$('#tasks').addEventListener('click', (event) => {
  const sort = event.target.closest('button[data-sort]');
  if (sort) {
    const view = state.taskView;
    Object.assign(view, { dir: view.sort === sort.dataset.sort ? -view.dir : 1, sort: sort.dataset.sort, offset: 0 });
    renderTasks();
    return $(`#tasks button[data-sort="${sort.dataset.sort}"]`).focus();
  }
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  button.disabled = true;
  decideTask(button.closest('tr'), button.dataset.action).catch(showError).finally(() => (button.disabled = false));
});
$('#task-filters').addEventListener('change', (event) => {
  // The search follows each keystroke (`input`); its `change` comes on blur, when focus is moving on: no redraw then.
  if (event.target.name === 'q') return;
  state.filters[event.target.name] = event.target.value;
  state.taskView.offset = 0;
  renderTasks();
});
$('#task-filters').addEventListener('input', (event) => {
  if (event.target.name !== 'q') return;
  state.filters.q = event.target.value;
  state.taskView.offset = 0;
  renderTasks();
});
$('#task-filters').addEventListener('submit', (event) => event.preventDefault());
$('#task-pager').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-page]');
  if (!button) return;
  state.taskView.offset = Math.max(0, state.taskView.offset + (button.dataset.page === 'next' ? TASK_PAGE_SIZE : -TASK_PAGE_SIZE));
  renderTasks();
});

render();
start().catch(showError);
