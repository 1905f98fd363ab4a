// §8 round page: "select all" ticks every candidate checkbox of the page; changing the 公示 start
// date reloads the page with ?start=… so the server shows the end date on the working-day calendar.
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (!el.matches) return;
  if (el.matches("[data-select-all]")) {
    el.closest("form").querySelectorAll('input[name="candidates"]').forEach(function (c) { c.checked = el.checked; });
  } else if (el.matches('form[data-action="start_publicity"] input[name="start"]') && el.value) {
    var url = new URL(window.location.href);
    url.searchParams.set("start", el.value);
    url.hash = "round-actions";
    window.location.assign(url.toString());
  }
});
