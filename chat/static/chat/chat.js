// findus pages: send messages, show streamed replies and analyses as they land.
// Model text only ever reaches the page as textContent or as server-rendered, escaped HTML.
"use strict";

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try { data = await response.json(); } catch (e) { /* empty body */ }
  return { ok: response.ok, status: response.status, data };
}

async function fetchHTML(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();  // server-rendered, escaped
  return template.content;
}

// One stream per page; on every (re)connect the page refetches, so nothing is missed. If the
// stream keeps failing, fall back to polling.
function liveUpdates(url, { onReady, onEvent, poll }) {
  let failures = 0, timer = null, first = true;
  const status = document.getElementById("live-status");
  const startPolling = () => {
    if (timer) return;
    if (status) status.textContent = "Live updates are unavailable; refreshing every few seconds.";
    timer = setInterval(poll, 3000);
  };
  if (!window.EventSource) { startPolling(); return; }
  const source = new EventSource(url);
  source.addEventListener("ready", () => {
    failures = 0;
    if (timer) { clearInterval(timer); timer = null; if (status) status.textContent = ""; }
    if (!first) onReady();
    first = false;
  });
  for (const name of ["job", "reply.delta"]) {
    source.addEventListener(name, (event) => onEvent(name, JSON.parse(event.data)));
  }
  source.onerror = () => { failures += 1; if (failures >= 3) startPolling(); };
  window.addEventListener("pagehide", () => source.close());
}

function setupRetry(root, refresh) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest("button.retry");
    if (!button) return;
    button.disabled = true;
    const result = await postJSON(`/api/jobs/${button.dataset.job}/retry`);
    if (!result.ok) { button.disabled = false; button.textContent = result.data.detail || "Try again"; }
    refresh();
  });
}

