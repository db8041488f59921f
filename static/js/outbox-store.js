// Desa Binaan outbox: reports kept on the phone (IndexedDB) until the server has them.
// No DOM here: the pages (outbox.js) and the service worker (Background Sync) both use it.
"use strict";

(function (scope) {
  const DB_NAME = "desa-binaan";
  const STORE = "outbox";
  // The pages the server answered for reports sent in the background: a tip's PIN is shown once.
  const RECEIPTS = "receipts";
  const MAX_RECEIPTS = 20;
  const LOCK = "desa-binaan-outbox";
  const BYTES_PER_MS = 25; // about 200 kbit/s: a photo upload on weak 3G must not time out early
  const BASE_TIMEOUT_MS = 20000;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, {keyPath: "uuid"});
        request.result.createObjectStore(RECEIPTS, {keyPath: "uuid"});
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, operate, storeName = STORE) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        // "strict": a report counts as kept only once it is on disk, not in a write cache that
        // a dead battery or a killed browser would lose.
        const transaction = db.transaction(storeName, mode, {durability: "strict"});
        const request = operate(transaction.objectStore(storeName));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = transaction.onabort = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  async function all() {
    const items = await run("readonly", (store) => store.getAll());
    return items.sort((a, b) => a.createdAt - b.createdAt);
  }

  const put = (item) => run("readwrite", (store) => store.put(item));
  const remove = (uuid) => run("readwrite", (store) => store.delete(uuid));

  // Read and written in one transaction: a report deleted on the outbox page while it was being
  // sent stays deleted, however the deletion and the answer interleave.
  const putIfKept = (item) =>
    run("readwrite", (store) => {
      const request = store.get(item.uuid);
      request.onsuccess = () => {
        if (request.result) {
          store.put(item);
        }
      };
      return request;
    });

  async function receipts() {
    const kept = await run("readonly", (store) => store.getAll(), RECEIPTS);
    return kept.sort((a, b) => b.sentAt - a.sentAt);
  }

  const forgetReceipt = (uuid) => run("readwrite", (store) => store.delete(uuid), RECEIPTS);

  async function keepReceipt(item, result) {
    const receipt = {uuid: item.uuid, title: item.title, url: result.url, html: result.html, sentAt: Date.now()};
    await run("readwrite", (store) => store.put(receipt), RECEIPTS);
    for (const old of (await receipts()).slice(MAX_RECEIPTS)) {
      await forgetReceipt(old.uuid);
    }
  }

  function byteSize(item) {
    return item.files.reduce((sum, file) => sum + file.blob.size, 0);
  }

  function formData(item, token) {
    const data = new FormData();
    for (const [name, value] of item.fields) {
      if (name !== "csrf_token") {
        data.append(name, value);
      }
    }
    data.append("csrf_token", token);
    for (const file of item.files) {
      data.append(file.field, file.blob, file.filename);
    }
    return data;
  }

  // Who is signed in now, and a form token for their session; throws when there is no signal.
  async function session(config) {
    const response = await fetch(config.csrfUrl, {credentials: "same-origin", cache: "no-store"});
    if (!response.ok) {
      throw new Error(`csrf ${response.status}`);
    }
    return response.json();
  }

  function samePath(url, path) {
    return new URL(url, scope.location.href).pathname === new URL(path, scope.location.href).pathname;
  }

  // What the answer means for the item: sent, login, invalid (the user must act) or retry.
  function verdict(response, config) {
    if (response.status === 401 || (response.redirected && samePath(response.url, config.loginUrl))) {
      return "login";
    }
    if (response.ok) {
      return "sent";
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      return "retry";
    }
    return "invalid";
  }

  // One attempt. The server knows the item by its client UUID, so a resend creates nothing new.
  async function post(item, token, config) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), BASE_TIMEOUT_MS + byteSize(item) / BYTES_PER_MS);
    try {
      const response = await fetch(item.url, {
        method: "POST",
        body: formData(item, token),
        credentials: "same-origin",
        headers: {"X-CSRFToken": token},
        signal: controller.signal,
      });
      const html = await response.text();
      return {outcome: verdict(response, config), status: response.status, url: response.url, html};
    } catch (error) {
      return {outcome: "offline", error: error.name === "AbortError" ? "timeout" : "offline"};
    } finally {
      clearTimeout(timer);
    }
  }

  // Send one item now; it leaves the outbox only when the server has it. The page that sends
  // what the user is looking at shows the answer itself; anything else keeps it as a receipt.
  async function send(item, config, signedIn, keepReceipts = true) {
    let current = signedIn;
    if (current === undefined) {
      try {
        current = await session(config);
      } catch (error) {
        return {outcome: "offline", error: "offline"};
      }
    }
    // Sent only in its author's session: on a shared phone nobody else's account files it.
    const result = item.owner && item.owner !== current.user
      ? {outcome: "login", error: "login"}
      : await post(item, current.csrf_token, config);
    if (result.outcome === "sent") {
      await remove(item.uuid);
      if (keepReceipts) {
        await keepReceipt(item, result);
      }
      return result;
    }
    item.state = result.outcome === "retry" || result.outcome === "offline" ? "waiting" : result.outcome;
    item.lastError = result.error || `http:${result.status}`;
    item.lastTriedAt = Date.now();
    item.errorHtml = result.outcome === "invalid" ? result.html : "";
    await putIfKept(item);
    return result;
  }

  // Send everything waiting, oldest first; items the user must fix stay until they act.
  async function flushNow(config) {
    const items = (await all()).filter((item) => item.state !== "invalid");
    const summary = {sent: [], offline: false, login: false};
    if (!items.length) {
      return summary;
    }
    let current;
    try {
      current = await session(config);
    } catch (error) {
      summary.offline = true;
      return summary;
    }
    for (const item of items) {
      const result = await send(item, config, current);
      if (result.outcome === "sent") {
        summary.sent.push(result.url);
      } else if (result.outcome === "login") {
        summary.login = true;
      } else if (result.outcome === "offline" || result.outcome === "retry") {
        summary.offline = true;
        break; // the next ones would fail the same way
      }
    }
    return summary;
  }

  // One sender at a time across pages and the worker (the UUID makes overlaps harmless anyway).
  function flush(config) {
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request(LOCK, () => flushNow(config)) : flushNow(config);
  }

  scope.DesaOutbox = {all, put, remove, send, flush, receipts, forgetReceipt};
})(self);
