/* reuse report: jump to a passage's twin, n/p through passages, open folds to print. */
(function () {
  "use strict";

  function go(target) {
    if (!target) {
      return;
    }
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    var mark = target.closest("mark.passage");
    if (mark) {
      mark.classList.add("flash");
      window.setTimeout(function () {
        mark.classList.remove("flash");
      }, 1200);
    }
  }

  // A click on a passage's words jumps to its twin; selecting text does not.
  document.addEventListener("click", function (event) {
    var mark = event.target.closest ? event.target.closest("mark.passage") : null;
    if (!mark || event.detail > 1) {
      return;
    }
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && !event.target.closest("a.num")) {
      return;
    }
    var badge = event.target.closest("a.num");
    var twin = document.getElementById(
      badge ? badge.getAttribute("href").slice(1) : mark.getAttribute("data-twin")
    );
    if (twin) {
      event.preventDefault();
      go(twin);
    }
  });

  // n / p: the next or previous passage, each once (by its badge in column A).
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || (event.key !== "n" && event.key !== "p")) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) {
      return;
    }
    var order = Array.prototype.slice.call(document.querySelectorAll("a.num[data-side='a']"));
    if (!order.length) {
      return;
    }
    var current = document.activeElement;
    if (current && current.matches && current.matches("a.num[data-side='b']")) {
      current = document.getElementById(current.getAttribute("href").slice(1));
    }
    var at = order.indexOf(current);
    var next;
    if (at >= 0) {
      next = event.key === "n" ? Math.min(order.length - 1, at + 1) : Math.max(0, at - 1);
    } else {
      // Nothing chosen yet: start from where the reader is.
      var below = order.findIndex(function (badge) {
        return badge.getBoundingClientRect().top >= 0;
      });
      if (event.key === "n") {
        next = below < 0 ? order.length - 1 : below;
      } else {
        next = below <= 0 ? 0 : below - 1;
      }
    }
    event.preventDefault();
    go(order[next]);
  });

  // Print every fold but the very long ones, then restore.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open && !d.classList.contains("long");
    });
    opened.forEach(function (d) {
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) {
      d.open = false;
    });
    opened = [];
  });
})();
