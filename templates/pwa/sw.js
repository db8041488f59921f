{# The service worker, rendered by blueprints/pwa.py.
   :param version: changes with every release  :param static_files: files to precache
   :param offline_url, outbox_url: pages kept for offline use: anonymous at install, then for whoever
   is signed in on this phone (KEEP_SHELLS)
   :param offline_forms: forms shown from the phone at once  :param offline_prefixes: pages read online, kept
   :param csrf_url, login_url: for the outbox #}
// Desa Binaan service worker, version {{ version }}. Hand-written: no build step, no Workbox.
"use strict";

const VERSION = {{ version|tojson }};
const STATIC_CACHE = "db-static-" + VERSION;
const SHELL_CACHE = "db-shell-" + VERSION;
// Pages read online; kept across releases (an old page's assets fall back to the current ones).
const PAGES_CACHE = "db-pages-1";
const PRECACHE = [
{% for name in static_files %}
  {{ asset_url(name)|tojson }},
{% endfor %}
];
const STATIC_PREFIX = {{ url_for("static", filename="")|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const OUTBOX_URL = {{ outbox_url|tojson }};
const OFFLINE_FORMS = {{ offline_forms|tojson }};
const OFFLINE_PREFIXES = {{ offline_prefixes|tojson }};
const OUTBOX_CONFIG = {csrfUrl: {{ csrf_url|tojson }}, loginUrl: {{ login_url|tojson }}};
const NETWORK_TIMEOUT_MS = 3000;

// The same outbox code the pages use, so Background Sync can send without an open page.
importScripts({{ asset_url("js/outbox-store.js")|tojson }});

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

async function precache() {
  const statics = await caches.open(STATIC_CACHE);
  await statics.addAll(PRECACHE);
  // Anonymous copies: these pages must not show whoever happened to be signed in.
  const shell = await caches.open(SHELL_CACHE);
  for (const url of [OFFLINE_URL, OUTBOX_URL]) {
    const response = await fetch(url, {credentials: "omit"});
    if (!response.ok) {
      throw new Error(`precache ${url}: ${response.status}`);
    }
    await shell.put(url, response);
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil(cleanUp());
});

async function cleanUp() {
  const keep = [STATIC_CACHE, SHELL_CACHE, PAGES_CACHE];
  for (const name of await caches.keys()) {
    if (name.startsWith("db-") && !keep.includes(name)) {
      await caches.delete(name);
    }
  }
  await self.clients.claim();
  await keepOpenPages();
}

// The page that installed the worker was loaded before it: keep it too, from the browser's
// HTTP cache (no second download), so the next visit already opens from the phone.
async function keepOpenPages() {
  const pages = await caches.open(PAGES_CACHE);
  for (const client of await self.clients.matchAll({type: "window"})) {
    const url = new URL(client.url);
    if (kept(url) && !(await pages.match(url.href, {ignoreVary: true}))) {
      const response = await fetch(url.href, {cache: "force-cache"}).catch(() => null);
      if (response && storable(response)) {
        await pages.put(url.href, response);
      }
    }
  }
}

// SKIP_WAITING: the user agreed to reload into the new version. FORGET_PAGES: someone logs in
// or out or changes language, so kept pages would show the wrong name or language.
// KEEP_SHELLS: a page says who is signed in and in which language; the offline and outbox pages
// are fetched again for them when that changed, so without signal they show that user's menu.
self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") {
    self.skipWaiting();
  } else if (type === "FORGET_PAGES") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  } else if (type === "KEEP_SHELLS" && typeof event.data.key === "string") {
    event.waitUntil(keepShellsFor(event.data.key).catch(() => null));
  }
});

const SHELL_KEY_URL = OFFLINE_URL + "?kept-for";
let shellsKeeping = Promise.resolve();

