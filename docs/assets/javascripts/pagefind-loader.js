/*
 * ArchivePagefind.load(bundleUrl) -> Promise of the Pagefind JS API
 * (options, init, search, debouncedSearch, filters, preload, mergeIndex, ...).
 *
 * Over http(s) this is just `import(bundleUrl + "pagefind.js")`.
 *
 * On file:// (the archive opened from a USB stick) browsers refuse module
 * imports, fetch() and Workers, so we use the twins written by
 * build_archive/offline.py into <bundle>/offline/: a classic-script copy of
 * pagefind.js, and for each bundle file a script carrying its bytes. Pagefind
 * gets a fetch() that injects the twin's <script> when (and only when) it asks
 * for that file, so a search loads only the chunks it needs.
 */
(function () {
  "use strict";

  var TWIN_DIR = "offline/"; // = build_archive.offline.TWIN_DIR
  var payloads = new WeakMap(); // <script> element -> what its twin registered
  var twins = new Map(); // twin URL -> Promise of its payload
  var apis = new Map(); // absolute bundle URL -> Promise of the API

  // Load one twin. Twins call ArchivePagefind.twin(payload) as they run; the
  // running <script> element (document.currentScript) says which twin it is,
  // so no URL has to be matched back (no percent-encoding pitfalls).
  // `twins` only holds loads in flight (two requests for one file share a
  // <script>); Pagefind caches every file it has read, so keeping the base64
  // afterwards would only double the memory.
  function loadTwin(src) {
    if (!twins.has(src)) {
      twins.set(src, new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () {
          twins.delete(src);
          script.remove();
          if (payloads.has(script)) resolve(payloads.get(script));
          else reject(new TypeError("ArchivePagefind: " + src + " registered nothing"));
        };
        script.onerror = function () {
          twins.delete(src);
          script.remove();
          reject(new TypeError("ArchivePagefind: cannot load " + src +
            " (was build_archive.offline.write_offline_bundle run after Pagefind?)"));
        };
        document.head.appendChild(script);
      }));
    }
    return twins.get(src);
  }

  function decodeBase64(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var bin = atob(text);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  // A bundle file URL -> its twin: <bundle>/index/x.pf_index -> <bundle>/offline/index/x.pf_index.js.
  // Files in index/, fragment/, filter/ sit one level below the bundle root;
  // the others at the root. Deriving the root from the URL (not from one known
  // base) also serves bundles joined with mergeIndex(), if they have twins.
  var BUNDLE_FILE = /^(.*\/)((?:index\/[^\/]+\.pf_index)|(?:fragment\/[^\/]+\.pf_fragment)|(?:filter\/[^\/]+\.pf_filter)|pagefind-entry\.json|wasm\.[^\/]+\.pagefind|pagefind\.[^\/]+\.pf_meta)$/;

  // The fetch() Pagefind gets on file://. Pagefind only reads .arrayBuffer()
  // and .json(), which a Response built from bytes provides.
  function twinFetch(input) {
    var url = new URL(input instanceof Request ? input.url : String(input), document.baseURI);
    url.search = ""; // Pagefind adds ?ts=… to pagefind-entry.json to defeat caches
    url.hash = "";
    var m = url.protocol === "file:" && BUNDLE_FILE.exec(url.href); // never a script from elsewhere
    if (!m) return Promise.reject(new TypeError("ArchivePagefind: not a Pagefind bundle file: " + url.href));
    return loadTwin(m[1] + TWIN_DIR + m[2] + ".js").then(function (base64) {
      return new Response(decodeBase64(base64), { status: 200 });
    });
  }

  async function loadFromTwins(bundle) {
    var factory = await loadTwin(bundle + TWIN_DIR + "pagefind.js");
    // Worker = undefined: Pagefind then runs on the main thread straight away
    // (its own fallback would first try `new Worker(file://…)` and wait for it
    // to fail). import.meta.url is the bundle's pagefind.js, so Pagefind derives
    // its basePath as it does over http.
    var api = factory(twinFetch, undefined, bundle + "pagefind.js");
    await api.init(); // creates the instance and starts loading entry, meta and wasm
    // Result URLs: Pagefind joins baseUrl + the page's site-relative URL. Its
    // default baseUrl is root-relative ("/…/"), which on file:// means the disk
    // root, so point it at the site folder the bundle sits in (Pagefind's own
    // rule: the part of the bundle URL before "pagefind/"). It must be set
    // after init: a baseUrl given at construction gets a "/" prefixed. Note
    // that Pagefind collapses "//", so URLs come back as "file:/…/page.html",
    // which browsers resolve like "file:///…/page.html".
    var root = /^(.*\/)_?pagefind\/$/.exec(bundle);
    await api.options({ baseUrl: root ? root[1] : new URL("../", bundle).href });
    return api;
  }

  window.ArchivePagefind = {
    load: function (bundleUrl) {
      var bundle = new URL(bundleUrl, document.baseURI);
      bundle.search = "";
      bundle.hash = "";
      if (!/\/$/.test(bundle.pathname)) bundle.pathname += "/";
      var key = bundle.href;
      if (!apis.has(key)) {
        var api = bundle.protocol === "file:" ? loadFromTwins(key) : import(key + "pagefind.js");
        api.catch(function () { apis.delete(key); }); // allow a retry after a failure
        apis.set(key, api);
      }
      return apis.get(key);
    },
    // Called by the twin scripts only (see loadTwin).
    twin: function (payload) {
      if (document.currentScript) payloads.set(document.currentScript, payload);
    },
  };
})();
