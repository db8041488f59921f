// Desa Binaan outbox on the page: catch report submissions that cannot be sent, keep them on the
// phone, show how many wait, and send them when the signal returns. Storage: outbox-store.js.
"use strict";

(function () {
  const configElement = document.getElementById("pwa-config");
  if (!configElement || !("indexedDB" in window) || !window.DesaOutbox) {
    return; // without these the forms simply post as usual
  }
  const config = JSON.parse(configElement.textContent);
  const text = config.text;
  const outbox = window.DesaOutbox;
  let waiting = 0;
  let flushing = null;

  function newUuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    // crypto.randomUUID needs HTTPS; this is the same version-4 layout from getRandomValues.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function say(message, kind, link) {
    const area = document.getElementById("messages");
    if (!area) {
      return;
    }
    const line = document.createElement("p");
    line.className = `flash flash-${kind || "info"}`;
    line.textContent = message;
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      line.append(" ", anchor);
    }
    area.replaceChildren(line);
  }

  async function updateBadge() {
    const items = await outbox.all();
    waiting = items.length;
    const badge = document.getElementById("outbox-badge");
    if (badge) {
      badge.textContent = (waiting === 1 ? text.waitingOne : text.waitingMany).replace("{count}", waiting);
      badge.hidden = waiting === 0;
    }
    document.dispatchEvent(new CustomEvent("outbox:changed", {detail: {items}}));
    return items;
  }

  function isOutboxForm(form) {
    const path = new URL(form.action, location.href).pathname;
    return form.method.toLowerCase() === "post" && config.outboxForms.includes(path);
  }

  // The form as an outbox item: its fields, its (already downscaled) photos, a fresh client UUID.
  function capture(form) {
    if (form.elements.client_uuid) {
      form.elements.client_uuid.value = newUuid();
    }
    const fields = [];
    const files = [];
    for (const [name, value] of new FormData(form)) {
      if (value instanceof Blob) {
        if (value.size > 0) {
          files.push({field: name, blob: value, filename: value.name || "photo.jpg"});
        }
      } else {
        fields.push([name, value]);
      }
    }
    const uuidField = fields.find(([name]) => name === "client_uuid");
    const summary = form.querySelector("textarea");
    return {
      uuid: uuidField ? uuidField[1] : newUuid(),
      url: new URL(form.action, location.href).pathname,
      title: form.dataset.outboxTitle || document.title.split(" · ")[0],
      summary: summary ? summary.value.slice(0, 120) : "",
      owner: config.user,
      fields,
      files,
      state: "waiting",
      lastError: "",
      createdAt: Date.now(),
    };
  }

  async function keep(item) {
    await outbox.put(item);
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist(); // ask once there is something worth keeping
    }
    const registration = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration());
    if (registration && registration.sync) {
      registration.sync.register("outbox").catch(() => null);
    }
    await updateBadge();
  }

  // The server's answer replaces the page content in place: a refused form with its errors, or
  // the confirmation (which shows a tip's PIN only once, so it must not be fetched again).
  function showPage(html, url) {
    const page = new DOMParser().parseFromString(html, "text/html");
    for (const selector of ["#messages", "main"]) {
      const fresh = page.querySelector(selector);
      const current = document.querySelector(selector);
      if (fresh && current) {
        current.replaceChildren(...[...fresh.childNodes].map((node) => document.adoptNode(node)));
      }
    }
    document.title = page.title;
    if (url && url !== location.href) {
      history.replaceState(null, "", url);
    }
    const main = document.querySelector("main");
    document.dispatchEvent(new CustomEvent("outbox:form-replaced", {detail: {root: main}}));
    if (!main.contains(document.activeElement)) {
      main.focus(); // report-form.js focuses the error summary when there is one
    }
  }

  async function submitThroughOutbox(form) {
    const buttons = form.querySelectorAll("button, input[type=submit]");
    buttons.forEach((button) => (button.disabled = true));
    try {
      const item = capture(form);
      await outbox.put(item); // written ahead: leaving the page while it sends loses nothing
      const result = navigator.onLine ? await outbox.send(item, config, undefined, false) : {outcome: "offline"};
      if (result.outcome === "invalid") {
        await outbox.remove(item.uuid); // the form with its errors is on screen to fix and resend
      }
      if (result.outcome === "sent" || result.outcome === "invalid") {
        showPage(result.html, result.url);
        return;
      }
      item.state = result.outcome === "login" ? "login" : "waiting";
      item.lastError = result.error || (result.status ? `http:${result.status}` : "offline");
      await keep(item);
      form.reset();
      say(result.outcome === "login" ? `${text.saved} ${text.logInToSend}` : text.saved, "warning");
      window.scrollTo(0, 0);
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  function formPath(form) {
    return new URL(form.action, location.href).pathname;
  }

  // Logging in or out and changing language change the name and the language that kept pages
  // show: the worker drops them (it outlives this page, which is about to be replaced).
  function forgetKeptPages() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "FORGET_PAGES"});
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (config.sessionForms.includes(formPath(form))) {
      if (formPath(form) === config.logoutUrl && waiting > 0 && !window.confirm(text.logoutWarning)) {
        event.preventDefault();
        return;
      }
      forgetKeptPages();
    } else if (isOutboxForm(form) && !form.hasAttribute("hx-post") && !(event.submitter && event.submitter.name)) {
      // Named buttons (add or remove a row without JavaScript) post the form as usual.
      event.preventDefault();
      submitThroughOutbox(form);
    }
  });

  // An htmx outbox form (the nil check-in) is sent by htmx while there is signal; when its
  // request cannot leave the phone, it waits in the outbox like a report.
  document.addEventListener("htmx:sendError", async (event) => {
    const form = event.detail.elt.closest("form");
    if (form && isOutboxForm(form)) {
      const item = capture(form);
      item.lastError = "offline";
      await keep(item);
      say(text.saved, "warning");
    }
  });

  function announceSent(count) {
    say(text.sent.replace("{count}", count), "success", {href: config.outboxUrl, text: text.seeAnswers});
  }

  // Send what waits; several triggers may fire together, one flush runs at a time.
  function flush() {
    if (!flushing) {
      flushing = outbox
        .flush(config)
        .then(async (result) => {
          if (result.sent.length) {
            announceSent(result.sent.length);
          } else if (result.login && waiting > 0) {
            say(text.logInToSend, "warning");
          }
          await updateBadge();
          return result;
        })
        .finally(() => (flushing = null));
    }
    return flushing;
  }

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      flush();
    }
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "outbox-changed") {
        if (event.data.sent > 0) {
          announceSent(event.data.sent); // sent by the worker (Background Sync)
        }
        updateBadge();
      }
    });
  }

  // For the outbox page (outbox-page.js): the same flush and badge.
  window.DesaOutboxPage = {config, flush, updateBadge, say, sendOne: (item) => outbox.send(item, config)};
  updateBadge().then(flush);
})();
