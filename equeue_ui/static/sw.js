// eQueue's service worker (served at /sw.js, scope "/"; pages/web_app.py).
// - Offline: a page navigation that fails (no connection) shows the small "offline" page
//   cached at install, and again whenever a page says the reader's language is another one
//   (each page posts its language; the cached page carries its own). Nothing else is ever
//   cached: every other page holds someone's queues or names, and must not outlive the session
//   in a cache.
// - Push: a message from the server ({title, body, topic, url}) becomes a notification; one
//   tag per queue, so a newer message replaces an older one; a click opens (or focuses) the
//   queue's page.
const CACHE = "equeue-offline-v1";
const OFFLINE_URL = "/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.add(new Request(OFFLINE_URL, { cache: "reload" })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  const wanted = typeof event.data?.language === "string" ? event.data.language.slice(0, 2) : "";
  if (!wanted) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const cached = await cache.match(OFFLINE_URL);
      if (cached && cached.headers.get("Content-Language") === wanted) return;
      await cache.add(new Request(OFFLINE_URL, { cache: "reload" }));
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.mode !== "navigate") return; // the browser fetches everything else itself
  event.respondWith(
    fetch(event.request).catch(async () => (await caches.match(OFFLINE_URL)) || Response.error()),
  );
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {}
  const tag = typeof message.topic === "string" ? message.topic : "equeue";
  event.waitUntil(
    self.registration.showNotification(String(message.title || "eQueue"), {
      body: String(message.body || ""),
      tag: tag,
      renotify: true,
      icon: "/icons/icon-192.png",
      data: { url: sameSitePath(message.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(sameSitePath(event.notification.data?.url), self.location.origin);
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of open) {
        if (new URL(client.url).pathname === target.pathname && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target.href);
    })(),
  );
});

// Only a path of this site: a message can never send the reader somewhere else.
function sameSitePath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}
