/* Loads the playground's script and styles only on the page that has the playground (#convfig-playground),
 * from the folder this file is in: works over http and from file:// (the offline bundle). */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (!here || !document.getElementById("convfig-playground")) return;
  var base = here.replace(/[^/]*$/, "");
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "playground.css";
  document.head.appendChild(css);
  ["engine.js", "playground.js"].forEach(function (name) {
    var s = document.createElement("script");
    s.src = base + name;
    s.async = false;          // run in this order
    document.body.appendChild(s);
  });
})();
