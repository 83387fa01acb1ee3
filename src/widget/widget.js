/*
 * Parley website chat widget. A site embeds it with
 *   <script src="https://PARLEY-HOST/widget.js" data-parley-key="PUBLIC_KEY" async></script>
 * It starts or resumes a visitor session over HTTP, then speaks the graphql-transport-ws
 * protocol over one WebSocket for everything else: history, sending, typing and live replies.
 * Plain ES2017 with no dependencies and no build step; the DOM lives in a shadow root so the
 * host page's CSS cannot reach it.
 */
(function () {
'use strict';

var script = document.currentScript || document.querySelector('script[data-parley-key]');
var publicKey = script && script.getAttribute('data-parley-key');
if (!publicKey || window.__parleyWidgetLoaded) return;
window.__parleyWidgetLoaded = true;

var parleyOrigin = new URL(script.src, location.href).origin;
var storageKey = 'parley-webchat:' + publicKey;

// Shown before a session exists; every other text comes with the session, in the browser's language.
var LAUNCHER_TEXTS = {
  en: ['Open chat', 'The chat isn’t available right now. Please try again later.'],
  nl: ['Chat openen', 'De chat is nu niet beschikbaar. Probeer het later opnieuw.'],
  fr: ['Ouvrir la discussion', 'La discussion n’est pas disponible pour le moment. Veuillez réessayer plus tard.'],
  de: ['Chat öffnen', 'Der Chat ist gerade nicht verfügbar. Bitte versuchen Sie es später erneut.']
};
var launcherTexts = LAUNCHER_TEXTS[String(navigator.language).slice(0, 2).toLowerCase()] || LAUNCHER_TEXTS.en;
var t = null;

var MESSAGE_FIELDS = 'id direction authorKind text createdAt';
var QUERY_HISTORY = 'query { visitorConversation { handler messages(last: 50) { edges { node { ' + MESSAGE_FIELDS + ' } } } } }';
var MUTATION_SEND = 'mutation($text: String!, $clientMessageId: String) { sendVisitorMessage(text: $text, clientMessageId: $clientMessageId) { ' + MESSAGE_FIELDS + ' } }';
var MUTATION_TYPING = 'mutation($isTyping: Boolean!) { setTyping(isTyping: $isTyping) }';
var MUTATION_PROFILE = 'mutation($name: String, $email: String) { updateVisitorProfile(name: $name, email: $email) { id } }';
var MUTATION_HUMAN = 'mutation { requestHuman { handler } }';
var SUBSCRIPTION_MESSAGES = 'subscription { messageAdded { ' + MESSAGE_FIELDS + ' } }';
var SUBSCRIPTION_TYPING = 'subscription { typingChanged { actor isTyping } }';

// graphql-transport-ws client.
// Subscriptions are sent again after a reconnect; one-shot operations still waiting for a result
// are too, which is safe because sendVisitorMessage carries a clientMessageId.

function createSocket(token, onStatus) {
  var socket = null;
  var acknowledged = false;
  var stopped = false;
  var attempts = 0;
  var nextId = 1;
  var operations = {};

  function send(message) {
    socket.send(JSON.stringify(message));
  }
  function start(operation) {
    send({ id: operation.id, type: 'subscribe', payload: { query: operation.query, variables: operation.variables } });
  }
  function connect() {
    socket = new WebSocket(parleyOrigin.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    socket.onopen = function () {
      send({ type: 'connection_init', payload: { authorization: 'Bearer ' + token } });
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      var operation = operations[message.id];
      if (message.type === 'connection_ack') {
        acknowledged = true;
        attempts = 0;
        onStatus('online');
        Object.keys(operations).forEach(function (id) { start(operations[id]); });
      } else if (message.type === 'ping') {
        send({ type: 'pong' });
      } else if (operation && message.type === 'next') {
        operation.next(message.payload);
      } else if (operation && message.type === 'error') {
        delete operations[message.id];
        operation.fail(message.payload);
      } else if (operation && message.type === 'complete') {
        delete operations[message.id];
        if (operation.done) operation.done();
      }
    };
    socket.onclose = function (event) {
      acknowledged = false;
      if (stopped) return;
      // 4401 and 4403 mean the token was refused: reconnecting with it cannot help.
      if (event.code === 4401 || event.code === 4403) return onStatus('refused');
      onStatus('offline');
      attempts += 1;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2));
    };
  }

  function register(operation) {
    operation.id = String(nextId++);
    operations[operation.id] = operation;
    if (acknowledged) start(operation);
    return operation.id;
  }

  connect();
  return {
    request: function (query, variables) {
      return new Promise(function (resolve, reject) {
        var result;
        register({
          query: query,
          variables: variables || {},
          next: function (payload) { result = payload; },
          fail: reject,
          done: function () {
            if (result && result.errors && result.errors.length) reject(result.errors);
            else resolve(result && result.data);
          }
        });
      });
    },
    subscribe: function (query, onData) {
      register({
        query: query,
        variables: {},
        next: function (payload) { if (payload.data) onData(payload.data); },
        fail: function () {}
      });
    },
    close: function () {
      stopped = true;
      socket.close(1000);
    }
  };
}



function element(tag, attributes, children) {
  var node = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) {
    if (name === 'text') node.textContent = attributes[name];
    else node.setAttribute(name, attributes[name]);
  });
  (children || []).forEach(function (child) { node.appendChild(child); });
  return node;
}

