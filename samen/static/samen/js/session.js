// The session's idle time-out, seen from the page (accounts/middleware.py has the rule).
// Typing, clicking or scrolling keeps the session alive; without any of it, a warning shows
// two minutes before the end, with a button to stay signed in. When the session has ended
// anyway, the page stays as it is (nothing typed is thrown away) and says so.
(function () {
  "use strict";
  const body = document.body;
  const idleSeconds = Number(body.dataset.sessionIdle || 0);
  const warning = document.getElementById("session-warning");
  if (!idleSeconds || !warning) return;
  const statusUrl = body.dataset.sessionStatus;
  const aliveUrl = body.dataset.sessionAlive;
  const WARN_SECONDS = Math.min(120, idleSeconds / 2);
  const PING_EVERY_MS = Math.min(5 * 60, idleSeconds / 3) * 1000;
  const countdown = document.getElementById("session-warning-minutes");
  const stayButton = document.getElementById("session-warning-stay");
  const ended = document.getElementById("session-ended");

  let lastActivity = 0;
  let lastPing = Date.now();
  let deadline = Date.now() + idleSeconds * 1000;
  let over = false;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function showEnded() {
    over = true;
    warning.hidden = true;
    ended.hidden = false;
  }

  function keepAlive() {
    lastPing = Date.now();
    return fetch(aliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      redirect: "manual",
    }).then(function (response) {
      if (response.status === 204) {
        deadline = Date.now() + idleSeconds * 1000;
        warning.hidden = true;
      } else {
        showEnded();
      }
    }).catch(function () { /* offline for a moment: try again on the next activity */ });
  }

  function secondsLeftOnServer() {
    // Another tab may have kept the session alive; asking is no activity.
    return fetch(statusUrl, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) { return response.ok ? response.json() : { seconds_left: 0 }; })
      .then(function (data) { return Number(data.seconds_left) || 0; })
      .catch(function () { return null; });
  }

  ["keydown", "input", "pointerdown", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () {
      lastActivity = Date.now();
    }, { passive: true, capture: true });
  });
  // Every page load and htmx request renews the session on the server.
  document.addEventListener("htmx:afterRequest", function () {
    lastPing = Date.now();
    deadline = lastPing + idleSeconds * 1000;
  });

  stayButton.addEventListener("click", keepAlive);

  let checking = false;
  window.setInterval(function () {
    if (over || checking) return;
    const now = Date.now();
    const active = lastActivity > lastPing;
    if (active && now - lastPing >= PING_EVERY_MS) {
      keepAlive();
      return;
    }
    const left = (deadline - now) / 1000;
    if (left > WARN_SECONDS) return;
    if (active) {
      keepAlive();
      return;
    }
    checking = true;
    secondsLeftOnServer().then(function (serverLeft) {
      checking = false;
      if (serverLeft === null) return;
      deadline = Date.now() + serverLeft * 1000;
      if (serverLeft <= 0) {
        showEnded();
      } else if (serverLeft <= WARN_SECONDS) {
        countdown.textContent = String(Math.ceil(serverLeft / 60));
        warning.hidden = false;
      } else {
        warning.hidden = true;
      }
    });
  }, 5000);
})();