function chatPage(root) {
  const turnsURL = root.dataset.turns;
  const list = document.getElementById("turns");
  const form = document.getElementById("send");
  const textarea = document.getElementById("text");
  const error = document.getElementById("send-error");

  const turnElement = (messageId) => document.getElementById(`turn-${messageId}`);

  async function refreshTurn(messageId) {
    const fresh = (await fetchHTML(`${turnsURL}${messageId}/`)).querySelector("li.turn");
    const current = turnElement(messageId);
    if (!fresh) return;
    // Keep a reply that is streaming in until the stored one arrives.
    const streaming = current && current.querySelector(".bubble.tutor.streaming");
    const pendingReply = fresh.querySelector(".bubble.tutor:not([data-state=done])");
    if (streaming && pendingReply) pendingReply.replaceWith(streaming);
    if (current) {
      const focused = document.activeElement && current.contains(document.activeElement)
        ? document.activeElement.dataset.issue : null;
      current.replaceWith(fresh);
      if (focused) { const again = fresh.querySelector(`[data-issue="${focused}"]`); if (again) again.focus(); }
    } else {
      list.append(fresh);
    }
  }

  async function refreshAll() {
    const fragment = await fetchHTML(turnsURL);
    for (const fresh of fragment.querySelectorAll("li.turn")) await refreshTurn(fresh.dataset.message);
  }

  async function refreshPending() {
    for (const turn of list.querySelectorAll("li.turn")) {
      if (turn.querySelector("[data-state=queued], [data-state=running]")) await refreshTurn(turn.dataset.message);
    }
  }

  function showStreaming(data) {
    let turn = turnElement(data.message_id);
    if (!turn) return;
    const bubble = turn.querySelector(".bubble.tutor");
    if (bubble.dataset.state === "done") return;
    bubble.classList.add("streaming");
    bubble.dataset.state = "running";
    let text = bubble.querySelector("p.text");
    if (!text) { text = document.createElement("p"); text.className = "text"; bubble.replaceChildren(text); }
    text.classList.remove("typing");
    text.textContent = data.text;  // untrusted model text: never HTML
  }

  liveUpdates(root.dataset.events, {
    onReady: refreshAll,
    poll: refreshPending,
    onEvent(name, data) {
      if (name === "reply.delta") return showStreaming(data);
      if (data.message_id) refreshTurn(data.message_id);
    },
  });
  setupRetry(root, refreshPending);

  // Clicking, tapping or pressing Enter on a highlight shows its explanation.
  list.addEventListener("click", (event) => activateIssue(event.target.closest("mark.issue")));
  list.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === " ") && event.target.matches("mark.issue")) {
      event.preventDefault();
      activateIssue(event.target);
    }
  });
  function activateIssue(mark) {
    if (!mark) return;
    const item = document.getElementById(mark.dataset.issue);
    if (!item) return;
    for (const active of list.querySelectorAll(".issues li.active")) active.classList.remove("active");
    item.classList.add("active");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = textarea.value;
      error.hidden = true;
      if (!text.trim()) { showError("Write something to send."); return; }
      const button = form.querySelector("button");
      button.disabled = true;
      const optimistic = pendingTurn(text);
      try {
        const result = await postJSON(form.dataset.api, { text });
        if (result.status !== 202) {
          optimistic.remove();
          showError(sendFailure(result));
          return;
        }
        textarea.value = "";
        optimistic.id = `turn-${result.data.message.id}`;
        optimistic.dataset.message = result.data.message.id;
        const empty = document.getElementById("empty"); if (empty) empty.remove();
        refreshTurn(result.data.message.id);
      } catch (e) {
        optimistic.remove();
        showError("Could not reach findus. Your text is still here; try again.");
      } finally {
        button.disabled = false;
        textarea.focus();
      }
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
  }

  function pendingTurn(text) {
    const item = document.createElement("li");
    item.className = "turn";
    const learner = document.createElement("div");
    learner.className = "bubble learner";
    const paragraph = document.createElement("p");
    paragraph.className = "text";
    paragraph.textContent = text;
    const analysis = document.createElement("div");
    analysis.className = "analysis";
    analysis.dataset.state = "queued";
    analysis.innerHTML = '<p class="pending">Sending…</p>';
    learner.append(paragraph, analysis);
    const tutor = document.createElement("div");
    tutor.className = "bubble tutor";
    tutor.dataset.state = "queued";
    tutor.innerHTML = '<p class="text typing"><span class="dots" aria-hidden="true">…</span></p>';
    item.append(learner, tutor);
    list.append(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  // Why a post was refused, in words; a limit (429) says how long to wait, and the text stays.
  function sendFailure(result) {
    if (result.status === 429) {
      const wait = result.data.detail || "You are sending messages faster than findus allows. Wait a minute and try again.";
      return `${wait} Your text is still here.`;
    }
    return result.data.detail || `Could not send (HTTP ${result.status}). Your text is still here.`;
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
  }

  const end = document.getElementById("end");
  if (end) {
    end.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await postJSON(end.dataset.api);
      if (result.ok) window.location.href = end.dataset.review;
      else showError(result.data.detail || "Could not end the conversation.");
    });
  }
}

function reviewPage(root) {
  const box = document.getElementById("review");
  async function refresh() {
    const fragment = await fetchHTML(root.dataset.fragment);
    box.replaceChildren(fragment);
  }
  const pending = () => box.querySelector("[data-state=queued], [data-state=running]");
  liveUpdates(root.dataset.events, {
    onReady: refresh,
    poll: () => { if (pending()) refresh(); },
    onEvent(name, data) { if (data.kind === "review") refresh(); },
  });
  setupRetry(root, refresh);
  // A safety net in case an event slips by while the review is being written.
  setInterval(() => { if (pending()) refresh(); }, 5000);
}

const chatRoot = document.getElementById("conversation");
if (chatRoot) chatPage(chatRoot);
const reviewRoot = document.getElementById("review-page");
if (reviewRoot) reviewPage(reviewRoot);
