// auxpost — the to-do counts (待办) on the navigation: fetched after the page has loaded, so no page
// pays for them. Without JavaScript the 待办 entry still leads to the inbox page.
document.addEventListener("DOMContentLoaded", function () {
  var nav = document.getElementById("mainnav");
  if (!nav || !nav.getAttribute("data-inbox-counts") || !window.fetch) { return; }
  function show(badge, n, label) {
    if (!badge || !(n > 0)) { return; }
    badge.textContent = String(n);
    badge.setAttribute("aria-label", label.replace("%s", String(n)));
    badge.style.marginLeft = ".3rem";
    badge.hidden = false;
  }
  fetch(nav.getAttribute("data-inbox-counts"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data) { return; }
      var label = document.documentElement.lang.indexOf("zh") === 0 ? "%s 项待办" : "%s to do";
      // Each to-do page counts on the navigation entry with the longest path that starts it
      // ("/evaluation/rounds/7/" on "/evaluation/"); the home page and the inbox itself take none.
      var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-nav-path]")).filter(function (a) {
        return !a.hasAttribute("data-inbox") && a.getAttribute("data-nav-path") !== "/";
      });
      var counts = new Map();
      Object.keys(data.by_url).forEach(function (path) {
        var best = null;
        links.forEach(function (a) {
          var p = a.getAttribute("data-nav-path");
          if (path.indexOf(p) === 0 && (!best || p.length > best.getAttribute("data-nav-path").length)) { best = a; }
        });
        if (best) { counts.set(best, (counts.get(best) || 0) + data.by_url[path]); }
      });
      counts.forEach(function (n, a) { show(a.querySelector(".nav-count"), n, label); });
      // A menu group shows the sum of its entries' counts, so a closed group still says so.
      var groupCounts = new Map();
      counts.forEach(function (n, a) {
        var g = a.closest("[data-navgroup]");
        if (g) { groupCounts.set(g, (groupCounts.get(g) || 0) + n); }
      });
      groupCounts.forEach(function (n, g) { show(g.querySelector("summary .nav-count"), n, label); });
      show(nav.querySelector("a[data-inbox] .nav-count"), data.total, label);
      show(document.querySelector("[data-inbox-total]"), data.total, label);
    })
    .catch(function () { /* the counts are a convenience; the pages work without them */ });
});
