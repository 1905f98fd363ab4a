// §5.3.6 the patrol log page: fill the hidden location fields from the browser's geolocation (WGS-84).
(function () {
  "use strict";
  var form = document.querySelector("form[data-patrol-log]");
  if (!form) { return; }
  var status = document.getElementById("loc-status");
  function set(name, value) {
    var el = form.querySelector("[name=" + name + "]");
    if (el) { el.value = value; }
  }
  function locate() {
    if (!navigator.geolocation) { status.textContent = status.dataset.unsupported; return; }
    status.textContent = status.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      set("lat", pos.coords.latitude.toFixed(6));
      set("lng", pos.coords.longitude.toFixed(6));
      set("accuracy_m", Math.round(pos.coords.accuracy));
      set("coord_system", "wgs84");
      status.textContent = status.dataset.found.replace("{lat}", pos.coords.latitude.toFixed(5))
        .replace("{lng}", pos.coords.longitude.toFixed(5)).replace("{acc}", Math.round(pos.coords.accuracy));
      status.dataset.ok = "1";
    }, function () {
      status.textContent = status.dataset.failed;
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  }
  var again = document.getElementById("loc-again");
  if (again) { again.addEventListener("click", locate); }
  locate();
})();
