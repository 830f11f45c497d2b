// The practice page: type the fix for the marked part, check it (Enter), rate it (1-4, or Enter
// for the suggested rating), and on to the next card. Card text (the learner's own sentences, or
// a model's exercises) only ever reaches the page as textContent.
"use strict";

(function practicePage() {
  const root = document.getElementById("practice");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const language = root.dataset.language;
  const RATINGS = ["again", "hard", "good", "easy"];
  const RATING_NAMES = { again: "Again", hard: "Hard", good: "Good", easy: "Easy" };
  const VERDICTS = { right: "Right!", almost: "Almost.", wrong: "Not quite." };

  let data = JSON.parse($("practice-data").textContent);
  let queue = data.cards.slice();
  let card = null;
  let checked = null;  // the verdict on the current card, once checked
  let typed = "";
  let busy = false;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function call(method, url, body) {
    const response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    let json = {};
    try { json = await response.json(); } catch (e) { /* no body */ }
    return { ok: response.ok, status: response.status, data: json };
  }

  const cardsURL = () => `/api/practice/cards${language ? `?language=${encodeURIComponent(language)}` : ""}`;

  function say(text) { $("status").textContent = text; }

  function showCounts() {
    const c = data.counts;
    const parts = [`${c.due} due`, `${c.total} card${c.total === 1 ? "" : "s"} in all`];
    if (c.suspended) parts.push(`${c.suspended} suspended`);
    $("counts").textContent = parts.join(" · ");
    for (const counts of data.languages) {
      const due = document.querySelector(`[data-due-in="${counts.language}"]`);
      if (due) due.textContent = `${counts.due} due`;
    }
  }

  // The sentence with its marked part, as text nodes around a <mark>.
  function marked(sentence, start, end, className) {
    const fragment = document.createDocumentFragment();
    const mark = document.createElement(className === "fix" ? "ins" : "mark");
    mark.className = className;
    mark.textContent = sentence.slice(start, end);
    fragment.append(sentence.slice(0, start), mark, sentence.slice(end));
    return fragment;
  }

  function show(next) {
    card = next;
    checked = null;
    $("done").hidden = true;
    $("card").hidden = false;
    $("back").hidden = true;
    $("front").replaceChildren(marked(card.sentence, card.start, card.end, "issue"));
    $("front").lang = card.language;
    $("typed").lang = card.language;
    const pattern = card.pattern;
    $("pattern").textContent = pattern
      ? `${pattern.label}${pattern.occurrences > 1 ? ` · you made this mistake ${pattern.occurrences} times` : ""}`
      : "";
    $("pattern").classList.toggle("recurring", Boolean(pattern && pattern.occurrences > 1));
    $("position").textContent = `${card.source === "exercise" ? "Exercise" : "From your writing"} ·`;
    const input = $("typed");
    input.value = "";
    input.readOnly = false;
    $("check").disabled = false;
    for (const button of ratingButtons()) button.classList.remove("suggested");
    input.focus();
  }

  function showDone() {
    card = null;
    $("card").hidden = true;
    $("done").hidden = false;
    const c = data.counts;
    let text;
    if (!c.total) text = "No cards yet. Cards are made from the corrections of your messages.";
    else if (c.next_due_at) text = `Nothing is due right now. The next card is due ${whenDue(c.next_due_at)}.`;
    else text = "Nothing is due: every card is suspended.";
    $("done-text").textContent = text;
  }

  function whenDue(iso) {
    const due = new Date(iso);
    const seconds = Math.max(0, (due - Date.now()) / 1000);
    const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    let relative;
    if (seconds < 50) relative = format.format(Math.ceil(seconds), "second");
    else if (seconds < 90 * 60) relative = format.format(Math.max(1, Math.round(seconds / 60)), "minute");
    else if (seconds < 36 * 3600) relative = format.format(Math.round(seconds / 3600), "hour");
    else relative = format.format(Math.round(seconds / 86400), "day");
    const today = due.toDateString() === new Date().toDateString();
    const at = due.toLocaleString(undefined, today
      ? { hour: "2-digit", minute: "2-digit" }
      : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    return `${relative} (${at})`;
  }

  async function refresh() {
    const result = await call("GET", cardsURL());
    if (!result.ok) return;
    data = result.data;
    showCounts();
    const queued = new Set(queue.map((c) => c.id));
    if (card) queued.add(card.id);
    for (const fresh of data.cards) if (!queued.has(fresh.id)) queue.push(fresh);
  }

  async function next() {
    if (!queue.length) await refresh();
    if (queue.length) show(queue.shift()); else showDone();
  }

  function ratingButtons() { return Array.from(document.querySelectorAll(".ratings button")); }

  async function check(event) {
    event.preventDefault();
    if (!card || checked || busy) return;
    busy = true;
    typed = $("typed").value;
    const result = await call("POST", `/api/practice/cards/${card.id}/check`, { typed });
    busy = false;
    if (!result.ok) { say(problem(result)); return; }
    checked = result.data;
    say("");
    $("typed").readOnly = true;
    $("check").disabled = true;
    const verdict = $("verdict");
    verdict.textContent = VERDICTS[checked.verdict];
    verdict.className = `verdict ${checked.verdict}`;
    $("notes").replaceChildren(...checked.notes.map((note) => {
      const item = document.createElement("li");
      item.textContent = note;
      return item;
    }));
    $("answer").textContent = checked.answer;
    $("corrected").replaceChildren(
      marked(checked.corrected_sentence, card.start, card.start + checked.answer.length, "fix"));
    $("explanation").textContent = checked.explanation;
    $("suggested").textContent = RATING_NAMES[checked.suggested_rating];
    $("back").hidden = false;
    for (const button of ratingButtons()) {
      button.classList.toggle("suggested", button.dataset.rating === checked.suggested_rating);
    }
    document.querySelector(`.ratings button[data-rating=${checked.suggested_rating}]`).focus();
  }

  async function rate(rating) {
    if (!card || !checked || busy) return;
    busy = true;
    const result = await call("POST", `/api/practice/cards/${card.id}/review`, { typed, rating });
    busy = false;
    if (!result.ok) { say(problem(result)); return; }
    say(`Rated ${RATING_NAMES[rating]}: back ${whenDue(result.data.card.due)}.`);
    card = null;
    await refresh();
    await next();
  }

  function problem(result) {
    if (result.status === 404) return "This card is gone (deleted elsewhere?). On to the next one.";
    const detail = result.data && result.data.detail;
    if (typeof detail === "string") return detail;
    return `Something went wrong (HTTP ${result.status}). Try again.`;
  }

  async function suspend() {
    if (!card || busy) return;
    const suspended = card;
    const result = await call("POST", `/api/practice/cards/${suspended.id}/suspend`);
    if (!result.ok) { say(problem(result)); return; }
    card = null;
    await refresh();
    say("Card suspended: it stays out of practice until you unsuspend it.");
    const undo = document.createElement("button");
    undo.type = "button"; undo.className = "link"; undo.textContent = "Undo";
    undo.addEventListener("click", async () => {
      const back = await call("POST", `/api/practice/cards/${suspended.id}/unsuspend`);
      if (!back.ok) { say(problem(back)); return; }
      say("Card back in practice.");
      if (card) queue.unshift(card);
      await refresh();
      queue = queue.filter((c) => c.id !== suspended.id);  // it is shown now
      show(suspended);
    });
    $("status").append(" ", undo);
    await next();
  }

  function askToDelete() {
    if (!card) return;
    const dialog = $("confirm-delete");
    dialog.returnValue = "";
    dialog.showModal();
  }

  $("confirm-delete").addEventListener("close", async () => {
    const dialog = $("confirm-delete");
    if (dialog.returnValue !== "delete" || !card) { $("typed").focus(); return; }
    const result = await call("DELETE", `/api/practice/cards/${card.id}`);
    if (!result.ok && result.status !== 404) { say(problem(result)); return; }
    say("Card deleted.");
    card = null;
    await refresh();
    await next();
  });

  // "More like this": queue an exercises job and follow it until its cards are in.
  async function more() {
    if (!card) return;
    const button = $("more");
    button.disabled = true;
    const result = await call("POST", "/api/practice/more", { card_id: card.id });
    if (result.status !== 202) { button.disabled = false; say(problem(result)); return; }
    say("Making new exercises on this mistake…");
    follow(result.data, button);
  }

  async function follow(request, button) {
    for (;;) {
      const state = request.job.state;
      if (state === "succeeded") {
        button.disabled = false;
        await refresh();
        const made = request.cards_made;
        say(made
          ? `Made ${made} new card${made === 1 ? "" : "s"} on this mistake: ${made === 1 ? "it comes" : "they come"} after the cards already due.`
          : "No new exercises could be made for this mistake (the offline tutor makes them only for misspelt words).");
        if (!card && queue.length) await next();
        return;
      }
      if (state === "failed") {
        button.disabled = false;
        say(`Could not make new exercises: ${request.job.last_error} `);
        const retry = document.createElement("button");
        retry.type = "button"; retry.className = "link"; retry.textContent = "Try again";
        retry.addEventListener("click", async () => {
          const again = await call("POST", `/api/jobs/${request.job.id}/retry`);
          if (!again.ok) { say(problem(again)); return; }
          say("Making new exercises on this mistake…");
          button.disabled = true;
          request.job = again.data;
          follow(request, button);
        });
        $("status").append(retry);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const fresh = await call("GET", `/api/practice/requests/${request.id}`);
      if (fresh.ok) request = fresh.data;
    }
  }

  $("answer-form").addEventListener("submit", check);
  for (const button of ratingButtons()) button.addEventListener("click", () => rate(button.dataset.rating));
  $("suspend").addEventListener("click", suspend);
  $("delete").addEventListener("click", askToDelete);
  $("more").addEventListener("click", more);
  // Once the back shows: 1-4 rate, Enter takes the focused rating (the suggested one, unless the
  // learner moved). Held keys repeat: a held Enter must not check and rate in one go.
  document.addEventListener("keydown", (event) => {
    if (!checked || event.ctrlKey || event.metaKey || event.altKey || $("confirm-delete").open) return;
    const index = event.key.length === 1 ? "1234".indexOf(event.key) : -1;
    if (index < 0 && event.key !== "Enter") return;
    if (event.key === "Enter" && event.target.closest && event.target.closest(".card-actions, .status")) return;
    event.preventDefault();
    if (event.repeat) return;
    const focused = event.target.closest && event.target.closest(".ratings button");
    if (index >= 0) rate(RATINGS[index]);
    else rate(focused ? focused.dataset.rating : checked.suggested_rating);
  });

  showCounts();
  next();
})();
