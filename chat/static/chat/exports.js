// The exports page: while an export is being made, ask the API how it is doing and show it when
// it is ready. Uses chat.js' postJSON. Text from the server only ever goes in as textContent.
"use strict";

(function () {
  const list = document.getElementById("exports");
  if (!list) return;
  const POLL_MS = 2000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  let timer = null;

  const pad = (n) => String(n).padStart(2, "0");
  // As the page's template writes them: "3 May, 14:05 UTC" and "12.3 KB".
  function utc(iso) {
    const d = new Date(iso);
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
  }
  function size(bytes) {
    if (bytes < 1024) return `${bytes}\u00a0byte${bytes === 1 ? "" : "s"}`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)}\u00a0KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)}\u00a0MB`;
  }
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function stateNodes(item) {
    if (item.download_url) {
      const link = element("a", "download", `Download ${item.filename}`);
      link.href = item.download_url;
      link.setAttribute("download", "");
      return [link, " ", element("span", "meta", `${size(item.size)}, until ${utc(item.expires_at)}`)];
    }
    if (item.expired) return [element("span", "meta", "Expired: make a new one.")];
    if (item.state === "failed") {
      const retry = element("button", "retry", "Try again");
      retry.type = "button";
      retry.dataset.job = item.job.id;
      return [element("span", "failed", `Could not be made: ${item.job.last_error}`), " ", retry];
    }
    const spinner = element("span", "spinner");
    spinner.setAttribute("aria-hidden", "true");
    return [spinner, item.state === "running" ? "Being made…" : "Waiting to be made…"];
  }

  const pending = () => list.querySelector("li.export[data-state=queued], li.export[data-state=running]");

  async function refresh() {
    const response = await fetch(list.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    for (const item of await response.json()) {
      const row = document.getElementById(`export-${item.id}`);
      const status = item.expired ? "expired" : item.state;
      if (!row || row.dataset.state === status) continue;
      row.dataset.state = status;
      row.querySelector(".export-state").replaceChildren(...stateNodes(item));
    }
  }

  function poll() {
    if (timer || !pending()) return;
    timer = setTimeout(async () => {
      try { await refresh(); } catch (e) { /* offline for a moment: the next poll tries again */ }
      timer = null;
      poll();
    }, POLL_MS);
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button.retry");
    if (!button) return;
    button.disabled = true;
    const result = await postJSON(`/api/jobs/${button.dataset.job}/retry`);
    if (!result.ok) { button.disabled = false; button.textContent = result.data.detail || "Try again"; return; }
    const row = button.closest("li.export");
    row.dataset.state = "queued";
    row.querySelector(".export-state").replaceChildren(...stateNodes({ state: "queued" }));
    poll();
  });

  poll();
})();
