// Desa Binaan as an installed app: register the service worker, offer a new version, and tell
// iPhone users how to add the app to the home screen (iOS has no install prompt).
"use strict";

(function () {
  const configElement = document.getElementById("pwa-config");
  if (!configElement) {
    return;
  }
  const config = JSON.parse(configElement.textContent);
  const text = config.text;

  function banner(id, message, actionLabel, action) {
    if (document.getElementById(id)) {
      return;
    }
    const box = document.createElement("div");
    box.id = id;
    box.className = "app-banner";
    box.setAttribute("role", "status");
    const words = document.createElement("p");
    words.textContent = message;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = actionLabel;
    button.addEventListener("click", () => action(box, button));
    box.append(words, button);
    document.querySelector(".site-header").after(box);
  }

  function offerUpdate(worker) {
    banner("update-banner", text.updateReady, text.reload, (box, button) => {
      button.disabled = true;
      worker.postMessage({type: "SKIP_WAITING"});
    });
  }

  async function register() {
    const registration = await navigator.serviceWorker.register(config.workerUrl, {scope: "/"});
    // A new worker waits while old pages are open: say so, and let the user switch now.
    if (registration.waiting && navigator.serviceWorker.controller) {
      offerUpdate(registration.waiting);
    }
    registration.addEventListener("updatefound", () => {
      const installing = registration.installing;
      installing.addEventListener("statechange", () => {
        if (installing.state === "installed" && navigator.serviceWorker.controller) {
          offerUpdate(installing);
        }
      });
    });
    let reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (document.getElementById("update-banner") && !reloading) {
        reloading = true;
        location.reload();
      }
    });
  }

  function isIos() {
    return /iphone|ipad|ipod/i.test(navigator.userAgent)
      || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  // Once per phone: iOS Safari installs only through Share → Add to Home Screen.
  function iosInstallHint() {
    const installed = navigator.standalone || window.matchMedia("(display-mode: standalone)").matches;
    if (!isIos() || installed || localStorage.getItem("ios-install-hint")) {
      return;
    }
    localStorage.setItem("ios-install-hint", "shown");
    banner("install-hint", text.iosInstall, text.dismiss, (box) => box.remove());
  }

  // A page opened from the phone gets the current form token once the worker has fetched it.
  function useFreshToken(event) {
    if (!event.data || event.data.type !== "csrf-token") {
      return;
    }
    document.querySelector('meta[name="csrf-token"]').content = event.data.token;
    document.querySelectorAll('input[name="csrf_token"]').forEach((input) => (input.value = event.data.token));
  }

  // The worker's offline and outbox pages show the menu of whoever is signed in on this phone.
  function keepShells() {
    const worker = navigator.serviceWorker.controller;
    if (worker && navigator.onLine) {
      worker.postMessage({type: "KEEP_SHELLS", key: config.shellKey});
    }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", useFreshToken);
    navigator.serviceWorker.addEventListener("controllerchange", keepShells);
    register().catch(() => null); // the site works without it, only not offline
    keepShells();
  }
  iosInstallHint();
})();
