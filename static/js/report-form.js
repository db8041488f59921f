// Desa Binaan report and tip forms, on top of a form that works without JavaScript:
// "use my location", photos made smaller on the phone before upload, rows removed in place,
// a fresh idempotency key, and focus on the error summary. Words come from data-msg-* attributes.
"use strict";

(function () {
  const MAX_SIDE = 1600;
  const QUALITY = 0.75;

  function init(root) {
    for (const form of root.querySelectorAll("form[data-report-form]")) {
      const uuid = form.elements.client_uuid;
      // A page kept by the browser or the service worker would otherwise reuse one key.
      if (uuid && form.hasAttribute("data-fresh") && window.crypto && crypto.randomUUID) {
        uuid.value = crypto.randomUUID();
      }
      // A form kept on the phone still shows the time it was kept: "now" means now.
      const seen = form.elements.observed_at;
      if (seen && form.hasAttribute("data-fresh")) {
        const now = new Date();
        now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
        seen.value = now.toISOString().slice(0, 16);
      }
    }
    if ("geolocation" in navigator) {
      root.querySelectorAll("[data-locate]").forEach((button) => (button.hidden = false));
    }
    const summary = root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function locate(button) {
    const box = button.closest("[data-location]");
    const status = box.querySelector("[data-locate-status]");
    const input = (name) => box.querySelector(`input[name="${name}"]`);
    status.textContent = box.dataset.msgBusy;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const coords = position.coords;
        input("latitude").value = coords.latitude.toFixed(6);
        input("longitude").value = coords.longitude.toFixed(6);
        input("accuracy_m").value = Math.round(coords.accuracy);
        status.textContent = box.dataset.msgDone.replace("{metres}", Math.round(coords.accuracy));
      },
      () => (status.textContent = box.dataset.msgFailed),
      {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000}
    );
  }

  // One photo redrawn at most 1600 px on its long side as JPEG: a 12 MP photo becomes a few
  // hundred KB, and the redrawing drops EXIF (GPS included). Anything unreadable goes as it is:
  // the server checks every file anyway.
  async function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
      return file;
    }
    try {
      const bitmap = await createImageBitmap(file, {imageOrientation: "from-image"});
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // transparent PNG parts become white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
      if (!blob || blob.size >= file.size) {
        return file;
      }
      const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, {type: "image/jpeg", lastModified: file.lastModified});
    } catch (error) {
      return file;
    }
  }

  async function shrinkAll(input) {
    if (!input.files.length || !window.DataTransfer) {
      return;
    }
    const form = input.form;
    const status = input.parentElement.querySelector("[data-photo-status]");
    const buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach((button) => (button.disabled = true));
    status.textContent = input.dataset.msgBusy;
    try {
      const ready = new DataTransfer();
      for (const file of Array.from(input.files)) {
        ready.items.add(await shrink(file)); // one at a time: cheap phones have little memory
      }
      input.files = ready.files;
      const kilobytes = Math.round(Array.from(ready.files).reduce((sum, file) => sum + file.size, 0) / 1024);
      status.textContent = input.dataset.msgDone.replace("{count}", ready.files.length).replace("{size}", kilobytes);
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  // A remove button drops its row or photo in place; without JavaScript it sends the form.
  function remove(button, event) {
    const item = button.closest("[data-removable]");
    if (!item) {
      return;
    }
    event.preventDefault();
    const form = item.closest("form");
    item.remove();
    const next = form.querySelector(item.matches(".person") ? "#add-person" : "input[type=file]");
    if (next) {
      next.focus();
    }
  }

  document.addEventListener("click", (event) => {
    const locateButton = event.target.closest("[data-locate]");
    const removeButton = event.target.closest("[data-remove]");
    if (locateButton) {
      locate(locateButton);
    } else if (removeButton) {
      remove(removeButton, event);
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("input[type=file][data-downscale]")) {
      shrinkAll(event.target);
    }
  });
  // A form emptied (kept in the outbox, then reset) forgets what its notes said about photos and place.
  document.addEventListener("reset", (event) => {
    if (event.target.matches("[data-report-form]")) {
      event.target.querySelectorAll("[data-photo-status], [data-locate-status]").forEach((note) => (note.textContent = ""));
    }
  });
  // The outbox shows a refused form in place of the page: set it up like a loaded one.
  document.addEventListener("outbox:form-replaced", (event) => init(event.detail.root));
  init(document);
})();
