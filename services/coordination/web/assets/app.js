// The committee's dashboard: reads the coordination API, renders, and follows the SSE stream.
// Plain modules, no build step: the page is served as it is written.

const TEXT = {
  vi: {
    skip: 'Bỏ qua, tới nội dung chính', title: 'Ban Chỉ đạo 138 — Phòng, chống mại dâm', updated: 'Cập nhật',
    connecting: 'đang kết nối…', live: '● trực tuyến', offline: '○ mất kết nối, đang thử lại…',
    staleBus: 'Dữ liệu tính đến {time}, mất kết nối hệ thống truyền tin (bus): số liệu mới chưa được cập nhật.',
    staleStore: 'Dữ liệu tính đến {time}, chưa ghi được kho dữ liệu: số liệu mới chưa được cập nhật.',
    staleService: 'Dữ liệu tính đến {time}, không kết nối được dịch vụ điều phối.',
    plans: 'Kế hoạch', plan: 'Kế hoạch', allPlans: 'Tất cả kế hoạch', targets: 'Chỉ tiêu theo cơ quan',
    alerts: 'Cảnh báo', noAlerts: 'Không có cảnh báo phù hợp.', areas: 'Theo địa bàn', planLevel: 'chung, không thuộc địa bàn cấp dưới', funnel: 'Chuyển gửi hỗ trợ',
    reporting: 'Chế độ báo cáo', tasks: 'Nhiệm vụ', agency: 'Cơ quan', status: 'Tình trạng', area: 'Địa bàn', all: 'Tất cả',
    task: 'Nhiệm vụ', lead: 'Chủ trì', supporting: 'Phối hợp', due: 'Thời hạn', progress: 'Tiến độ', goal: 'Mục tiêu',
    achieved: 'Đạt', events: 'sự kiện', period: 'Kỳ', onTime: 'Đúng hạn', late: 'Muộn', missing: 'Chưa gửi', dueReports: 'Phải gửi',
    missingPeriods: 'Kỳ chưa gửi (gần nhất)', activeTargets: 'Chỉ tiêu có hoạt động',
    cadence_: { monthly: 'tháng', quarterly: 'quý', 'half-yearly': '6 tháng', annual: 'năm' },
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
    signOut: 'Đăng xuất', hiddenRef: '(mã hồ sơ đã ẩn)',
    backlog: 'Tồn đọng trước khi nhập kế hoạch', backlogNote: 'Việc đã quá hạn trước khi kế hoạch được nhập (hoặc trước ngày bắt đầu cảnh báo): không gửi cảnh báo, chỉ thống kê theo cơ quan.',
    missedBefore: 'Quá hạn trước khi nhập', byKind: 'Theo loại', noBacklog: 'Không có việc tồn đọng.', alertsFrom: 'cảnh báo tính từ', wholeArea: 'Toàn địa bàn kế hoạch',
    role_: { secretariat: 'Thường trực BCĐ 138', 'agency-officer': 'Cán bộ', 'committee-member': 'Thành viên BCĐ 138' },
  },
  en: {
    skip: 'Skip to main content', title: 'Steering Committee 138 — Prostitution prevention', updated: 'Updated',
    connecting: 'connecting…', live: '● live', offline: '○ offline, retrying…',
    staleBus: 'Data as of {time}, bus unreachable: new figures are not coming in.',
    staleStore: 'Data as of {time}, the store cannot write: new figures are not coming in.',
    staleService: 'Data as of {time}, the coordination service is unreachable.',
    plans: 'Plans', plan: 'Plan', allPlans: 'All plans', targets: 'Targets by agency',
    alerts: 'Alerts', noAlerts: 'No matching alerts.', areas: 'By area', planLevel: 'as a whole, in none of the areas below', funnel: 'Referrals for support',
    reporting: 'Reporting', tasks: 'Tasks', agency: 'Agency', status: 'Status', area: 'Area', all: 'All',
    task: 'Task', lead: 'Lead', supporting: 'Supporting', due: 'Due', progress: 'Progress', goal: 'Goal',
    achieved: 'Achieved', events: 'events', period: 'Period', onTime: 'On time', late: 'Late', missing: 'Missing', dueReports: 'Due',
    missingPeriods: 'Missing periods (latest)', activeTargets: 'Targets with activity',
    cadence_: { monthly: 'month', quarterly: 'quarter', 'half-yearly': 'half-year', annual: 'year' },
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
    signOut: 'Sign out', hiddenRef: '(case reference hidden)',
    backlog: 'Backlog before import', backlogNote: 'Duties already overdue when the plan was imported (or before its alerts start): no alerts are sent for them, they are counted per body here.',
    missedBefore: 'Missed before import', byKind: 'By kind', noBacklog: 'No backlog.', alertsFrom: 'alerts from', wholeArea: "Plan's whole area",
    role_: { secretariat: 'Committee 138 secretariat', 'agency-officer': 'Officer', 'committee-member': 'Committee member' },
  },
};

