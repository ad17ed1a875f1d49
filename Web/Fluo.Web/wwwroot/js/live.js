// Fluo live client: one WebSocket to /ws (cookie-authenticated), reconnect with exponential back-off (x1.5, capped at
// 30 s, with jitter), resubscribe with since = last sequence seen per channel, dedup by message id, a header status
// indicator, and updates applied to the server-rendered page. No framework.

const MAX_DELAY = 30000;
const statusEl = document.getElementById('live-status');
const channels = new Set();
const lastSeq = new Map();      // channel -> highest sequence seen
// data-since: the stream position the server-rendered content reflects; events after it are replayed, so nothing
// between rendering and subscribing is lost.
document.querySelectorAll('[data-channels]').forEach(el => el.dataset.channels.split(/\s+/).filter(Boolean).forEach(c => {
  channels.add(c);
  if (el.dataset.since !== undefined && el.dataset.since !== '') lastSeq.set(c, Number(el.dataset.since));
}));
const seen = new Set();         // message ids already applied (bounded)
const seenOrder = [];
let socket = null, attempt = 0, delay = 1000, timer = null, pingTimer = null;

function setStatus(kind, text) {
  if (!statusEl) return;
  statusEl.className = 'status ' + kind;
  statusEl.textContent = text;
}

function remember(id) {
  seen.add(id); seenOrder.push(id);
  if (seenOrder.length > 5000) seen.delete(seenOrder.shift());
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ id: crypto.randomUUID?.() ?? String(Date.now()), timestamp: new Date().toISOString(), ...frame }));
  }
}

function connect() {
  clearTimeout(timer);
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  socket = new WebSocket(url);
  socket.onopen = () => { /* the cookie authenticates; wait for 'authenticated' */ };
  socket.onmessage = ev => {
    let frame;
    try { frame = JSON.parse(ev.data); } catch { return; }
    switch (frame.type) {
      case 'authenticated':
        attempt = 0; delay = 1000;
        setStatus('live', 'Live');
        for (const channel of channels) {
          const since = lastSeq.get(channel);
          send(since === undefined ? { type: 'subscribe', channel } : { type: 'subscribe', channel, since });
        }
        clearInterval(pingTimer);
        pingTimer = setInterval(() => send({ type: 'ping' }), 25000);
        break;
      case 'message':
        if (seen.has(frame.id)) return;
        remember(frame.id);
        if (typeof frame.seq === 'number' && frame.channel !== 'metrics') {
          lastSeq.set(frame.channel, Math.max(lastSeq.get(frame.channel) ?? 0, frame.seq));
        }
        apply(frame);
        document.dispatchEvent(new CustomEvent('fluo:message', { detail: frame }));
        break;
      case 'subscribed':
        if (frame.payload && typeof frame.payload.lastSeq === 'number' && frame.payload.lastSeq > 0 && frame.channel !== 'metrics') {
          lastSeq.set(frame.channel, Math.max(lastSeq.get(frame.channel) ?? 0, frame.payload.lastSeq));
        }
        break;
      case 'error':
        console.warn('fluo live:', frame.payload?.code, frame.payload?.reason);
        if (frame.channel?.startsWith('signal:')) {
          document.querySelectorAll(`tr[data-signal-id="${frame.channel.slice(7)}"] button`).forEach(b => b.disabled = false);
        }
        break;
    }
  };
  socket.onclose = ev => {
    clearInterval(pingTimer);
    if (ev.code === 1008 && /too many connections/.test(ev.reason)) { setStatus('offline', 'Offline'); return; }
    schedule();
  };
  socket.onerror = () => { /* onclose follows */ };
}

function schedule() {
  attempt++;
  if (!navigator.onLine) { setStatus('offline', 'Offline'); }
  else { setStatus('reconnecting', `Reconnecting (${attempt})`); }
  const jitter = delay * (0.8 + Math.random() * 0.4);
  timer = setTimeout(connect, Math.min(jitter, MAX_DELAY));
  delay = Math.min(delay * 1.5, MAX_DELAY);
}

// Resolve / reopen over the socket when it is open (the change comes back on 'signals'); a plain form POST otherwise.
document.addEventListener('submit', ev => {
  const form = ev.target;
  if (!form.closest?.('#signals-table') || !socket || socket.readyState !== WebSocket.OPEN) return;
  ev.preventDefault();
  const id = form.elements.namedItem('id').value, status = form.elements.namedItem('status').value;
  form.querySelector('button').disabled = true;
  send({ type: 'publish', channel: 'signal:' + id, payload: { status } });
});

window.addEventListener('online', () => { if (!socket || socket.readyState === WebSocket.CLOSED) { delay = 1000; connect(); } });
window.addEventListener('offline', () => setStatus('offline', 'Offline'));

// ---- applying events to the page ----

const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const spark = new Map();

function apply(frame) {
  if (frame.channel === 'metrics') return applyMetrics(frame.payload);
  if (frame.channel === 'signals' || frame.channel?.startsWith('signal:')) return applySignal(frame);
  if (frame.channel === 'jobs' || frame.channel?.startsWith('job:')) return applyJob(frame.payload);
  if (frame.channel === 'system') return applySystem(frame);
}

