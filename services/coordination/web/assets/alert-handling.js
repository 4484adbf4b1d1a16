// The secretariat works the alert queue (ADR 0019): a row's state (acknowledged, assigned, notes)
// and, in its details, the three actions. A module of its own so that app.js only calls it.

const TEXT = {
  vi: {
    acknowledge: 'Xác nhận đã biết / Acknowledge', note: 'Ghi chú / Note', addNote: 'Thêm ghi chú / Add note', assignTo: 'Giao cho / Assign to',
    assign: 'Giao / Assign', choose: '— chọn cơ quan —', acknowledged: (by, at) => `✓ Đã xác nhận: ${by}, ${at}`, notAcknowledged: '○ Chưa xác nhận',
    assigned: (body) => `→ Giao cho ${body}`, notes: (count) => `✎ ${count} ghi chú`, noteBy: (by, at) => `${by}, ${at}`,
    history_: { acknowledged: (entry, name) => `xác nhận đã biết (${entry.by})`, noted: (entry) => `ghi chú (${entry.by}): ${entry.withheld ? '…' : entry.text}`, assigned: (entry, name) => `giao cho ${name} (${entry.by})` },
    done: { acknowledge: 'Đã xác nhận.', notes: 'Đã thêm ghi chú.', assign: 'Đã giao.' }, failed: 'Không thực hiện được',
  },
  en: {
    acknowledge: 'Acknowledge', note: 'Note', addNote: 'Add note', assignTo: 'Assign to',
    assign: 'Assign', choose: '— choose a body —', acknowledged: (by, at) => `✓ Acknowledged: ${by}, ${at}`, notAcknowledged: '○ Not acknowledged',
    assigned: (body) => `→ Assigned to ${body}`, notes: (count) => `✎ ${count} notes`, noteBy: (by, at) => `${by}, ${at}`,
    history_: { acknowledged: (entry) => `acknowledged (${entry.by})`, noted: (entry) => `note (${entry.by}): ${entry.withheld ? '…' : entry.text}`, assigned: (entry, name) => `assigned to ${name} (${entry.by})` },
    done: { acknowledge: 'Acknowledged.', notes: 'Note added.', assign: 'Assigned.' }, failed: 'Could not be done',
  },
};

export const HANDLING_KINDS = ['acknowledged', 'noted', 'assigned'];

/**
 * The row's state, beside its stage in the summary: acknowledged or not, the body it is assigned
 * to (by name, the code in the tooltip), how many notes.
 * ctx: { el, lang, agencyName(code, planId), fmtDateTime(iso) }.
 */
export function handlingState(alert, ctx) {
  const t = TEXT[ctx.lang];
  const { el } = ctx;
  const parts = [
    el('span', { class: `ack ${alert.acknowledged ? 'yes' : 'no'}`, 'data-acknowledged': String(Boolean(alert.acknowledged)) }, alert.acknowledged ? t.acknowledged(alert.acknowledged.by, ctx.fmtDateTime(alert.acknowledged.at)) : t.notAcknowledged),
  ];
  if (alert.assignedTo) parts.push(' · ', el('span', { class: 'assigned', title: alert.assignedTo.body, 'data-assigned': alert.assignedTo.body }, t.assigned(ctx.agencyName(alert.assignedTo.body, alert.deadline.planId))));
  if (alert.notes?.length) parts.push(' · ', el('span', { class: 'note-count' }, t.notes(alert.notes.length)));
  return el('span', { class: 'handling-state small' }, ...parts);
}

/** A handling entry of the row's history, in words; undefined for an alert raised. */
export function historyText(entry, ctx) {
  if (!HANDLING_KINDS.includes(entry.kind)) return undefined;
  return TEXT[ctx.lang].history_[entry.kind](entry, entry.assignee ? ctx.agencyName(entry.assignee, entry.deadline.planId) : '');
}

/**
 * In the row's details: its notes (latest first) and, for the secretariat, the three actions.
 * ctx also: { user, bodies: [{ code, name }] (the plan's), local(name), onChange(row) }.
 */
export function handlingPanel(alert, ctx) {
  const t = TEXT[ctx.lang];
  const { el } = ctx;
  const notes = el('ul', { class: 'notes small' }, ...(alert.notes ?? []).map((note) => el('li', {}, el('span', {}, note.withheld ? '…' : note.text), ' ', el('span', { class: 'muted' }, `(${t.noteBy(note.by, ctx.fmtDateTime(note.at))})`))));
  if (ctx.user?.role !== 'secretariat') return el('div', { class: 'handling' }, notes);
  const status = el('p', { class: 'handling-status small', role: 'status', 'aria-live': 'polite' });
  const run = async (action, body, control) => {
    control.disabled = true;
    try {
      const response = await fetch(`/api/v1/alerts/${encodeURIComponent(alert.id)}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        // The API names what was wrong (never the refused value): shown as it says it.
        const why = answer.issues?.map((issue) => issue.message).join('; ') || answer.message || `HTTP ${response.status}`;
        status.textContent = `⚠ ${t.failed}: ${why}`;
        return;
      }
      status.textContent = t.done[action];
      ctx.onChange(answer.alert, t.done[action]);
    } finally {
      control.disabled = false;
    }
  };
  const resolved = alert.stage === 'resolved';
  const acknowledge = el('button', { type: 'button', class: 'acknowledge', disabled: resolved || Boolean(alert.acknowledged) }, t.acknowledge);
  acknowledge.addEventListener('click', () => run('acknowledge', {}, acknowledge));

  const noteForm = el('form', { class: 'note-form' },
    el('label', { class: 'field' }, el('span', {}, t.note), el('input', { name: 'text', type: 'text', maxlength: 500, required: true, autocomplete: 'off' })),
    el('button', { type: 'submit' }, t.addNote),
  );
  noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = noteForm.text.value.trim();
    if (text) run('notes', { text }, noteForm.querySelector('button'));
  });

  const options = [el('option', { value: '' }, t.choose), ...ctx.bodies.map((body) => el('option', { value: body.code, title: body.code, selected: alert.assignedTo?.body === body.code }, ctx.local(body.name)))];
  const assignForm = el('form', { class: 'assign-form' },
    el('label', { class: 'field' }, el('span', {}, t.assignTo), el('select', { name: 'body', required: true, disabled: resolved }, ...options)),
    el('button', { type: 'submit', disabled: resolved }, t.assign),
  );
  assignForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (assignForm.body.value) run('assign', { body: assignForm.body.value }, assignForm.querySelector('button'));
  });
  return el('div', { class: 'handling' }, el('div', { class: 'handling-actions' }, acknowledge, noteForm, assignForm), status, notes);
}
