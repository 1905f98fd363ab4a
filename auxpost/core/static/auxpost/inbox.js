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
      nav.querySelectorAll("a[data-nav-path]").forEach(function (a) {
        var n = a.hasAttribute("data-inbox") ? data.total : (data.by_url[a.getAttribute("data-nav-path")] || 0);
        show(a.querySelector(".nav-count"), n, label);
      });
      show(document.querySelector("[data-inbox-total]"), data.total, label);
    })
    .catch(function () { /* the counts are a convenience; the pages work without them */ });
});
