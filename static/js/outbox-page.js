// The outbox page: every report waiting on this phone, its age and state, "send now" and "delete".
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("outbox-page");
  const page = window.DesaOutboxPage;
  if (!root || !page) {
    return;
  }
  const text = JSON.parse(document.getElementById("outbox-text").textContent);
  const list = document.getElementById("outbox-list");
  const empty = document.getElementById("outbox-empty");
  const sendAll = document.getElementById("outbox-send-all");
  const ages = new Intl.RelativeTimeFormat(document.documentElement.lang, {numeric: "auto"});
  root.hidden = false;

  function age(timestamp) {
    const minutes = Math.round((timestamp - Date.now()) / 60000);
    if (Math.abs(minutes) < 60) {
      return ages.format(minutes, "minute");
    }
    const hours = Math.round(minutes / 60);
    return Math.abs(hours) < 48 ? ages.format(hours, "hour") : ages.format(Math.round(hours / 24), "day");
  }

  // The reasons from the refused form page: each field's label and its error.
  function refusalReasons(html) {
    const refused = new DOMParser().parseFromString(html || "", "text/html");
    const reasons = [];
    for (const error of refused.querySelectorAll(".field-error")) {
      const field = error.closest(".field, fieldset");
      const label = field && field.querySelector("label, legend");
      reasons.push(label ? `${label.textContent.trim()}: ${error.textContent.trim()}` : error.textContent.trim());
    }
    const lead = refused.querySelector("main .lead");
    if (!reasons.length && lead) {
      reasons.push(lead.textContent.trim());
    }
    return reasons;
  }

  function stateLines(item) {
    const [kind, code] = (item.lastError || "offline").split(":");
    if (item.state === "login") {
      return [item.owner ? text.login.replace("{user}", item.owner) : text.loginAnyone];
    }
    if (item.state === "invalid") {
      const reasons = refusalReasons(item.errorHtml);
      return reasons.length ? [text.invalid, ...reasons] : [text.invalidUnknown.replace("{code}", code)];
    }
    if (kind === "http") {
      return [text.server.replace("{code}", code)];
    }
    return [kind === "timeout" ? text.timeout : text.offline];
  }

  function button(label, className, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = `button ${className}`;
    element.textContent = label;
    element.addEventListener("click", action);
    return element;
  }

  function entry(item) {
    const li = document.createElement("li");
    li.className = "card outbox-item";
    li.dataset.uuid = item.uuid;
    const title = document.createElement("h2");
    title.textContent = item.title || text.untitled;
    const meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = `${text.saved.replace("{age}", age(item.createdAt))} · ${text.photos.replace("{count}", item.files.length)}`;
    li.append(title, meta);
    if (item.summary) {
      const summary = document.createElement("p");
      summary.textContent = item.summary;
      li.append(summary);
    }
    const state = document.createElement("ul");
    state.className = `outbox-state outbox-${item.state}`;
    for (const line of stateLines(item)) {
      const point = document.createElement("li");
      point.textContent = line;
      state.append(point);
    }
    const actions = document.createElement("p");
    actions.className = "actions";
    actions.append(
      button(text.sendNow, "primary", async (event) => {
        event.target.disabled = true;
        event.target.textContent = text.sending;
        const result = await page.sendOne(item);
        if (result.outcome === "sent") {
          page.say(text.sentOne, "success");
        }
        await page.updateBadge();
      }),
      button(text.delete, "danger", async () => {
        if (window.confirm(text.confirmDelete)) {
          await window.DesaOutbox.remove(item.uuid);
          await page.updateBadge();
        }
      })
    );
    li.append(state, actions);
    return li;
  }

  // The answer page of a report sent in the background, folded: its code, a tip's PIN.
  function receiptEntry(receipt) {
    const li = document.createElement("li");
    li.className = "card outbox-receipt";
    const title = document.createElement("h3");
    title.textContent = receipt.title || text.untitled;
    const meta = document.createElement("p");
    meta.className = "muted";
    meta.textContent = text.sentAt.replace("{age}", age(receipt.sentAt));
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = text.showAnswer;
    const answer = new DOMParser().parseFromString(receipt.html || "", "text/html").querySelector("main");
    details.append(summary, ...(answer ? [...answer.childNodes].map((node) => document.adoptNode(node)) : []));
    const actions = document.createElement("p");
    actions.className = "actions";
    actions.append(
      button(text.remove, "", async () => {
        await window.DesaOutbox.forgetReceipt(receipt.uuid);
        await showReceipts();
      })
    );
    li.append(title, meta, details, actions);
    return li;
  }

  async function showReceipts() {
    const kept = await window.DesaOutbox.receipts();
    document.getElementById("receipt-list").replaceChildren(...kept.map(receiptEntry));
    document.getElementById("outbox-receipts").hidden = kept.length === 0;
  }

  document.addEventListener("outbox:changed", (event) => {
    const items = event.detail.items;
    list.replaceChildren(...items.map(entry));
    empty.hidden = items.length > 0;
    sendAll.hidden = items.length === 0;
    showReceipts();
  });

  sendAll.addEventListener("click", async () => {
    sendAll.disabled = true;
    try {
      await page.flush();
    } finally {
      sendAll.disabled = false;
    }
  });
  page.updateBadge();
});
