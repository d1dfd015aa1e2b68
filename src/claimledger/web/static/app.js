// Progressive enhancement only: every page reads and navigates without this file.
// On the article page, selecting a content marks its source and cue in the text and says who and how.
(function () {
  "use strict";
  function show(att) {
    document.querySelectorAll(".hl.active, .att.active").forEach(function (el) { el.classList.remove("active"); });
    var parts = document.querySelectorAll('.hl[data-att~="' + CSS.escape(att) + '"]');
    parts.forEach(function (el) { el.classList.add("active"); });
    var entry = document.getElementById("att-" + att);
    var box = document.getElementById("selection");
    if (!entry || !box) return;
    entry.classList.add("active");
    // Copy the entry's nodes (already escaped by the server): no string ever becomes markup here.
    box.replaceChildren();
    var head = document.createElement("strong");
    head.textContent = "Selected " + att + ": ";
    box.appendChild(head);
    ["who", "kind", "cue"].forEach(function (cls) {
      var el = entry.querySelector("." + cls);
      if (el) { var span = document.createElement("span"); span.className = cls; span.textContent = el.textContent + " "; box.appendChild(span); }
    });
    box.hidden = false;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.l-content[data-att]");
    if (!link) return;
    var att = link.getAttribute("data-att").split(" ")[0];
    show(att);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var m = /^#(?:att|t)-(.+)$/.exec(location.hash);
    if (m) show(decodeURIComponent(m[1]));
  });
})();