// freshness: the board's BoardFreshness (/api/v1/status, the stream's ready and status); seenAt: when the service went unreachable.
const state = { freshness: null, seenAt: null, serviceDown: false, lang: localStorage.getItem('lienganh-lang') === 'en' ? 'en' : 'vi', user: null, stream: null, overview: null, agencyNames: new Map(), tasks: [], alertPage: null, alertQuery: { stage: 'open', body: '', area: '', kind: '', sort: 'due', offset: 0 }, plan: '', filters: { agency: '', status: '', area: '' } };
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
    date: new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeZone: 'Asia/Ho_Chi_Minh' }),
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
  await loadAlerts();
  render();
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
  renderTargets();
  renderAlerts();
  renderBacklog();
  renderAreas();
  renderFunnel();
  renderReporting();
  renderTaskFilters();
  renderTasks();
  document.body.dataset.ready = 'true';
}

function renderPlans() {
  const select = $('#plan-filter');
  select.replaceChildren(el('option', { value: '' }, t().allPlans), ...state.overview.plans.map((plan) => el('option', { value: plan.id, selected: plan.id === state.plan }, `${plan.number} — ${local(plan.title)}`)));
  $('#plan-list').replaceChildren(
    ...state.overview.plans.filter((plan) => inPlan(plan.id)).map((plan) => el('li', {}, el('strong', {}, local(plan.title)), ...revisionNote(plan), el('br'), el('span', { class: 'muted' }, `${plan.number} · ${t().levels[plan.level] ?? plan.level} ${plan.area} · ${fmtDate(`${plan.period.start}T00:00:00+07:00`)} – ${fmtDate(`${plan.period.end}T00:00:00+07:00`)}`))),
  );
}

/** An amended plan (kế hoạch sửa đổi) says which version the board shows, next to its title; the first version says nothing. */
function revisionNote(plan) {
  if (!plan.revision || plan.revision.number < 2) return [];
  // A calendar day of the plan, written as the document writes it (01/07/2021), in both languages.
  const day = plan.revision.effectiveFrom.split('-').reverse().join('/');
  return [' ', el('span', { class: 'muted' }, `(${t().revision(plan.revision.number, day)})`)];
}

