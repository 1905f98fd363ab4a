// auxpost — the import job page polls its progress every second and reloads when the job is done.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-progress-url]");
    if (!box) { return; }
    var bar = box.querySelector("span");
    var text = document.querySelector("[data-progress-text]");
    var status = document.querySelector("[data-status]");
    function poll() {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", box.getAttribute("data-progress-url"), true);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.onload = function () {
        if (xhr.status !== 200) { window.setTimeout(poll, 3000); return; }
        var d;
        try { d = JSON.parse(xhr.responseText); } catch (e) { window.setTimeout(poll, 3000); return; }
        bar.style.width = d.percent + "%";
        box.setAttribute("aria-valuenow", String(d.percent));
        if (text) { text.textContent = d.text; }
        if (status) { status.textContent = d.status_label; }
        if (d.finished || d.stalled) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      };
      xhr.onerror = function () { window.setTimeout(poll, 3000); };
      xhr.send();
    }
    window.setTimeout(poll, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
