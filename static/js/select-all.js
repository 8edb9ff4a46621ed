// A "select all" box in a table's header: shown only when this file runs (without JavaScript the
// form offers its own "every one still to rule on"). It ticks or unticks every box of its name
// in the table, and shows "some" (indeterminate) when only some are ticked. No inline script:
// the pages load this file, and it reads only the data-select-all attribute.
(function () {
  "use strict";

  function boxes(all) {
    var table = all.closest("table");
    var name = all.getAttribute("data-select-all");
    return Array.prototype.slice.call(
      table.querySelectorAll('tbody input[type="checkbox"][name="' + name + '"]')
    );
  }

  function reflect(all) {
    var list = boxes(all);
    var ticked = list.filter(function (box) { return box.checked; }).length;
    all.checked = list.length > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
  }

  function setUp(all) {
    var holder = all.closest("[hidden]");
    if (holder) holder.hidden = false;
    all.addEventListener("change", function () {
      boxes(all).forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    all.closest("table").addEventListener("change", function (event) {
      if (event.target !== all && event.target.name === all.getAttribute("data-select-all")) {
        reflect(all);
      }
    });
    reflect(all);
  }

  function start() {
    document.querySelectorAll("input[data-select-all]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
