// Fluo dashboard: resource actions and live updates over server-sent events (/api/events).
// A page names the events that change it in <body data-live="kind" data-live-key="...">; on such an event
// it fetches itself again and swaps its #live region in place. Without EventSource it reloads every few seconds.

document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  button.disabled = true;
  const response = await fetch(`/api/resources/${encodeURIComponent(button.dataset.name)}/${button.dataset.action}`, { method: 'POST' });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    alert(problem.detail || `${button.dataset.action} failed: ${response.status}`);
  }
  button.disabled = false;
});

const { live, liveKey, refresh } = document.body.dataset;

function concerns(kind, data) {
  if (!liveKey) return true;
  switch (kind) {
    case 'console': return data.resource === liveKey;
    case 'trace': return data.traceIds.includes(liveKey);
    case 'log': case 'metrics': return data.services.includes(liveKey);
    default: return data.name === liveKey;
  }
}

let pending = false;
async function update() {
  if (pending) return;
  pending = true;
  await new Promise((resolve) => setTimeout(resolve, 250)); // coalesce bursts of events
  try {
    const response = await fetch(location.href, { headers: { 'X-Fluo-Live': '1' } });
    if (response.ok) {
      const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('live');
      const current = document.getElementById('live');
      if (next && current) current.replaceWith(next);
      document.body.dataset.updated = String(Number(document.body.dataset.updated || 0) + 1);
    }
  } finally {
    pending = false;
  }
}

function fallBack() {
  if (refresh) setInterval(update, Number(refresh) * 1000);
}

if (live) {
  if (!('EventSource' in window)) {
    fallBack();
  } else {
    const source = new EventSource('/api/events');
    source.addEventListener('hello', () => { document.body.dataset.connected = 'true'; });
    for (const kind of live.split(' ')) {
      source.addEventListener(kind, (event) => { if (concerns(kind, JSON.parse(event.data))) update(); });
    }
    let fellBack = false;
    source.onerror = () => {
      // The browser retries by itself; if the stream is gone for good, poll instead.
      if (source.readyState === EventSource.CLOSED && !fellBack) { fellBack = true; fallBack(); }
    };
  }
}
