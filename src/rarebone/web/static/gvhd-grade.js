// Acute GVHD form: ask the server for the MAGIC stages and grade as the organs are entered (eGVHD style).
// The page works without this script: saving the form grades it too (same server computation).
(function () {
  "use strict";
  var form = document.getElementById("gvhd-form");
  var out = document.getElementById("gvhd-preview");
  if (!form || !out || !window.fetch) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var timer = null;
  function show(text) { out.textContent = text; }
  function ask() {
    var body = new URLSearchParams(new FormData(form));
    body.delete("csrf_token");
    fetch(form.getAttribute("data-preview"), {method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRF-Token": token, "Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.error) { show(d.error); return; }
        function s(x) { return x === null ? "?" : String(x); }
        show("Day " + d.study_day + ": skin " + s(d.skin) + ", liver " + s(d.liver) + ", upper GI " + s(d.upper_gi) +
             ", lower GI " + s(d.lower_gi) + " \u2192 grade " + d.grade +
             (d.unassessed.length ? " (at least; not assessed: " + d.unassessed.join(", ") + ")" : ""));
      })
      .catch(function () { show(""); });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(ask, 100); });
})();