// Message text becomes text nodes and links for http(s) URLs; no markup from a message is parsed.
function renderText(container, text) {
  String(text || '').split(/(https?:\/\/[^\s<>"]+)/g).forEach(function (part, index) {
    if (index % 2 === 0) container.appendChild(document.createTextNode(part));
    else container.appendChild(element('a', { href: part, target: '_blank', rel: 'noopener noreferrer', text: part }));
  });
}

var ICON_CHAT = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.6.5-1.5.1-1.5-.7V16A2.5 2.5 0 0 1 4 13.5z" fill="currentColor"/></svg>';
var ICON_CLOSE = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>';
var ICON_SEND = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3.4 20.4l17.4-7.5c.8-.4.8-1.5 0-1.8L3.4 3.6c-.7-.3-1.4.4-1.2 1.1L4 11l9 1-9 1-1.8 6.3c-.2.7.5 1.4 1.2 1.1z" fill="currentColor"/></svg>';
var ICON_PERSON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="8" r="4" fill="currentColor"/><path d="M4 20c0-4 3.6-6 8-6s8 2 8 6" fill="currentColor"/></svg>';

var STYLE = `
:host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;font:15px/1.45 system-ui,sans-serif;color:#1f2330;--accent:#3d5afe;--accent-dark:#2740d8}
*{box-sizing:border-box}
button,input,textarea{font:inherit;color:inherit}
:focus-visible{outline:3px solid #ffb020;outline-offset:2px}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.launcher{width:60px;height:60px;border:0;border-radius:50%;background:var(--accent);color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 8px 24px rgba(30,40,90,.28);position:relative}
.launcher:hover{background:var(--accent-dark)}
.launcher svg{width:28px;height:28px}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#e5334b;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.toast{position:absolute;right:0;bottom:74px;width:260px;padding:10px 14px;border-radius:12px;background:#fff;color:#a3162b;font-size:13.5px;box-shadow:0 8px 24px rgba(20,28,70,.2)}
.launcher[aria-busy=true]{opacity:.7;cursor:progress}
.panel{position:absolute;right:0;bottom:76px;width:370px;height:min(580px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:18px;overflow:hidden;box-shadow:0 18px 50px rgba(20,28,70,.25);animation:pop .18s ease-out}
@keyframes pop{from{opacity:0;transform:translateY(10px) scale(.97)}}
header{display:flex;align-items:flex-start;gap:10px;padding:18px 16px 16px 20px;background:linear-gradient(135deg,var(--accent),#6a3df5);color:#fff}
header .titles{flex:1;min-width:0}
h2{margin:0;font-size:18px;font-weight:650;}
header p{margin:3px 0 0;font-size:13.5px;opacity:.88}
.icon{width:34px;height:34px;flex:none;border:0;border-radius:50%;background:rgba(255,255,255,.14);color:#fff;cursor:pointer;display:grid;place-items:center}
.icon:hover{background:rgba(255,255,255,.26)}
.icon svg{width:18px;height:18px}
.log{flex:1;min-height:140px;overflow-y:auto;padding:18px 16px 8px;background:#f6f7fb;display:flex;flex-direction:column;gap:4px}
.row{display:flex;flex-direction:column;align-items:flex-start;max-width:82%}
.row.mine{align-self:flex-end;align-items:flex-end}
.author{font-size:12px;color:#697089;margin:8px 0 3px 4px}
.bubble{padding:9px 13px;border-radius:16px 16px 16px 5px;background:#fff;box-shadow:0 1px 2px #1c2a4614;white-space:pre-wrap;overflow-wrap:anywhere}
.mine .bubble{border-radius:16px 16px 5px 16px;background:var(--accent);color:#fff;box-shadow:none}
.mine .bubble a{color:#fff}
.bubble a{color:var(--accent-dark)}
.pending .bubble{opacity:.6}
.notice{align-self:center;margin:10px 0;padding:7px 12px;border-radius:10px;background:#e9ecf8;color:#3b4260;font-size:13px;text-align:center}
.notice.error{background:#fdecee;color:#a3162b}
.notice button{margin-left:6px;border:0;background:none;color:var(--accent-dark);font-weight:600;cursor:pointer;text-decoration:underline}
.typing{display:flex;gap:4px;padding:12px 14px;margin-top:6px;border-radius:16px 16px 16px 5px;background:#fff;align-self:flex-start;box-shadow:0 1px 2px #1c2a4614}
.typing i{width:7px;height:7px;border-radius:50%;background:#9aa1b9;animation:blink 1.2s infinite}
.typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}
@keyframes blink{0%,80%,100%{opacity:.3}40%{opacity:1}}
.actions{padding:0 16px;background:#f6f7fb}
.human{margin:6px 0 10px;padding:7px 14px;border:1.5px solid var(--accent);border-radius:18px;background:#fff;color:var(--accent-dark);font-weight:600;font-size:13.5px;cursor:pointer}
.details{padding:12px 16px;border-top:1px solid #e6e8f0;background:#fff;display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}
.details p,.details .save{grid-column:1/3;margin:0;font-size:13px;color:#596079}
.details label{display:grid;gap:3px;font-size:12.5px;font-weight:600;color:#3b4260}
.details input{width:100%;padding:7px 9px;border:1px solid #cfd3e1;border-radius:9px;background:#fff}
.details .save{justify-self:end;font-size:15px;padding:7px 16px;border:0;border-radius:9px;background:var(--accent);color:#fff;font-weight:600;cursor:pointer}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px 10px 16px;border-top:1px solid #e6e8f0;background:#fff}
textarea{flex:1;resize:none;border:0;outline:0;max-height:120px;padding:8px 0;background:transparent}
.composer:focus-within{box-shadow:inset 0 2px 0 var(--accent)}
.send{width:40px;height:40px;flex:none;border:0;border-radius:50%;background:var(--accent);color:#fff;cursor:pointer;display:grid;place-items:center}
.send:disabled{background:#c5cbe0;cursor:default}
.send svg{width:18px;height:18px}
footer{padding:7px 16px 9px;background:#fff;font-size:12px;color:#7a819b;text-align:center}
footer a{color:inherit}
@media (max-width:480px){:host{right:12px;bottom:12px}.launcher[aria-expanded=true]{display:none}.panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}}
textarea:focus-visible{outline:0}
.launcher .shut,.launcher[aria-expanded=true] .chat{display:none}
.launcher[aria-expanded=true] .shut{display:block}`;



var host = element('div', { id: 'parley-webchat' });
var root = host.attachShadow({ mode: 'open' });
root.innerHTML = '<style>' + STYLE + '</style><div class="toast" id="toast" role="alert" hidden></div>' +
  '<button class="launcher" id="launcher" type="button" aria-expanded="false" aria-controls="panel">' +
  ICON_CHAT.replace('<svg', '<svg class="chat"') + ICON_CLOSE.replace('<svg', '<svg class="shut"') +
  '<span class="badge" id="badge" hidden></span></button>';
document.body.appendChild(host);

function byId(id) { return root.getElementById(id); }
var launcher = byId('launcher'), badge = byId('badge'), toast = byId('toast');
launcher.setAttribute('aria-label', launcherTexts[0]);
var panel, title, detailsButton, log, typing, humanButton, details, nameInput, emailInput, composer, textarea, sendButton, privacyLink;

/** Builds the chat panel once the session brought the texts. */
function buildPanel() {
  // Static markup from the server's own texts, which contain no markup characters; visitor and
  // agent text is only ever set through textContent.
  var markup = document.createElement('template');
  markup.innerHTML = '<div class="panel" id="panel" role="dialog" aria-labelledby="title" hidden>' +
    '<header><div class="titles"><h2 id="title"></h2><p>' + t.subtitle + '</p></div>' +
    '<button class="icon" id="details-button" type="button" aria-label="' + t.details + '" aria-expanded="false" aria-controls="details">' + ICON_PERSON + '</button>' +
    '<button class="icon" id="close" type="button" aria-label="' + t.close + '">' + ICON_CLOSE + '</button></header>' +
    '<div class="log" id="log" role="log" aria-live="polite" aria-labelledby="title" tabindex="0">' +
    '<div class="typing" id="typing" role="status" hidden><i></i><i></i><i></i><span class="sr">' + t.typing + '</span></div></div>' +
    '<div class="actions"><button class="human" id="human" type="button" hidden>' + t.human + '</button></div>' +
    '<form class="details" id="details" hidden novalidate><p>' + t.detailsHint + '</p>' +
    '<label>' + t.name + '<input id="name" type="text" autocomplete="name" maxlength="100"></label>' +
    '<label>' + t.email + '<input id="email" type="email" autocomplete="email" maxlength="254"></label>' +
    '<button class="save" type="submit">' + t.save + '</button></form>' +
    '<form class="composer" id="composer"><label class="sr" for="message">' + t.messageLabel + '</label>' +
    '<textarea id="message" rows="1" maxlength="10000" placeholder="' + t.placeholder + '"></textarea>' +
    '<button class="send" id="send" type="submit" aria-label="' + t.send + '" disabled>' + ICON_SEND + '</button></form>' +
    '<footer><a id="privacy" target="_blank" rel="noopener noreferrer">' + t.privacy + '</a></footer></div>';
  root.insertBefore(markup.content, toast);
  panel = byId('panel'); title = byId('title'); detailsButton = byId('details-button'); log = byId('log');
  typing = byId('typing'); humanButton = byId('human'); details = byId('details'); nameInput = byId('name');
  emailInput = byId('email'); composer = byId('composer'); textarea = byId('message'); sendButton = byId('send');
  privacyLink = byId('privacy');
  bindPanel();
}

var token = null;
try { token = localStorage.getItem(storageKey); } catch (error) { /* storage blocked: the session lasts for this page only */ }
var live = null;
var session = null;
var rendered = {};
var lastAuthor = null;
var unread = 0;
var isOpen = false;
var typingHideTimer = null;
var typingSentAt = 0;
var typingStopTimer = null;
var offlineNotice = null;
var detailsPromptShown = false;

function saveToken(value) {
  token = value;
  try {
    if (value) localStorage.setItem(storageKey, value);
    else localStorage.removeItem(storageKey);
  } catch (error) { /* storage blocked */ }
}

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

function notice(text, isError, action) {
  var node = element('div', { class: 'notice' + (isError ? ' error' : ''), role: isError ? 'alert' : 'status', text: text });
  if (action) node.appendChild(action);
  log.insertBefore(node, typing);
  scrollToEnd();
  return node;
}

function authorName(message) {
  if (message.direction === 'INBOUND') return t.you;
  return message.authorKind === 'BOT' ? t.assistant : session.widget.title;
}

function addMessage(message, pending) {
  if (message.id && rendered[message.id]) return rendered[message.id];
  var author = authorName(message);
  var row = element('div', { class: 'row' + (message.direction === 'INBOUND' ? ' mine' : '') + (pending ? ' pending' : '') });
  if (author !== lastAuthor) {
    row.appendChild(element('div', { class: 'author', 'aria-hidden': 'true', text: author }));
    lastAuthor = author;
  }
  var bubble = element('div', { class: 'bubble' }, [element('span', { class: 'sr', text: author + ': ' })]);
  renderText(bubble, message.text);
  if (message.createdAt) bubble.title = new Date(message.createdAt).toLocaleString(navigator.language);
  row.appendChild(bubble);
  log.insertBefore(row, typing);
  if (message.id) rendered[message.id] = row;
  scrollToEnd();
  return row;
}

function setUnread(count) {
  unread = count;
  badge.textContent = String(count);
  badge.hidden = count === 0;
}

function onMessageAdded(data) {
  var message = data.messageAdded;
  if (message.direction !== 'OUTBOUND') return;
  if (!isOpen) setUnread(unread + 1);
  if (!panel || rendered[message.id]) return;
  typing.hidden = true;
  addMessage(message);
}

function onTypingChanged(data) {
  if (!panel) return;
  clearTimeout(typingHideTimer);
  typing.hidden = !data.typingChanged.isTyping;
  if (!typing.hidden) {
    scrollToEnd();
    // A lost "stopped typing" must not leave the dots on screen for good.
    typingHideTimer = setTimeout(function () { typing.hidden = true; }, 8000);
  }
}

function connectLive() {
  if (live) live.close();
  live = createSocket(token, function (status) {
    if (status === 'online' && offlineNotice) {
      offlineNotice.remove();
      offlineNotice = null;
    } else if (status === 'offline' && !offlineNotice && isOpen && t) {
      offlineNotice = notice(t.offline, true);
    } else if (status === 'refused') {
      live = null;
      saveToken(null);
      session = null;
      sessionReady = null;
      if (isOpen) ensureSession();
    }
  });
  live.subscribe(SUBSCRIPTION_MESSAGES, onMessageAdded);
  live.subscribe(SUBSCRIPTION_TYPING, onTypingChanged);
}

function showHandler(handler) {
  humanButton.hidden = handler !== 'BOT';
}

function startSession() {
  return fetch(parleyOrigin + '/webchat/' + encodeURIComponent(publicKey) + '/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: token || undefined, locale: navigator.language })
  }).then(function (response) {
    if (!response.ok) throw new Error('session failed with HTTP ' + response.status);
    return response.json();
  }).then(function (body) {
    session = body;
    t = body.widget.texts;
    if (!panel) buildPanel();
    // A returning visitor's socket already uses a token for this conversation.
    if (!live || !body.returning) {
      saveToken(body.token);
      connectLive();
    } else {
      saveToken(body.token);
    }
    log.querySelectorAll('.row,.notice').forEach(function (node) { node.remove(); });
    rendered = {};
    lastAuthor = null;
    title.textContent = body.widget.title;
    privacyLink.href = body.privacyPolicyUrl;
    nameInput.value = body.visitor.name || '';
    emailInput.value = body.visitor.email || '';
    showHandler(body.handler);
    // The greeting opens the conversation; it is shown, not stored.
    addMessage({ direction: 'OUTBOUND', authorKind: 'AGENT', text: body.widget.greeting });
    return live.request(QUERY_HISTORY);
  }).then(function (data) {
    var conversation = data.visitorConversation;
    showHandler(conversation.handler);
    conversation.messages.edges.forEach(function (edge) { addMessage(edge.node); });
  });
}

