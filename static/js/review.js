// The review queue's keyboard (j/k move, Enter opens, c confirms, o overrides, x selects) and
// the conviction page's (c confirms, o goes to the override). No inline script: the pages load
// this file, and it only reads the data attributes and buttons the templates render.
(function () {
  "use strict";

  function typing(event) {
    var t = event.target;
    if (!t || !t.tagName) return false;
    var tag = t.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || t.isContentEditable;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-href]"));
  }

  function current() {
    return document.querySelector("#queue tbody tr.current");
  }

  function select(row) {
    if (!row) return;
    var was = current();
    if (was) {
      was.classList.remove("current");
      was.removeAttribute("aria-selected");
    }
    row.classList.add("current");
    row.setAttribute("aria-selected", "true");
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next]);
  }

  function restoreQueue() {
    var all = rows();
    if (!all.length) return;
    var fromHash = location.hash && document.getElementById(location.hash.slice(1));
    select(fromHash && all.indexOf(fromHash) >= 0 ? fromHash : all[0]);
  }

  function queueKey(event) {
    var row = current();
    switch (event.key) {
      case "j": move(1); return true;
      case "k": move(-1); return true;
      case "Enter":
        if (row) location.href = row.dataset.href;
        return Boolean(row);
      case "c": {
        var confirm = row && row.querySelector("button[data-action=confirm]");
        if (confirm) confirm.click();
        return Boolean(confirm);
      }
      case "o":
        if (row) location.href = row.dataset.href + "#override";
        return Boolean(row);
      case "x": {
        var box = row && row.querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
        return Boolean(box);
      }
    }
    return false;
  }

  function focusOverride() {
    var outcome = document.querySelector("#override select");
    if (!outcome) return false;
    outcome.scrollIntoView({ block: "center" });
    outcome.focus();
    return true;
  }

  function itemKey(event) {
    if (event.key === "c") {
      var confirm = document.querySelector("#decide-form [data-key=c]");
      if (confirm) confirm.click();
      return Boolean(confirm);
    }
    if (event.key === "o") return focusOverride();
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event)) return;
    // Enter on a focused link or button is theirs.
    if (event.key === "Enter" && event.target.closest && event.target.closest("a, button")) return;
    var handled = document.getElementById("queue") ? queueKey(event)
      : document.getElementById("review-item") ? itemKey(event) : false;
    if (handled) event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "select-all") {
      rows().forEach(function (row) {
        var box = row.querySelector("input[type=checkbox]");
        if (box) box.checked = event.target.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var row = event.target && event.target.closest && event.target.closest("#queue tbody tr[data-href]");
    if (row) select(row);
  });

  function ready() {
    if (document.getElementById("queue")) restoreQueue();
    if (location.hash === "#override") focusOverride();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
