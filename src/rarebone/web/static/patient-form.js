// Progressive enhancement of the patient form: HPO autocomplete over labels and synonyms (/api/hpo) and
// "Add a row" buttons. The form works without this file (type the exact label or the id; save for more rows).
// Suggestions are built with textContent only: nothing from the server is parsed as HTML.
(function () {
  "use strict";
  var form = document.getElementById("patient-form");
  if (!form) { return; }

  document.querySelectorAll("button.add-row").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var body = document.getElementById(button.dataset.rows).querySelector("tbody");
      var count = document.getElementById(button.dataset.count);
      var index = parseInt(count.value, 10);
      var row = body.lastElementChild.cloneNode(true);
      row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      row.querySelectorAll("input, select").forEach(function (el) {
        el.name = el.name.replace(/^(\w+)-\d+-/, "$1-" + index + "-");
        el.classList.remove("invalid");
        if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
      });
      body.appendChild(row);
      count.value = String(index + 1);
    });
  });

  var list = document.createElement("ul");
  list.className = "suggest";
  list.id = "hpo-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  var active = null, timer = null, selected = -1;

  function close() { list.hidden = true; selected = -1; if (active) { active.setAttribute("aria-expanded", "false"); } }

  function choose(li) {
    var row = active.closest("tr");
    active.value = li.dataset.name;
    row.querySelector(".hpo-id").value = li.dataset.id;
    close();
  }

  function show(hits) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    hits.forEach(function (hit, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "hpo-option-" + i;
      li.dataset.id = hit.id;
      li.dataset.name = hit.name;
      li.textContent = hit.name + " (" + hit.id + ")" + (hit.matched.toLowerCase() !== hit.name.toLowerCase() ? " — " + hit.matched : "");
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
      list.appendChild(li);
    });
    list.hidden = hits.length === 0;
    active.setAttribute("aria-expanded", hits.length ? "true" : "false");
  }

  function lookup(input) {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    fetch("/api/hpo?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (input === active && input.value.trim() === q) { show(data.results || []); } })
      .catch(function () { close(); });
  }

  function mark(items) {
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === selected ? "true" : "false"); });
    if (selected >= 0) { active.setAttribute("aria-activedescendant", items[selected].id); }
  }

  form.addEventListener("input", function (e) {
    if (!e.target.classList.contains("hpo-label")) { return; }
    active = e.target;
    active.setAttribute("role", "combobox");
    active.setAttribute("aria-controls", "hpo-suggestions");
    active.setAttribute("aria-autocomplete", "list");
    active.closest("tr").querySelector(".hpo-id").value = "";  // a new text: the old id no longer applies
    active.parentNode.appendChild(list);
    clearTimeout(timer);
    timer = setTimeout(function () { lookup(active); }, 150);
  });

  form.addEventListener("keydown", function (e) {
    if (!e.target.classList.contains("hpo-label") || list.hidden) { return; }
    var items = Array.prototype.slice.call(list.children);
    if (e.key === "ArrowDown") { selected = Math.min(selected + 1, items.length - 1); mark(items); e.preventDefault(); }
    else if (e.key === "ArrowUp") { selected = Math.max(selected - 1, 0); mark(items); e.preventDefault(); }
    else if (e.key === "Enter" && selected >= 0) { choose(items[selected]); e.preventDefault(); }
    else if (e.key === "Escape") { close(); }
  });

  form.addEventListener("focusout", function (e) {
    if (e.target.classList.contains("hpo-label")) { setTimeout(close, 100); }
  });
})();