function applyMetrics(m) {
  const values = { tracesPerSecond: m.tracesPerSecond, connections: m.connections };
  for (const [k, v] of Object.entries(m.jobs ?? {})) values['jobs.' + k] = v;
  for (const s of ['critical', 'error', 'warning', 'info']) values['openSignals.' + s] = m.openSignals ? (m.openSignals[s] ?? 0) : '–';
  for (const [k, v] of Object.entries(values)) {
    document.querySelectorAll(`[data-metric="${k}"]`).forEach(el => el.textContent = v);
    if (typeof v === 'number') {
      const series = spark.get(k) ?? []; series.push(v); if (series.length > 60) series.shift(); spark.set(k, series);
      document.querySelectorAll(`canvas[data-spark="${k}"]`).forEach(c => drawSpark(c, series));
    }
  }
  const tbody = document.querySelector('#consumers-table tbody');
  if (tbody) {
    tbody.innerHTML = (m.consumers ?? []).map(c =>
      `<tr><td>${esc(c.stream)}</td><td>${esc(c.name)}</td><td>${c.pending}</td><td>${c.ackPending}</td><td>${c.redelivered}</td></tr>`).join('');
  }
}

function drawSpark(canvas, series) {
  const ctx = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(1, ...series);
  ctx.strokeStyle = '#4aa8ff'; ctx.lineWidth = 1.5; ctx.beginPath();
  series.forEach((v, i) => { const x = (i / Math.max(1, series.length - 1)) * w, y = h - (v / max) * (h - 2) - 1; i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
  ctx.stroke();
}

function applySignal(frame) {
  const signal = frame.payload?.signal ?? frame.payload;
  const table = document.getElementById('signals-table');
  if (!table || !signal?.id) return;
  const f = table.dataset;
  if ((f.filterSeverity && f.filterSeverity !== signal.severity) || (f.filterTrace && f.filterTrace !== signal.traceId)) return;
  let row = table.querySelector(`tr[data-signal-id="${signal.id}"]`);
  if (f.filterStatus && f.filterStatus !== signal.status) { row?.remove(); return; }
  const token = document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';
  const next = signal.status === 'open' ? 'resolved' : 'open';
  const html = `<td>${esc(new Date(signal.createdAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</td>
    <td>${esc(signal.severity)}</td><td>${esc(signal.ruleName)}</td>
    <td><a href="/trace/${esc(signal.traceId)}">${esc(signal.traceId.slice(0, 12))}…</a></td>
    <td class="status-cell">${esc(signal.status)}</td>
    <td><form method="post" action="/signals?handler=Status" class="inline">
      <input type="hidden" name="__RequestVerificationToken" value="${esc(token)}" />
      <input type="hidden" name="id" value="${esc(signal.id)}" /><input type="hidden" name="status" value="${next}" />
      <button type="submit">${next === 'resolved' ? 'Resolve' : 'Reopen'}</button></form></td>`;
  if (row) { row.innerHTML = html; }
  else {
    row = document.createElement('tr');
    row.dataset.signalId = signal.id;
    row.innerHTML = html;
    table.tBodies[0].prepend(row);
    const total = document.getElementById('signals-total');
    if (total) total.textContent = String(Number(total.textContent) + 1);
  }
  row.className = 'sev-' + signal.severity + ' new';
}

function applyJob(job) {
  if (!job?.jobId) return;
  const id = job.jobId.replace(/-/g, '');
  const backtest = document.querySelector(`#backtest[data-job-id="${id}"]`);
  if (backtest) {
    const b = job.result?.backtest;
    backtest.textContent = b ? `${job.state}: flagged ${b.tracesFlagged} of ${b.tracesTested} recent traces` : `${job.state} ${Math.round((job.progress ?? 0) * 100)}%`;
  }
  const table = document.getElementById('jobs-table');
  if (!table) return;
  let row = table.querySelector(`tr[data-job-id="${id}"]`);
  const html = `<td><code>${esc(id.slice(0, 8))}</code></td><td>${esc(job.type)}</td><td class="state-cell">${esc(job.state)}</td>
    <td><progress max="1" value="${Number(job.progress ?? 0)}"></progress></td><td>${job.attempt ?? ''}</td>
    <td>${esc(new Date(job.updatedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</td><td>${esc(job.message)}</td>`;
  if (!row) { row = document.createElement('tr'); row.dataset.jobId = id; table.tBodies[0].prepend(row); }
  row.innerHTML = html;
  row.className = 'state-' + job.state + ' new';
}

function applySystem(frame) {
  const list = document.getElementById('system-events');
  if (!list) return;
  const li = document.createElement('li');
  li.textContent = `${frame.timestamp} ${frame.subject} ${JSON.stringify(frame.payload)}`;
  list.prepend(li);
  while (list.children.length > 50) list.lastChild.remove();
}

if (statusEl) { setStatus('reconnecting', 'Connecting'); connect(); }