function targetNode(target) {
  const key = `${target.planId}/${target.id}`;
  const goal = target.goal.min !== undefined ? `≥ ${fmtNumber(target.goal.min)}` : `≤ ${fmtNumber(target.goal.max)}`;
  const unit = target.measure === 'percentage' ? '%' : '';
  return el(
    'div', { class: 'target', 'data-target': key },
    el('div', { class: 'name', id: `t-${cssId(key)}` }, local(target.title)),
    el('div', { class: 'bar', role: 'progressbar', 'aria-labelledby': `t-${cssId(key)}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': target.percent, 'aria-valuetext': `${fmtNumber(target.achieved)}${unit} (${goal}${unit}), ${t().status_[target.status]}` }, el('span', { style: { width: `${Math.min(100, target.percent)}%` } })),
    el('div', { class: 'muted' }, el('span', { 'data-achieved': '' }, `${t().achieved}: ${fmtNumber(target.achieved)}${unit} / ${goal}${unit}`), ' ', el('span', { class: `status ${target.status}` }, t().status_[target.status])),
  );
}

function renderTargets() {
  const targets = state.overview.targets.filter((target) => inPlan(target.planId));
  const groups = [...new Set(targets.map((target) => `${target.planId}|${target.agency}`))];
  $('#targets').replaceChildren(
    ...groups.map((group) => {
      const [planId, agency] = group.split('|');
      return el('div', { class: 'group' }, el('h3', {}, agencyName(agency, planId)), ...targets.filter((target) => target.planId === planId && target.agency === agency).map(targetNode));
    }),
  );
}

/** A target moved (SSE): only its bar and figures change, the page stays where it is. */
function updateTarget(target) {
  if (!state.overview) return;
  const index = state.overview.targets.findIndex((entry) => entry.planId === target.planId && entry.id === target.id);
  if (index < 0) return;
  state.overview.targets[index] = target;
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
  $('#alerts').replaceChildren(...(page.alerts.length ? page.alerts.map(alertRow) : [el('li', {}, t().noAlerts)]));
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
        el('strong', { title: alert.hidden ? t().hiddenRef : deadline.refId }, dutyOf(alert)),
        ` · `, el('span', { title: deadline.agency }, agencyName(deadline.agency, deadline.planId)),
        ...(where ? [' · ', el('span', { title: deadline.areaCode }, where)] : []),
        ` · ${t().due}: ${fmtDate(deadline.dueAt)}`,
      ),
      el('ol', { class: 'history muted small', 'aria-live': 'polite' }),
    ),
  );
}

/** A row opened: its history (every alert raised about the deadline), fetched then. */
async function showHistory(details) {
  const item = details.closest('li[data-alert]');
  const list = details.querySelector('.history');
  const { history } = await getJson(`/api/v1/alerts/${encodeURIComponent(item.dataset.alert)}`);
  list.replaceChildren(...history.map((alert) => el('li', {}, `${fmtDateTime(alert.time)}: ${t().alert_[alert.kind]}${alert.leadDays ? ` (${t().daysBefore(alert.leadDays)})` : ''}`)));
}

/** Per body, the duties missed before each plan's alerts started (its import, or its alertsFrom): never alerted, counted here. */
function renderBacklog() {
  const plans = state.overview.plans.filter((plan) => inPlan(plan.id));
  $('#backlog-starts').replaceChildren(...plans.filter((plan) => plan.alertsFrom).map((plan) => el('li', {}, `${plan.number}: ${t().alertsFrom} ${fmtDate(plan.alertsFrom)}`)));
  const rows = plans.flatMap((plan) =>
    (plan.backlog ?? []).map((entry) =>
      el('tr', { 'data-backlog': `${plan.id}/${entry.body}` }, el('th', { scope: 'row' }, agencyName(entry.body, plan.id)), el('td', { class: 'num' }, fmtNumber(entry.missed)), el('td', {}, Object.entries(entry.kinds).map(([kind, count]) => `${t().deadline_[kind] ?? kind} ${fmtNumber(count)}`).join(', '))),
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
  const planLevel = (plan) => ({ code: plan.area, name: { vi: `${TEXT.vi.levels[plan.level] ?? plan.level} ${plan.area} (${TEXT.vi.planLevel})`, en: `${TEXT.en.levels[plan.level] ?? plan.level} ${plan.area} (${TEXT.en.planLevel})` }, targets: plan.planLevel.targets });
  const rows = plans.flatMap((plan) =>
    [...plan.areas, ...(plan.planLevel.targets.some((target) => target.events > 0) ? [planLevel(plan)] : [])].map((area) => {
      const active = area.targets.filter((target) => target.events > 0).length;
      const label = `a-${cssId(`${plan.id}-${area.code}`)}`;
      return el(
        'tr', {},
        el('th', { scope: 'row', id: label }, local(area.name)),
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
    .flatMap((plan) => plan.reporting.map((body) => el('tr', {}, el('th', { scope: 'row' }, agencyName(body.body, plan.id)), el('td', {}, body.areaName ? local(body.areaName) : body.area === plan.area ? t().wholeArea : body.area), el('td', { class: 'num' }, body.due), el('td', { class: 'num' }, body.onTime), el('td', { class: 'num' }, body.late), el('td', { class: 'num' }, body.missing), el('td', {}, periodList(body.missingPeriods)))));
  $('#reporting').replaceChildren(el('thead', {}, el('tr', {}, ...[t().agency, t().area, t().dueReports, t().onTime, t().late, t().missing, t().missingPeriods].map((label, index) => el('th', { scope: 'col', class: index > 1 && index < 6 ? 'num' : undefined }, label)))), el('tbody', {}, rows));
}

/** `monthly:2021-05` → "tháng 2021-05" / "month 2021-05"; the latest few, the rest counted. */
function periodList(periods) {
  const shown = periods.slice(-4).map((entry) => {
    const [cadence, period] = entry.split(':');
    return `${t().cadence_[cadence] ?? cadence} ${period}`;
  });
  return periods.length > 4 ? `${shown.join(', ')} (+${periods.length - 4})` : shown.join(', ');
}

function renderTaskFilters() {
  const form = $('#task-filters');
  const tasks = state.tasks.filter((task) => inPlan(task.planId));
  const option = (value, label, current) => el('option', { value, selected: value === current }, label);
  const agencies = [...new Set(tasks.flatMap((task) => [task.lead, ...task.supporting]))].sort();
  const areas = [...new Set(tasks.map((task) => task.area))].sort();
  form.agency.replaceChildren(option('', t().all, state.filters.agency), ...agencies.map((code) => option(code, agencyName(code), state.filters.agency)));
  form.status.replaceChildren(option('', t().all, state.filters.status), ...Object.entries(t().status_).filter(([code]) => TASK_STATUSES.includes(code)).map(([code, label]) => option(code, label, state.filters.status)));
  form.area.replaceChildren(option('', t().all, state.filters.area), ...areas.map((code) => option(code, code, state.filters.area)));
}

const TASK_STATUSES = ['not-started', 'in-progress', 'awaiting-confirmation', 'done', 'reopened', 'overdue'];
const REOPEN_REASONS = ['evidence-missing', 'evidence-insufficient', 'work-incomplete', 'reported-by-mistake', 'other'];
const decides = () => state.user?.role === 'secretariat';

function renderTasks() {
  const { agency, status, area } = state.filters;
  const all = state.tasks.filter((task) => inPlan(task.planId));
  const tasks = all.filter((task) => (!agency || task.lead === agency || task.supporting.includes(agency)) && (!status || task.status === status) && (!area || task.area === area));
  $('#task-summary').textContent = t().taskCount(tasks.length, all.length);
  const labels = [t().task, t().lead, t().supporting, t().due, t().progress, t().status, ...(decides() ? [t().actions] : [])];
  const head = el('thead', {}, el('tr', {}, ...labels.map((label) => el('th', { scope: 'col' }, label))));
  const rows = tasks.map((task) =>
    el('tr', { 'data-task': `${task.planId}/${task.taskId}` },
      el('td', {}, local(task.title)), el('td', {}, agencyName(task.lead, task.planId)), el('td', {}, task.supporting.map((code) => agencyName(code, task.planId)).join(', ')),
      el('td', {}, task.due ? fmtDate(`${task.due}T00:00:00+07:00`) : task.recurrence ?? '—'), el('td', { class: 'num' }, `${fmtNumber(task.progress)}%`),
      el('td', {}, el('span', { class: `status ${task.status}` }, t().status_[task.status]), ...taskReports(task)),
      ...(decides() ? [el('td', { class: 'decide' }, ...taskActions(task))] : []),
    ),
  );
  $('#tasks').replaceChildren(head, el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: labels.length }, t().noTasks))]));
}

/** A period key (`2021-05`, `2021-Q3`, `2021-H1`, `2021`) as Vietnamese writes it. */
const periodName = (key) => key;

const dayOf = (date) => fmtDate(`${date}T00:00:00+07:00`);

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
}

function setFreshness(freshness) {
  state.freshness = freshness;
  state.serviceDown = false;
  renderFreshness();
}

function follow() {
  state.stream?.close();
  const stream = (state.stream = new EventSource('/api/v1/stream'));
  stream.addEventListener('open', () => ($('#live').textContent = t().live));
  stream.addEventListener('error', () => {
    $('#live').textContent = t().offline;
    // The service is gone: what is shown is as of now (or of when its bus went, as already said).
    if (!state.serviceDown && state.freshness?.current !== false) {
      state.serviceDown = true;
      state.seenAt = new Date().toISOString();
    }
    renderFreshness();
  });
  stream.addEventListener('ready', (message) => {
    $('#live').textContent = t().live;
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
  Object.assign(state.alertQuery, { body: '', area: '', offset: 0 });
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
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  button.disabled = true;
  decideTask(button.closest('tr'), button.dataset.action).catch(showError).finally(() => (button.disabled = false));
});
$('#task-filters').addEventListener('change', (event) => {
  state.filters[event.target.name] = event.target.value;
  renderTasks();
});

render();
start().catch(showError);
