// findus pages: send messages, show streamed replies and analyses as they land.
// Model text only ever reaches the page as textContent or as server-rendered, escaped HTML.
"use strict";

const POLL_MS = 5000;  // while anything is pending, even with a working stream
const POLL_WITHOUT_STREAM_MS = 3000;

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

const isPending = (element) => ["queued", "running"].includes(element.dataset.state);

// One stream per page. On every connect, the first one included, the page refetches: an event
// sent between the page's render and the connect is otherwise lost. While anything is pending
// the page also polls what is pending, in case an event slips by anyway; more often when the
// stream is down.
function liveUpdates(url, { refresh, poll, pending, onEvent }) {
  const status = document.getElementById("live-status");
  let failures = 0, lastFetch = 0;
  const streamDown = () => failures >= 3;
  const fetchNow = (what) => { lastFetch = Date.now(); what().catch(() => {}); };
  setInterval(() => {
    const every = streamDown() ? POLL_WITHOUT_STREAM_MS : POLL_MS;
    if (pending() && Date.now() - lastFetch >= every) fetchNow(poll);
  }, 1000);
  const sayDown = () => {
    if (status) status.textContent = "Live updates are unavailable; refreshing every few seconds.";
  };
  if (!window.EventSource) { failures = 3; sayDown(); return; }
  const source = new EventSource(url);
  source.addEventListener("ready", () => {
    if (streamDown() && status) status.textContent = "";
    failures = 0;
    fetchNow(refresh);
  });
  for (const name of ["job", "reply.delta"]) {
    source.addEventListener(name, (event) => onEvent(name, JSON.parse(event.data)));
  }
  source.onerror = () => {
    // A stream the browser gave up on (CLOSED) does not come back by itself.
    failures = source.readyState === EventSource.CLOSED ? 3 : failures + 1;
    if (failures === 3) sayDown();
  };
  window.addEventListener("pagehide", () => source.close());
}

// Say when an answer takes longer than usual. A pending element carries data-job (its job and
// run) and data-waited (how long that job had waited when the server rendered it); the page
// keeps the earliest start it saw, so a refetch does not restart the count. The threshold and
// the sentence are the root's data-slow-after (seconds) and data-slow-note.
function slowNotes(root, groupSelector) {
  const startedAt = new Map();
  const announced = new Set();
  const announcer = document.createElement("p");
  announcer.className = "sr-only";
  announcer.setAttribute("role", "status");
  document.body.append(announcer);

  function check() {
    const after = Number(root.dataset.slowAfter) * 1000;
    const now = performance.now();
    for (const group of root.querySelectorAll(groupSelector)) {
      let slow = false;
      for (const element of group.querySelectorAll("[data-job][data-waited]")) {
        if (!isPending(element)) continue;
        const seen = now - Number(element.dataset.waited) * 1000;
        const start = Math.min(startedAt.get(element.dataset.job) ?? seen, seen);
        startedAt.set(element.dataset.job, start);
        if (now - start >= after) slow = true;
      }
      let note = group.querySelector(":scope > .slow");
      if (slow && !note) {
        note = document.createElement("p");
        note.className = "slow";
        note.lang = root.dataset.slowNoteLang || "";
        note.textContent = root.dataset.slowNote;
        group.append(note);
        const key = group.id || groupSelector;
        if (!announced.has(key)) { announced.add(key); announcer.textContent = root.dataset.slowNote; }
      } else if (!slow && note) {
        note.remove();
      }
    }
  }
  setInterval(check, 1000);
  return check;
}

function setupRetry(root, refreshAfter) {
  root.addEventListener("click", async (event) => {
    const button = event.target.closest("button.retry");
    if (!button) return;
    button.disabled = true;
    const result = await postJSON(`/api/jobs/${button.dataset.job}/retry`);
    if (!result.ok) button.disabled = false;
    refreshAfter(button);
  });
}

