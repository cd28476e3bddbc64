// The demo web chat: sign in, list conversations, chat over the same REST API and IM WebSocket
// as any client (session per tab, in sessionStorage). Message text is only ever rendered with textContent (never innerHTML).
const appKey = document.body.dataset.appKey;
const [org, app] = appKey.split('#');
const base = `/${encodeURIComponent(org)}/${encodeURIComponent(app)}`;
const $ = (id) => document.getElementById(id);
const resource = sessionStorage.getItem('resource') || `web-${Math.random().toString(36).slice(2, 10)}`;
sessionStorage.setItem('resource', resource);

let session = JSON.parse(sessionStorage.getItem('demo-session') || 'null');
let socket = null;
let conversations = [];
const history = new Map(); // "type/id" → [{id, from, text, mine}]
const seen = new Set();

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(session ? { Authorization: `Bearer ${session.token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error_description || `HTTP ${res.status}`);
  return json;
}

function setStatus(text) { $('status').textContent = text; }

function route() {
  const m = /^#\/chat\/(singleChat|groupChat|chatRoom)\/(.+)$/.exec(location.hash);
  return m ? { type: m[1], id: decodeURIComponent(m[2]) } : null;
}

function keyOf(type, id) { return `${type}/${id}`; }

function renderConversations() {
  const list = $('conversations');
  list.replaceChildren();
  const current = route();
  for (const c of conversations) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#/chat/${c.type}/${encodeURIComponent(c.id)}`;
    a.textContent = c.name;
    if (current && current.type === c.type && current.id === c.id) a.className = 'active';
    li.append(a);
    list.append(li);
  }
}

function renderMessages() {
  const current = route();
  const ol = $('messages');
  ol.replaceChildren();
  $('composer').hidden = !current;
  if (!current) { $('title').textContent = 'Pick a conversation'; return; }
  const conv = conversations.find((c) => c.type === current.type && c.id === current.id);
  $('title').textContent = conv ? conv.name : current.id;
  for (const m of history.get(keyOf(current.type, current.id)) || []) {
    const li = document.createElement('li');
    if (m.mine) li.className = 'mine';
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = m.from;
    const text = document.createElement('span');
    text.textContent = m.text;
    li.append(from, text);
    ol.append(li);
  }
  ol.scrollTop = ol.scrollHeight;
}

function addMessage(type, id, m) {
  const k = keyOf(type, id);
  if (!history.has(k)) history.set(k, []);
  history.get(k).push(m);
}

function onMessage(msg) {
  if (seen.has(msg.id)) return;
  seen.add(msg.id);
  const text = msg.type === 'txt' ? String(msg.body.msg ?? '') : `[${msg.type}]`;
  addMessage(msg.conversation.type, msg.conversation.id, { id: msg.id, from: msg.from, text, mine: false });
  if (msg.conversation.type === 'singleChat' && !conversations.some((c) => c.type === 'singleChat' && c.id === msg.conversation.id)) {
    conversations.push({ type: 'singleChat', id: msg.conversation.id, name: msg.conversation.id });
    renderConversations();
  }
  renderMessages();
}

function connect() {
  let kicked = false;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${base}/ws`;
  socket = new WebSocket(url);
  socket.onopen = () => socket.send(JSON.stringify({ op: 'auth', token: session.token, resource }));
  socket.onmessage = (e) => {
    const frame = JSON.parse(e.data);
    if (frame.op === 'ready') setStatus(`Online as ${session.username} (${resource})`);
    else if (frame.op === 'msg') {
      onMessage(frame.msg);
      socket.send(JSON.stringify({ op: 'ack', id: frame.msg.id }));
    } else if (frame.op === 'kicked') {
      // A kicked device stays offline (no automatic reconnect) until the person reloads the page.
      kicked = true;
      setStatus(`Disconnected: ${frame.reason}. Reload the page to connect again.`);
    }
    else if (frame.op === 'error') setStatus(frame.error_description);
  };
  socket.onclose = () => {
    if (session && socket && !kicked) { setStatus('Offline — reconnecting…'); setTimeout(() => session && connect(), 2000); }
  };
}

async function loadConversations() {
  const groups = await api('GET', `/users/${encodeURIComponent(session.username)}/joined_chatgroups`);
  conversations = groups.data.map((g) => ({ type: g.type === 'chatroom' ? 'chatRoom' : 'groupChat', id: g.groupid, name: g.groupname }));
  for (const u of ['alice', 'bob', 'carol']) if (u !== session.username) conversations.push({ type: 'singleChat', id: u, name: u });
}

async function showChat() {
  $('signin').hidden = true;
  $('chat').hidden = false;
  $('signout').hidden = false;
  $('who').textContent = session.username;
  try {
    await loadConversations();
  } catch (e) {
    if (/token/i.test(e.message)) return signOut();
    setStatus(e.message);
  }
  renderConversations();
  renderMessages();
  connect();
}

function signOut() {
  session = null;
  sessionStorage.removeItem('demo-session');
  const s = socket;
  socket = null;
  if (s) s.close();
  $('chat').hidden = true;
  $('signout').hidden = true;
  $('who').textContent = '';
  $('signin').hidden = false;
}

$('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  $('signin-error').textContent = '';
  try {
    const res = await api('POST', '/token', { grant_type: 'password', username: String(form.get('username')), password: String(form.get('password')) });
    session = { token: res.access_token, username: res.user.username };
    sessionStorage.setItem('demo-session', JSON.stringify(session));
    await showChat();
  } catch (err) {
    $('signin-error').textContent = err.message;
  }
});

$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const current = route();
  const text = $('text').value;
  if (!current || !text.trim()) return;
  const mentions = [...text.matchAll(/@([a-zA-Z0-9_.-]+)/g)].map((m) => m[1].toLowerCase());
  const target = current.type === 'singleChat' ? 'users' : current.type === 'groupChat' ? 'chatgroups' : 'chatrooms';
  const body = { to: [current.id], type: 'txt', body: { msg: text } };
  if (mentions.length) body.ext = { em_at_list: mentions.includes('all') ? 'all' : mentions };
  try {
    const res = await api('POST', `/messages/${target}`, body);
    const id = res.data[current.id];
    seen.add(id);
    addMessage(current.type, current.id, { id, from: session.username, text, mine: true });
    $('text').value = '';
    renderMessages();
  } catch (err) {
    setStatus(err.message);
  }
});

$('signout').addEventListener('click', signOut);
window.addEventListener('hashchange', () => { renderConversations(); renderMessages(); });

if (session) void showChat();
else $('signin').hidden = false;
