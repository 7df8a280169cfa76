// Offline start: paint the assessment in the address at once from the copy of its first screen the
// app kept (js/snapshot.js); the app takes over when its modules have run, keeping what was typed.
(function () {
  try {
    var m = /^#\/a\/([^/?]+)$/.exec(location.hash);
    var html = m && localStorage.getItem("bedside-first:" + decodeURIComponent(m[1]));
    var main = document.getElementById("main");
    if (html && main) { main.innerHTML = html; main.dataset.snapshot = "1"; }
  } catch (e) { /* no storage: the app paints it a moment later */ }
  // Then the app: its modules are fetched and compiled only after that frame is painted, so they never
  // delay it (without a kept screen, at once). MODULES: what the first screen imports, fetched in parallel.
  var MODULES = [
    "/js/api.js",
    "/js/docs.js",
    "/js/i18n.js",
    "/js/outbox.js",
    "/js/personnummer.js",
    "/js/pointer.js",
    "/js/render/checkbox.js",
    "/js/render/choice.js",
    "/js/render/conflict.js",
    "/js/render/dom.js",
    "/js/render/field.js",
    "/js/render/form.js",
    "/js/render/scale.js",
    "/js/render/text.js",
    "/js/storage.js",
    "/js/views/assessment.js",
    "/vendor/idb.js"
  ];
  function start() {
    MODULES.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = href;
      document.head.appendChild(link);
    });
    var app = document.createElement("script");
    app.type = "module";
    app.src = "/js/app.js";
    document.body.appendChild(app);
  }
  if (document.getElementById("main").dataset.snapshot) requestAnimationFrame(function () { setTimeout(start, 0); });
  else start();
})();