function keepShellsFor(key) {
  shellsKeeping = shellsKeeping.then(async () => {
    const shell = await caches.open(SHELL_CACHE);
    const kept = await shell.match(SHELL_KEY_URL);
    if (kept && (await kept.text()) === key) {
      return;
    }
    const fresh = [];
    for (const url of [OFFLINE_URL, OUTBOX_URL]) {
      const response = await fetch(url, {credentials: "same-origin", cache: "no-store"});
      if (!response.ok || response.redirected) {
        return; // keep the copies there are; the next page tries again
      }
      fresh.push([url, response]);
    }
    for (const [url, response] of fresh) {
      await shell.put(url, response);
    }
    await shell.put(SHELL_KEY_URL, new Response(key));
  }).catch(() => null);
  return shellsKeeping;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // POSTs, htmx fragments and other hosts go to the network untouched and are never kept.
  if (request.method !== "GET" || url.origin !== self.location.origin || request.headers.has("HX-Request")) {
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && OFFLINE_FORMS.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate" && kept(url)) {
    event.respondWith(networkFirst(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkOrFallback(request, url));
  }
});

function kept(url) {
  return OFFLINE_FORMS.includes(url.pathname) || OFFLINE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
}

async function cacheFirst(request) {
  const cached = await caches.match(request, {ignoreVary: true});
  if (cached) {
    return cached;
  }
  try {
    const response = await fetch(request);
    if (response.ok && new URL(request.url).searchParams.has("v")) {
      const statics = await caches.open(STATIC_CACHE);
      await statics.put(request, response.clone());
    }
    return response;
  } catch (error) {
    // A page kept from an older release asks for an older file: the current one will do.
    const current = await caches.match(request, {ignoreSearch: true, ignoreVary: true});
    if (current) {
      return current;
    }
    throw error;
  }
}

// Fetch a page and keep a copy when it may be kept; the event lives until the copy is stored.
async function fetchAndKeep(event) {
  const pages = await caches.open(PAGES_CACHE);
  const network = fetch(event.request).then((response) => {
    if (storable(response)) {
      event.waitUntil(pages.put(event.request.url, response.clone()));
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  return {pages, network};
}

// The empty report and tip forms open at once from the phone, even on a weak signal; the copy
// is refreshed behind them for next time. (The outbox fetches a fresh form token before sending.)
async function staleWhileRevalidate(event) {
  const {pages, network} = await fetchAndKeep(event);
  const cached = await pages.match(event.request.url, {ignoreVary: true});
  if (cached) {
    event.waitUntil(network.then((fresh) => passOnToken(fresh.clone(), event.resultingClientId)).catch(() => null));
  }
  return cached || network.catch(() => shellPage(OFFLINE_URL));
}

// A kept page carries the form token of the session it was kept in: give it the current one.
async function passOnToken(response, clientId) {
  const token = (await response.text()).match(/<meta name="csrf-token" content="([^"]+)">/);
  const page = await self.clients.get(clientId);
  if (token && page) {
    page.postMessage({type: "csrf-token", token: token[1]});
  }
}

// Guidance: fresh from the network, from the phone when the network is slow or gone.
async function networkFirst(event) {
  const request = event.request;
  const {pages, network} = await fetchAndKeep(event);
  try {
    return await withTimeout(network, NETWORK_TIMEOUT_MS);
  } catch (slowOrOffline) {
    const cached = await pages.match(request.url, {ignoreVary: true});
    if (cached) {
      return cached;
    }
    return network.catch(() => shellPage(OFFLINE_URL));
  }
}

// Everything else (the queue, report details, account pages) is never kept on the phone.
async function networkOrFallback(request, url) {
  try {
    return await fetch(request);
  } catch (offline) {
    return shellPage(url.pathname === OUTBOX_URL ? OUTBOX_URL : OFFLINE_URL);
  }
}

async function shellPage(url) {
  const shell = await caches.open(SHELL_CACHE);
  return (await shell.match(url)) || Response.error();
}

function storable(response) {
  const cacheControl = response.headers.get("Cache-Control") || "";
  const type = response.headers.get("Content-Type") || "";
  return response.status === 200 && response.type === "basic" && !response.redirected
    && type.startsWith("text/html") && !/no-store/.test(cacheControl);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

// Background Sync (Chromium): the worker sends the outbox itself, then tells open pages.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") {
    event.waitUntil(sendOutbox());
  }
});

async function sendOutbox() {
  const result = await self.DesaOutbox.flush(OUTBOX_CONFIG);
  const pages = await self.clients.matchAll({includeUncontrolled: true, type: "window"});
  for (const page of pages) {
    page.postMessage({type: "outbox-changed", sent: result.sent.length});
  }
  if (result.offline) {
    throw new Error("outbox: no connection yet");  // the browser tries again later
  }
}
