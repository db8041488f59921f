{# The service worker, rendered by blueprints/pwa.py.
   :param version: changes with every release  :param static_files: files to precache
   :param offline_url, outbox_url: pages kept as anonymous copies for offline use
   :param offline_pages, offline_prefixes: pages kept once read  :param csrf_url, login_url: for the outbox #}
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
const OFFLINE_PAGES = {{ offline_pages|tojson }};
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
}

// The page asks for this when the user agrees to reload into the new version.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // POSTs, htmx fragments and other hosts go to the network untouched and are never kept.
  if (request.method !== "GET" || url.origin !== self.location.origin || request.headers.has("HX-Request")) {
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(keptOffline(url) ? networkFirst(event) : networkOrFallback(request, url));
  }
});

function keptOffline(url) {
  return OFFLINE_PAGES.includes(url.pathname) || OFFLINE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
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

// Guidance and the empty forms: fresh from the network, from the phone when it is slow or gone.
async function networkFirst(event) {
  const request = event.request;
  const pages = await caches.open(PAGES_CACHE);
  const network = fetch(request).then((response) => {
    if (storable(response)) {
      event.waitUntil(pages.put(request.url, response.clone()));
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
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
