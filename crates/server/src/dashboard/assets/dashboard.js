// Filters the findings table as the controls change. The same form submits as a GET with query
// parameters, which the server applies itself, so the page works without this script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("finding-filter");
  const table = document.getElementById("findings");
  if (!form || !table) {
    return;
  }
  const rows = Array.from(table.querySelectorAll("tbody tr"));
  const count = document.getElementById("finding-count");
  const apply = () => {
    const severity = form.elements.severity.value;
    const area = form.elements.area.value;
    const text = form.elements.q.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const matches =
        (!severity || row.dataset.severity === severity) &&
        (!area || row.dataset.area === area) &&
        (!text || row.dataset.text.includes(text));
      row.hidden = !matches;
      if (matches) {
        shown += 1;
      }
    }
    count.textContent = `${shown} of ${rows.length} findings shown`;
  };
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
});
