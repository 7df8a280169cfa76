// Start reading the device's copy (session, catalog, device id, the assessment in the address)
// while the modules load: after the first frame, so IndexedDB's callbacks never delay the painted
// copy of the first screen (js/paint.js starts the modules after that frame too).
window.__early = new Promise(function (done) {
  requestAnimationFrame(function () { setTimeout(read, 0); });
  function read() {
  try {
    var req = indexedDB.open("bedside"), id = /^#\/a\/([^/]+)$/.exec(location.hash);
    req.onupgradeneeded = function () { req.transaction.abort(); };
    req.onerror = function () { done(null); };
    req.onsuccess = function () {
      var db = req.result, out = {};
      try {
        var tx = db.transaction(["kv", "docs"]), kv = tx.objectStore("kv");
        ["session", "catalog", "client_id"].forEach(function (k) { kv.get(k).onsuccess = function (e) { out[k] = e.target.result; }; });
        if (id) tx.objectStore("docs").get(decodeURIComponent(id[1])).onsuccess = function (e) { out.doc = e.target.result; };
        kv.transaction.oncomplete = function () { db.close(); done(out); };
        kv.transaction.onerror = function () { db.close(); done(null); };
      } catch (e) { db.close(); done(null); }
    };
  } catch (e) { done(null); }
  }
});
