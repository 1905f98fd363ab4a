// §5.3.1 phone check-in: read the browser's position once (WGS-84) and post it with its accuracy.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("checkin-form");
    if (!form) { return; }
    var status = document.getElementById("checkin-status");
    var button = document.getElementById("checkin-button");
    form.addEventListener("submit", function (ev) {
      if (form.dataset.located === "1") { return; }
      ev.preventDefault();
      if (!("geolocation" in navigator)) { status.textContent = form.dataset.denied; return; }
      button.disabled = true;
      status.textContent = form.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("lat").value = pos.coords.latitude;
        document.getElementById("lng").value = pos.coords.longitude;
        document.getElementById("accuracy").value = pos.coords.accuracy;
        form.dataset.located = "1";
        form.submit();
      }, function () {
        button.disabled = false;
        status.textContent = form.dataset.denied;
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 0});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
