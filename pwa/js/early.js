// Start reading the device's copy (session, catalog, device id, the assessment in the address)
// while the modules load.
window.__early = new Promise(function (done) {
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
});
