// Sorting and filtering of the findings table. Works on the rendered rows (no data embedded
// in the script), so the page reads fine without JavaScript too.
(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  if (!table) { document.documentElement.setAttribute("data-ready", "no-findings"); return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var severity = document.getElementById("severity-filter");
  var suppressed = document.getElementById("show-suppressed");
  var visibleCount = document.getElementById("visible-count");
  var empty = document.getElementById("empty-note");

  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var minimum = Number(severity.value || 0);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; }) &&
        Number(row.getAttribute("data-sev")) >= minimum &&
        (suppressed.checked || row.getAttribute("data-suppressed") !== "1");
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    visibleCount.textContent = String(shown);
    empty.hidden = shown !== 0;
  }

  function sortBy(header) {
    var column = header.cellIndex;
    var numeric = header.getAttribute("data-sort") === "number";
    var direction = header.getAttribute("aria-sort") === "descending" ? 1 : -1;
    if (!header.hasAttribute("aria-sort")) { direction = numeric ? -1 : 1; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-value") || a.cells[column].textContent;
      var y = b.cells[column].getAttribute("data-value") || b.cells[column].textContent;
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return order * direction;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    if (!th.hasAttribute("data-sort")) { return; }
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });
  filter.addEventListener("input", apply);
  severity.addEventListener("change", apply);
  suppressed.addEventListener("change", apply);
  apply();
  table.setAttribute("data-enhanced", "sortable filterable");
  document.documentElement.setAttribute("data-ready", "yes");
})();