var sessionReady = null;
/** Starts the session once per page, or again after the server refused the token. */
function ensureSession() {
  if (!sessionReady) {
    launcher.setAttribute('aria-busy', 'true');
    sessionReady = startSession().then(function () {
      launcher.removeAttribute('aria-busy');
      return true;
    }, function () {
      launcher.removeAttribute('aria-busy');
      sessionReady = null;
      return false;
    });
  }
  return sessionReady;
}

function setOpen(open) {
  isOpen = open;
  launcher.setAttribute('aria-expanded', String(open));
  toast.hidden = true;
  if (!open) {
    if (panel) panel.hidden = true;
    launcher.focus();
    return;
  }
  setUnread(0);
  ensureSession().then(function (ready) {
    if (!isOpen) return;
    if (!ready && !panel) {
      toast.textContent = launcherTexts[1];
      toast.hidden = false;
      isOpen = false;
      launcher.setAttribute('aria-expanded', 'false');
      return;
    }
    if (!ready) notice(launcherTexts[1], true);
    panel.hidden = false;
    textarea.focus();
    scrollToEnd();
  });
}

launcher.addEventListener('click', function () { setOpen(!isOpen); });

function errorCode(errors) {
  return errors && errors[0] && errors[0].extensions && errors[0].extensions.code;
}