function chatPage(root) {
  const turnsURL = root.dataset.turns;
  const list = document.getElementById("turns");
  const form = document.getElementById("send");
  const textarea = document.getElementById("text");
  const error = document.getElementById("send-error");
  const checkSlow = slowNotes(root, "li.turn");

  const turnElement = (messageId) => document.getElementById(`turn-${messageId}`);
  const pending = () => [...list.querySelectorAll("[data-state]")].some(isPending);

  // Fetches can finish out of order; a turn takes the answer of the latest fetch started for it.
  let fetches = 0;
  const latestFetch = new Map();

  // The HTML of each turn as the server last rendered it: a refetch that finds a turn unchanged
  // leaves it alone, with the learner's focus, selection and open explanation.
  const rendered = new Map();
  for (const turn of list.querySelectorAll("li.turn[data-message]")) rendered.set(turn.dataset.message, turn.outerHTML);

  function applyTurn(fresh, ticket) {
    const messageId = fresh.dataset.message;
    if ((latestFetch.get(messageId) ?? 0) > ticket) return;
    const current = turnElement(messageId);
    const html = fresh.outerHTML;
    if (current && rendered.get(messageId) === html) return;
    rendered.set(messageId, html);
    // Keep a reply that is streaming in until the stored one arrives (or its job fails).
    const streaming = current && current.querySelector(".bubble.tutor.streaming");
    const pendingReply = fresh.querySelector(".bubble.tutor");
    if (streaming && isPending(pendingReply)) pendingReply.replaceWith(streaming);
    if (current) {
      const focused = current.contains(document.activeElement) ? document.activeElement.dataset.issue : null;
      const active = current.querySelector(".issues li.active");
      current.replaceWith(fresh);
      if (focused) { const again = fresh.querySelector(`[data-issue="${focused}"]`); if (again) again.focus(); }
      if (active) { const again = fresh.querySelector(`#${CSS.escape(active.id)}`); if (again) again.classList.add("active"); }
    } else {
      // A turn still being sent stays last: it was written after this one.
      const sending = list.querySelector("li.turn.sending");
      list.insertBefore(fresh, sending);
    }
  }

  async function refreshTurn(messageId) {
    const ticket = ++fetches;
    latestFetch.set(messageId, ticket);
    const fresh = (await fetchHTML(`${turnsURL}${messageId}/`)).querySelector("li.turn");
    if (fresh) applyTurn(fresh, ticket);
    checkSlow();
  }

  async function refreshAll() {
    const ticket = ++fetches;
    for (const turn of list.querySelectorAll("li.turn[data-message]")) latestFetch.set(turn.dataset.message, ticket);
    const fragment = await fetchHTML(turnsURL);
    for (const fresh of fragment.querySelectorAll("li.turn")) applyTurn(fresh, ticket);
    checkSlow();
  }

  async function refreshPending() {
    const waiting = [...list.querySelectorAll("li.turn[data-message]")]
      .filter((turn) => [...turn.querySelectorAll("[data-state]")].some(isPending));
    await Promise.all(waiting.map((turn) => refreshTurn(turn.dataset.message)));
  }

  function showStreaming(data) {
    const turn = turnElement(data.message_id);
    if (!turn) return;
    const bubble = turn.querySelector(".bubble.tutor");
    // A failed reply may stream again: a delta means another attempt is under way.
    if (bubble.dataset.state === "done") return;
    bubble.classList.add("streaming");
    bubble.dataset.state = "running";
    let text = bubble.querySelector("p.text");
    if (!text) { text = document.createElement("p"); text.className = "text"; bubble.replaceChildren(text); }
    text.dir = "auto";
    text.classList.remove("typing");
    text.textContent = data.text;  // untrusted model text: never HTML
  }

  liveUpdates(root.dataset.events, {
    refresh: refreshAll,
    poll: refreshPending,
    pending,
    onEvent(name, data) {
      if (name === "reply.delta") return showStreaming(data);
      if (data.message_id) refreshTurn(data.message_id).catch(() => {});
    },
  });
  setupRetry(root, (button) => refreshTurn(button.closest("li.turn").dataset.message));

  // Clicking, tapping, or pressing Enter or Space on a highlight shows its explanation. Focus
  // stays on the highlight (the explanation is its description), so Tab goes on to the next.
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
        const messageId = String(result.data.message.id);
        const empty = document.getElementById("empty"); if (empty) empty.remove();
        if (turnElement(messageId)) {
          optimistic.remove();  // the stream's news of it came first
        } else {
          optimistic.classList.remove("sending");
          optimistic.id = `turn-${messageId}`;
          optimistic.dataset.message = messageId;
        }
        refreshTurn(messageId).catch(() => {});
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
    item.className = "turn sending";
    const learner = document.createElement("div");
    learner.className = "bubble learner";
    const paragraph = document.createElement("p");
    paragraph.className = "text";
    paragraph.dir = "auto";
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

  // Ending asks first, and says so when answers are still on their way.
  const end = document.getElementById("end");
  const confirmEnd = document.getElementById("confirm-end");
  if (end && confirmEnd) {
    end.addEventListener("submit", (event) => {
      event.preventDefault();
      confirmEnd.querySelector(".pending-note").hidden = !pending();
      confirmEnd.returnValue = "";
      confirmEnd.showModal();
    });
    confirmEnd.addEventListener("close", async () => {
      if (confirmEnd.returnValue !== "end") return;
      const result = await postJSON(end.dataset.api);
      if (result.ok) window.location.href = end.dataset.review;
      else showError(result.data.detail || "Could not end the conversation.");
    });
  }
}

function reviewPage(root) {
  const box = document.getElementById("review");
  const checkSlow = slowNotes(root, "#review");
  async function refresh() {
    const fragment = await fetchHTML(root.dataset.fragment);
    box.replaceChildren(fragment);
    checkSlow();
  }
  liveUpdates(root.dataset.events, {
    refresh,
    poll: refresh,
    pending: () => [...box.querySelectorAll("[data-state]")].some(isPending),
    onEvent(name, data) { if (data.kind === "review") refresh().catch(() => {}); },
  });
  setupRetry(root, () => refresh().catch(() => {}));
}

const chatRoot = document.getElementById("conversation");
if (chatRoot) chatPage(chatRoot);
const reviewRoot = document.getElementById("review-page");
if (reviewRoot) reviewPage(reviewRoot);
