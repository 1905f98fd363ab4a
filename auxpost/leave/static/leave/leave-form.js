// §5.3.4 the leave form's live day count: asks /leave/quote/ whenever a field changes.
(function () {
  "use strict";
  var form = document.getElementById("leave-form");
  if (!form) { return; }
  var url = form.getAttribute("data-quote");
  var out = {
    days: document.getElementById("quote-days"),
    counting: document.getElementById("quote-counting"),
    approver: document.getElementById("quote-approver"),
    errors: document.getElementById("quote-errors")
  };
  var timer = null;
  function maternity() {
    var type = form.elements.type_code.value;
    var blocks = form.querySelectorAll(".maternity");
    for (var i = 0; i < blocks.length; i++) { blocks[i].hidden = type !== "maternity"; }
  }
  function ask() {
    var f = form.elements;
    var params = new URLSearchParams({
      type_code: f.type_code.value, start: f.start.value, end: f.end.value,
      start_half: f.start_half.value, end_half: f.end_half.value,
      babies: f.babies.value || "1", difficult_birth: f.difficult_birth.checked ? "1" : "",
      notes: String(f.notes.files ? f.notes.files.length : 0)
    });
    fetch(url + "?" + params.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (q) {
        out.days.textContent = q.days;
        out.counting.textContent = q.counting_label;
        out.approver.textContent = q.approver ? q.approver + (q.hr_copy ? " · HR" : "") : "";
        out.errors.textContent = "";
        Object.keys(q.errors).forEach(function (k) {
          var div = document.createElement("div");
          div.textContent = q.errors[k];
          out.errors.appendChild(div);
        });
        form.setAttribute("data-quoted", q.days);
      })
      .catch(function () { out.days.textContent = "—"; });
  }
  function later() { maternity(); clearTimeout(timer); timer = setTimeout(ask, 200); }
  form.addEventListener("change", later);
  form.addEventListener("input", later);
  maternity();
  ask();
})();
