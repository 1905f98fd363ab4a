// §5.3.5 the inspection grid: every item passes until tapped; a failed item shows its note field.
(function () {
  function sync(box) {
    var row = box.closest(".check-item");
    if (!row) return;
    row.classList.toggle("failed", box.checked);
    var note = row.querySelector(".check-note");
    if (note) note.hidden = !box.checked;
    var card = box.closest(".inspect-member");
    if (card) {
      var n = card.querySelectorAll("input.fail:checked").length;
      var badge = card.querySelector("[data-failed-count]");
      if (badge) { badge.textContent = n ? badge.dataset.labelFail + " " + n : badge.dataset.labelPass; badge.className = "badge " + (n ? "bad" : "ok"); }
    }
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input.fail")) sync(e.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.fail").forEach(sync);
  });
})();
