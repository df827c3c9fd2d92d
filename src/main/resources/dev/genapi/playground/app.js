// GenApi playground: lists the catalogue, builds a form per function filled from its sample call, calls over the
// native WebSocket, and explains a call through the admin API (GET /admin/explain) given an admin token.
(function () {
  'use strict';
  const framesList = document.getElementById('frames');
  const statusBadge = document.getElementById('status');
  const form = document.getElementById('form');
  const argsBox = document.getElementById('args');
  let socket = null;
  let selected = null;
  let sequence = 0;
  let lastRequestId = null;

  function show(text, kind) {
    const item = document.createElement('li');
    item.textContent = text;
    if (kind) item.className = kind;
    framesList.appendChild(item);
    item.scrollIntoView({ block: 'nearest' });
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(scheme + '://' + location.host + '/ws');
    socket.onopen = () => { statusBadge.textContent = 'connected'; statusBadge.classList.add('open'); };
    socket.onclose = () => {
      statusBadge.textContent = 'disconnected'; statusBadge.classList.remove('open');
      setTimeout(connect, 1000);
    };
    socket.onmessage = (event) => {
      let kind = '';
      try {
        const frame = JSON.parse(event.data);
        if (frame.success === false) kind = 'error';
        else if (frame.push) kind = 'push';
      } catch (e) { kind = 'error'; }
      show(kind === 'push' ? 'push → ' + event.data : event.data, kind);
    };
  }

  // the text an input shows for a value of the sample call (absent values leave it empty)
  function inputText(type, value) {
    if (value === undefined || value === null) return '';
    if (type === 'boolean') return String(value);
    if (typeof value === 'string' && (type === 'string' || type === 'uuid' || type === 'datetime')) return value;
    return JSON.stringify(value);
  }

  function inputFor(name, spec, value) {
    const type = typeof spec === 'string' ? spec : spec.type;
    const label = document.createElement('label');
    label.textContent = name + ' (' + type + ') ';
    let input;
    if (type === 'boolean') {
      input = document.createElement('select');
      ['', 'true', 'false'].forEach((v) => { const o = document.createElement('option'); o.value = v; o.textContent = v || '(absent)'; input.appendChild(o); });
    } else if (type === 'string' || type === 'uuid' || type === 'datetime') {
      input = document.createElement('input');
    } else if (type === 'num') {
      input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
    } else {
      input = document.createElement('textarea');
      input.rows = 2;
      input.placeholder = 'JSON, e.g. ' + (type === 'map' ? '{"k": 1}' : '["a", "b"]');
    }
    input.name = name;
    input.dataset.type = type;
    input.id = 'arg-' + name;
    input.value = inputText(type, value);
    label.appendChild(input);
    return label;
  }

  function select(fn, button) {
    selected = fn;
    document.querySelectorAll('#functions button').forEach((b) => b.classList.remove('selected'));
    button.classList.add('selected');
    document.getElementById('title').textContent = fn.service + ' / ' + fn.request_type + ' ' + fn.version
      + ' (' + fn.response_type + ')';
    argsBox.replaceChildren();
    const sample = fn.sample || { args: {} };
    document.getElementById('sample').textContent = JSON.stringify(sample);
    Object.entries(fn.arg_types || {}).forEach(([name, spec]) =>
      argsBox.appendChild(inputFor(name, spec, sample.args[name])));
    form.hidden = false;
  }

  function readArgs() {
    const args = {};
    argsBox.querySelectorAll('input, textarea, select').forEach((input) => {
      const raw = input.value.trim();
      if (raw === '') return;
      const type = input.dataset.type;
      if (type === 'num') args[input.name] = Number(raw);
      else if (type === 'boolean') args[input.name] = raw === 'true';
      else if (type === 'string' || type === 'uuid' || type === 'datetime') args[input.name] = input.value;
      else args[input.name] = JSON.parse(raw);
    });
    return args;
  }

  // the call the form describes, or null (after showing why) when an argument is not valid JSON
  function formCall() {
    let args;
    try { args = readArgs(); } catch (e) { show('bad JSON in an argument: ' + e.message, 'error'); return null; }
    const call = { service: selected.service, request_type: selected.request_type, version: selected.version, args };
    const user = document.getElementById('user_id').value.trim();
    const device = document.getElementById('device_id').value.trim();
    const roles = document.getElementById('user_roles').value.split(',').map((r) => r.trim()).filter(Boolean);
    if (user) call.user_id = user;
    if (device) call.device_id = device;
    if (roles.length) call.user_roles = roles;
    return call;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!selected || !socket || socket.readyState !== WebSocket.OPEN) return;
    const call = formCall();
    if (!call) return;
    lastRequestId = 'play-' + (++sequence);
    const text = JSON.stringify(Object.assign({ request_id: lastRequestId }, call));
    socket.send(text);
    show('→ ' + text, 'sent');
  });

  document.getElementById('explain').addEventListener('click', () => {
    const call = selected && formCall();
    if (!call) return;
    const query = new URLSearchParams({ service: call.service, request_type: call.request_type,
      version: call.version, args: JSON.stringify(call.args) });
    if (call.user_id) query.set('user_id', call.user_id);
    if (call.device_id) query.set('device_id', call.device_id);
    if (call.user_roles) query.set('roles', call.user_roles.join(','));
    const box = document.getElementById('explanation');
    fetch('/admin/explain?' + query, { headers: { Authorization: 'Bearer ' + document.getElementById('admin_token').value } })
      .then((r) => r.json().then((body) => ({ ok: r.ok, status: r.status, body })))
      .then(({ ok, status, body }) => {
        box.textContent = ok ? JSON.stringify(body, null, 2) : status + ': ' + (body.error || JSON.stringify(body));
        box.className = ok ? '' : 'error';
        box.hidden = false;
      })
      .catch((e) => { box.textContent = String(e); box.className = 'error'; box.hidden = false; });
  });

  document.getElementById('cancel').addEventListener('click', () => {
    if (lastRequestId && socket) {
      const text = JSON.stringify({ op: 'cancel', request_id: lastRequestId });
      socket.send(text);
      show('→ ' + text, 'sent');
    }
  });
  document.getElementById('clear').addEventListener('click', () => framesList.replaceChildren());

  fetch('/api/functions').then((r) => r.json()).then((catalogue) => {
    const list = document.getElementById('functions');
    catalogue.functions.forEach((fn) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.fn = fn.service + '/' + fn.request_type + '/' + fn.version;
      button.innerHTML = '';
      button.append(fn.service + ' / ' + fn.request_type);
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = fn.version + ' · ' + fn.response_type;
      button.appendChild(meta);
      button.addEventListener('click', () => select(fn, button));
      item.appendChild(button);
      list.appendChild(item);
    });
  });
  connect();
})();