function sendTyping(isTyping) {
  if (!live || !session) return;
  typingSentAt = isTyping ? Date.now() : 0;
  live.request(MUTATION_TYPING, { isTyping: isTyping }).catch(function () {});
}

/** Wires the panel's controls; runs once, when the panel is built. */
function bindPanel() {
  byId('close').addEventListener('click', function () { setOpen(false); });
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') setOpen(false);
  });
  detailsButton.addEventListener('click', function () {
    details.hidden = !details.hidden;
    detailsButton.setAttribute('aria-expanded', String(!details.hidden));
    if (!details.hidden) nameInput.focus();
  });

  textarea.addEventListener('input', function () {
    sendButton.disabled = textarea.value.trim() === '';
    textarea.style.height = 'auto';
    textarea.style.height = Math.min(textarea.scrollHeight, 120) + 'px';
    if (textarea.value.trim() && Date.now() - typingSentAt > 3000) sendTyping(true);
    clearTimeout(typingStopTimer);
    typingStopTimer = setTimeout(function () { if (typingSentAt) sendTyping(false); }, 4000);
  });
  textarea.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  composer.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) return;
    textarea.value = '';
    textarea.style.height = 'auto';
    sendButton.disabled = true;
    clearTimeout(typingStopTimer);
    typingSentAt = 0;
    var clientMessageId = 'w' + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    var row = addMessage({ direction: 'INBOUND', authorKind: 'CONTACT', text: text }, true);
    live.request(MUTATION_SEND, { text: text, clientMessageId: clientMessageId }).then(function (data) {
      var message = data.sendVisitorMessage;
      row.classList.remove('pending');
      // The subscription may have delivered this message first; keep one copy.
      if (rendered[message.id]) row.remove();
      else rendered[message.id] = row;
      if (!detailsPromptShown && !emailInput.value) {
        detailsPromptShown = true;
        var open = element('button', { type: 'button', text: t.addDetails });
        open.addEventListener('click', function () { if (details.hidden) detailsButton.click(); });
        notice(t.detailsHint, false, open);
      }
    }, function (errors) {
      row.remove();
      lastAuthor = null;
      textarea.value = text;
      sendButton.disabled = false;
      notice(errorCode(errors) === 'RATE_LIMITED' ? t.rateLimited : t.sendFailed, true);
    });
  });

  humanButton.addEventListener('click', function () {
    humanButton.disabled = true;
    live.request(MUTATION_HUMAN).then(function (data) {
      showHandler(data.requestHuman.handler);
      notice(t.handedOff, false);
    }, function () {
      notice(t.sendFailed, true);
    }).then(function () {
      humanButton.disabled = false;
    });
  });

  details.addEventListener('submit', function (event) {
    event.preventDefault();
    var name = nameInput.value.trim();
    var email = emailInput.value.trim();
    var emailValid = !email || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
    emailInput.setAttribute('aria-invalid', String(!emailValid));
    if (!emailValid) {
      notice(t.invalidEmail, true);
      emailInput.focus();
      return;
    }
    if (!name && !email) return;
    live.request(MUTATION_PROFILE, { name: name || null, email: email || null }).then(function () {
      details.hidden = true;
      detailsButton.setAttribute('aria-expanded', 'false');
      notice(t.saved, false);
      textarea.focus();
    }, function (errors) {
      notice(errorCode(errors) === 'BAD_USER_INPUT' ? t.invalidEmail : t.sendFailed, true);
    });
  });
}

// A returning visitor listens for replies at once, so the launcher can count unread messages.
if (token) connectLive();
})();
