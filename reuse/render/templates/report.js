/* reuse report: jump to a passage's twin, n/p through passages, open folds to print. */
(function () {
  "use strict";

  function passageOf(node) {
    return node && node.closest ? node.closest("mark.passage") : null;
  }

  function go(target) {
    if (!target) {
      return;
    }
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    target.classList.add("flash");
    window.setTimeout(function () {
      target.classList.remove("flash");
    }, 1200);
  }

  document.addEventListener("click", function (event) {
    var mark = passageOf(event.target);
    if (!mark) {
      return;
    }
    var twin = document.getElementById(mark.getAttribute("data-twin"));
    if (twin) {
      event.preventDefault();
      go(twin);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key !== "n" && event.key !== "p") {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) {
      return;
    }
    // Passages in reading order, each once: the A side of every pair.
    var order = Array.prototype.slice.call(document.querySelectorAll("mark.passage[data-side='a']"));
    if (!order.length) {
      return;
    }
    var current = passageOf(document.activeElement);
    if (current && current.getAttribute("data-side") === "b") {
      current = document.getElementById(current.getAttribute("data-twin"));
    }
    var at = order.indexOf(current);
    var next;
    if (event.key === "n") {
      next = at < 0 ? 0 : Math.min(order.length - 1, at + 1);
    } else {
      next = at < 0 ? order.length - 1 : Math.max(0, at - 1);
    }
    event.preventDefault();
    go(order[next]);
  });

  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
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
