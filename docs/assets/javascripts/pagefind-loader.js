/*
 * ArchivePagefind.load(bundleUrl) -> Promise of the Pagefind JS API
 * (options, init, search, debouncedSearch, filters, preload, mergeIndex, ...)
 * over the whole archive, plus `parts` and `facets()` (see below).
 *
 * Pagefind is loaded as the classic-script copy of its pagefind.js that
 * build_archive/search/offline.py writes (<bundle>/offline/pagefind.js), over
 * http(s) as on file://: a factory taking the fetch() Pagefind is to use. Over
 * http that is the network's, Pagefind's gzipped files inflated by the browser
 * (inflatingFetch); on file:// the twins (twinFetch, below). Pagefind runs on
 * the page's main thread (no Worker): its Web Worker would cost one more
 * request and round trip (pagefind-worker.js) before anything else loads, and
 * a message hop per result (measured: no faster on two cores). load() starts
 * Pagefind at once (init: entry, meta, wasm), so the search page calls it as
 * early as it can: from its <head> (see below).
 *
 * The archive is indexed in parts (build_archive/search/indexing.py):
 * <bundle>/parts.json lists them newest first; the newest is the bundle
 * itself, the others lie in <bundle>/parts/<id>/. `use(parts)` joins parts to
 * Pagefind with mergeIndex (one wasm, one pagefind.js for all) when a search
 * first needs them, so a search of the newest years never loads the older
 * parts' metadata (search.js searches the newest parts first). `parts`: the
 * manifest's entries (id, number, date range, groups); `facets(parts)`: a
 * promise of those parts' facets.json (build_archive/search/facets.py), with
 * `part` set to its id; `holders(words)`: which parts hold every one of the
 * query's bigram tokens, from the term directory (build_archive/search/terms.py).
 * No part is tagged with a mergeFilter: Pagefind counts every filter it has
 * loaded on every search, slowly (facets.py). A bundle without parts.json is
 * used as it is (`parts` is then empty, `facets()` gives []).
 *
 * On file:// (the archive opened from a USB stick) browsers refuse module
 * imports, fetch() and Workers, so we use the twins written by
 * build_archive/offline.py into <bundle>/offline/: for each bundle file a
 * script carrying its bytes. Pagefind gets a fetch() that injects the twin's
 * <script> when (and only when) it asks for that file, so a search loads only
 * the chunks it needs.
 */
(function () {
  "use strict";

  // The search page loads this file twice: early and async in its <head>
  // (overrides/main.html: data-qz-preload names the bundle, which starts
  // loading at once, while Material's CSS and JS still load), then again with
  // every page's scripts. The first copy is the one kept.
  if (window.ArchivePagefind) return;

  var TWIN_DIR = "offline/"; // = build_archive.offline.TWIN_DIR
  var FRAGMENT_MAGIC = "pagefind_dcd".length; // the bytes a Pagefind data file starts with (stable_bundle.MAGIC)
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

  // Pagefind's data files and its wasm are gzip of "pagefind_dcd" + the data,
  // which Pagefind inflates in JavaScript (fflate) unless they already start with
  // that signature. The browser's own gzip (DecompressionStream) is much faster:
  // a search page opened with a common query at 10,000 articles spent ~55 ms of
  // its main thread in Pagefind's inflate (Chromium's profiler). So Pagefind gets
  // its files inflated. Bytes that are not gzip (a host may have inflated them
  // already) pass as they are, and so does everything in a browser without
  // DecompressionStream: Pagefind then inflates its files itself (our own
  // fragment reads, archive.fragment, need DecompressionStream, as before).
  var GZIPPED = /\.(?:pf_meta|pf_index|pf_fragment|pf_filter|pagefind)$/;
  function inflated(bytes) {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || typeof DecompressionStream === "undefined") return Promise.resolve(bytes);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }
  function pathOf(input) {
    return new URL(input instanceof Request ? input.url : String(input), document.baseURI).pathname;
  }

  // The fetch() Pagefind gets over http(s): the network's, its data files inflated.
  function inflatingFetch(input, init) {
    return fetch(input, init).then(function (response) {
      if (!response.ok || !GZIPPED.test(pathOf(input))) return response;
      return response.arrayBuffer().then(function (buffer) { return inflated(new Uint8Array(buffer)); })
        .then(function (bytes) { return new Response(bytes, { status: 200 }); });
    });
  }

  // The fetch() Pagefind gets on file://. Pagefind only reads .arrayBuffer()
  // and .json(), which a Response built from bytes provides.
  function twinFetch(input) {
    var url = new URL(input instanceof Request ? input.url : String(input), document.baseURI);
    url.search = ""; // Pagefind adds ?ts=… to pagefind-entry.json to defeat caches
    url.hash = "";
    var m = url.protocol === "file:" && BUNDLE_FILE.exec(url.href); // never a script from elsewhere
    if (!m) return Promise.reject(new TypeError("ArchivePagefind: not a Pagefind bundle file: " + url.href));
    return loadTwin(m[1] + TWIN_DIR + m[2] + ".js").then(function (base64) {
      var bytes = decodeBase64(base64);
      return GZIPPED.test(m[2]) ? inflated(bytes) : bytes;
    }).then(function (bytes) {
      return new Response(bytes, { status: 200 });
    });
  }

  // The site folder a bundle (or a part of it) belongs to: Pagefind's own rule,
  // the part of the bundle URL before "pagefind/".
  function siteRoot(bundle) {
    var root = /^(.*\/)_?pagefind\/(?:parts\/[^\/]+\/)?$/.exec(bundle);
    return root ? root[1] : new URL("../", bundle).href;
  }

  async function loadFromTwins(bundle, script, pagefindFetch) {
    var factory = await script;
    // Worker = undefined: Pagefind then runs on the main thread straight away
    // (its own fallback would first try `new Worker(file://…)` and wait for it
    // to fail). import.meta.url is the bundle's pagefind.js, so Pagefind derives
    // its basePath as it does over http.
    var api = factory(pagefindFetch, undefined, bundle + "pagefind.js");
    await api.init(); // creates the instance and starts loading entry, meta and wasm
    // Result URLs: Pagefind joins baseUrl + the page's site-relative URL. Its
    // default baseUrl is root-relative ("/…/"), which on file:// means the disk
    // root, so point it at the site folder the bundle sits in. It must be set
    // after init: a baseUrl given at construction gets a "/" prefixed. Note
    // that Pagefind collapses "//", so URLs come back as "file:/…/page.html",
    // which browsers resolve like "file:///…/page.html".
    await api.options({ baseUrl: siteRoot(bundle) });
    return api;
  }

  // V8 first runs a wasm function as baseline code and swaps in optimised code
  // only for its next call, so a page's first query ran Pagefind's scoring loop
  // at baseline speed (bench, 10,000 articles, 10 queries: 297 ms median to the
  // first results, 246 ms with this). So Pagefind searches once as it starts, before
  // the other parts are merged (one index chunk of the newest part is read),
  // for the commonest character, 的, as search.js encodes it
  // (QzSearchTokens.encodeQuery("的")): the reader's first query then runs the
  // optimised code. Its answer is not used.
  var WARM_UP = "bswy";
  function warmUp(api) {
    api.search(WARM_UP).catch(function () { /* the reader's own search reports errors */ });
  }

  // Pagefind asks for an index's pagefind-entry.json with "?ts=<now>", so that no browser
  // reuses an old one, unless it is given a fixed tag (its metaCacheTag option). A part's key
  // (parts.json: a hash of what its index was built from, Pagefind's version included) changes
  // whenever its bundle files do, so it is that tag: the next page takes the entry from the
  // browser's cache instead of asking the server again, one round trip per part joined.
  // Only for parts of this site: parts.json and they come with one deploy. A part of a
  // neighbouring site (an archive split over sites: "../../<site>/pagefind/…") may be
  // rebuilt there before this site's parts.json says so; Pagefind then asks as it will.
  function cacheTag(part) {
    var own = typeof part.path === "string" && !/^(?:\.\.\/|\/|[a-z]+:)/i.test(part.path);
    return own && typeof part.key === "string" && part.key ? part.key.slice(0, 16) : null;
  }

  // The promise `load()` gives, kept in `cache` under `key` so that every later call shares it;
  // dropped if it fails, so that the next call tries again.
  function remembered(cache, key, load) {
    if (!cache.has(key)) {
      var loading = load();
      loading.catch(function () { cache.delete(key); });
      cache.set(key, loading);
    }
    return cache.get(key);
  }

  // A JSON file of ours in a bundle folder (its twin on file://). `fresh`: it
  // changes with every build (parts.json), so the browser asks the server again.
  async function loadJson(folder, name, onFile, fresh) {
    var bytes;
    if (onFile) {
      bytes = decodeBase64(await loadTwin(folder + TWIN_DIR + name + ".js"));
    } else {
      var response = await fetch(folder + name, fresh ? { cache: "no-cache" } : {});
      if (!response.ok) throw new TypeError("ArchivePagefind: " + folder + name + ": HTTP " + response.status);
      bytes = new Uint8Array(await response.arrayBuffer());
    }
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  // parts.json, or null for a bundle without parts.
  async function loadManifest(bundle, onFile) {
    try {
      var manifest = await loadJson(bundle, "parts.json", onFile, true);
      return manifest && Array.isArray(manifest.parts) && manifest.parts.length ? manifest : null;
    } catch (error) {
      return null;
    }
  }

  // --- search tokens, as build_archive/search/bigrams.py makes them ------------------
  // Here, not in search.js, so that the search page can start the query in its address while
  // Material's scripts still load (see `prefetch`).
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  // Traditional characters folded to simplified, one character at a time, as the index
  // folds them (js/fold.js, written by the build: build_archive/search/bigrams.py fold_table).
  var FOLD = null;
  // Made once js/fold.js has run (the prefetch may encode a query before it has: unfolded then).
  function foldTable() {
    if (FOLD === null && window.QZ_FOLD_PAIRS) {
      FOLD = new Map();
      var pairs = Array.from(window.QZ_FOLD_PAIRS);
      for (var i = 0; i + 1 < pairs.length; i += 2) FOLD.set(pairs[i], pairs[i + 1]);
    }
    return FOLD || new Map();
  }
  function fold(text) {
    var table = foldTable();
    if (!table.size) return text;
    return Array.from(text).map(function (ch) { return table.get(ch) || ch; }).join("");
  }
  function normalise(text) {
    return fold(text.normalize("NFKC").toLowerCase().replace(/\s+/g, ""));
  }
  function encodeChar(ch) {
    var code = Math.min(ch.codePointAt(0), Math.pow(26, 4) - 1);
    var out = "";
    for (var i = 0; i < 4; i++) {
      out = LETTERS[code % 26] + out;
      code = Math.floor(code / 26);
    }
    return out;
  }
  function encodeQuery(query) {
    var chars = Array.from(normalise(query)).map(encodeChar);
    if (chars.length === 1) return chars[0];
    var grams = [];
    for (var i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
    return grams.join(" ");
  }

  // --- dates: sort values "2022-07-19", "2022-08", "2022", "0000" (undated) -------------
  function periodStart(value) { return value.length === 4 ? value + "-01-01" : value.length === 7 ? value + "-01" : value; }
  function periodEnd(value) { return value.length === 4 ? value + "-12-31" : value.length === 7 ? value + "-31" : value; }

  // Parts (or search units: searchUnits) in list order (newest first; oldest
  // first when `asc`), in runs: those whose [first, last] date ranges overlap
  // share a run (shards of different papers, build_archive/combine.py); the
  // runs are disjoint and follow one another. A manifest without first/last: a
  // run per part, in the manifest's order (a plain build's parts are
  // consecutive ranges).
  function dateRuns(parts, asc) {
    var known = parts.every(function (p) { return typeof p.first === "string" && typeof p.last === "string"; });
    if (!known) return (asc ? parts.slice().reverse() : parts.slice()).map(function (p) { return [p]; });
    var sorted = parts.slice().sort(asc
      ? function (a, b) { return a.first < b.first ? -1 : a.first > b.first ? 1 : 0; }
      : function (a, b) { return a.last > b.last ? -1 : a.last < b.last ? 1 : 0; });
    var runs = [], low = null, high = null;
    sorted.forEach(function (p) {
      // ranges that only touch (one date at both ends) need no merge: either order is in order
      if (runs.length && (asc ? p.first < high : p.last > low)) {
        runs[runs.length - 1].push(p);
        if (p.first < low) low = p.first;
        if (p.last > high) high = p.last;
      } else {
        runs.push([p]);
        low = p.first;
        high = p.last;
      }
    });
    return runs;
  }


  // --- windows: the parts a search takes in, newest first (search.js, findInScope) -------
  // A part may hold a query's results when the term directory (build_archive/search/terms.py)
  // says it holds every bigram of the query (`holders`: part numbers, null: any), and its dates
  // meet the date range and the years chosen (`options` as search.js's find takes them).
  var WINDOW_PAGES = 12000; // unless parts.json says (build_archive/search/parts.py WINDOW_PAGES)
  function mayHold(part, holders, options) {
    if (holders && typeof part.n === "number" && !holders.has(part.n)) return false;
    if (typeof part.first !== "string" || typeof part.last !== "string") return true;
    var low = periodStart(part.first), high = periodEnd(part.last);
    var range = options.range;
    if (range && (low > range.high || high < range.low)) return false;
    var years = (options.filters || {})["年份"] || [];
    return years.every(function (y) { return low <= y + "-12-31" && high >= y + "-01-01"; });
  }
  // The parts in windows of about WINDOW_PAGES pages, in search order (newest first,
  // oldest first for an oldest-first list); parts whose dates overlap stay in one window.
  function windowsOf(parts, asc, size) {
    var windows = [], current = [], pages = 0;
    dateRuns(parts, asc).forEach(function (run) {
      current = current.concat(run);
      pages += run.reduce(function (sum, p) { return sum + (p.pages || 0); }, 0);
      if (pages >= (size || WINDOW_PAGES)) {
        windows.push(current);
        current = [];
        pages = 0;
      }
    });
    if (current.length) windows.push(current);
    return windows;
  }

  // FNV-1a over a token's letters, as build_archive/search/terms.py shard_of.
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0;
    return h & (shards - 1);
  }

  // Numbers as build_archive/search/numbers.py writes them: a set (`gaps`: the term
  // directory, the facets' filters) or a sequence (`runs`: the facets' date order).
  function readNumbers(text, gapped) {
    var out = [], previous = -1;
    String(text || "").split(" ").forEach(function (item) {
      if (!item) return;
      var bits = item.split("+");
      var first = parseInt(bits[0], 16) + (gapped ? previous + 1 : 0);
      previous = first + (bits.length > 1 ? parseInt(bits[1], 16) : 0);
      for (var n = first; n <= previous; n++) out.push(n);
    });
    return out;
  }
  function readGaps(text) { return readNumbers(text, true); }
  function readRuns(text) { return readNumbers(text, false); }
  // facets.json (build_archive/search/facets.py, `pack`) as lists: {pages: [id, ...],
  // filters: {name: {value: [page number, ...]}}, order: [page number, ...]}.
  function unpackFacets(data) {
    if (data.format !== 2) throw new TypeError("ArchivePagefind: facets.json of format " + data.format + ", expected 2");
    var filters = {};
    Object.keys(data.filters).forEach(function (name) {
      filters[name] = {};
      Object.keys(data.filters[name]).forEach(function (value) { filters[name][value] = readGaps(data.filters[name][value]); });
    });
    return { pages: data.pages ? data.pages.split(" ").map(function (p) { return data.prefix + p; }) : [],
             filters: filters, order: readRuns(data.order) };
  }

  // The API over the archive: the newest part is the bundle (Pagefind's primary
  // index, which loads the wasm), the others are merged into it as searches need them.
  async function loadArchive(bundle) {
    var onFile = bundle.startsWith("file:");
    var pagefindFetch = onFile ? twinFetch : inflatingFetch; // the fetch Pagefind is given
    // pagefind.js loads while the manifest does: its classic-script twin, also over http, as
    // only that form lets us hand Pagefind its fetch
    var module = loadTwin(bundle + TWIN_DIR + "pagefind.js");
    var manifest = await loadManifest(bundle, onFile);
    var primary = manifest && manifest.parts.filter(function (p) { return p.path === ""; })[0];
    var primaryTag = primary ? cacheTag(primary) : null;
    var api;
    if (onFile) {
      api = await loadFromTwins(bundle, module, pagefindFetch);
    } else {
      // No Worker: Pagefind runs on the page's main thread (see the top of this file).
      // import.meta.url is the bundle's pagefind.js, as when it is imported.
      api = (await module)(pagefindFetch, undefined, bundle + "pagefind.js");
      // before Pagefind starts: it is created with these options
      if (primaryTag) await api.options({ metaCacheTag: primaryTag });
      // Start it now (the entry, meta and wasm load while the page and the
      // reader get ready), not at the first search: with one part nothing
      // else would start it.
      api.init();
    }
    warmUp(api); // before the other parts are merged: see WARM_UP
    var parts = [];
    var merged = new Map(); // part id -> promise of its mergeIndex
    if (primary) {
      manifest.parts.forEach(function (part) {
        var url = new URL(part.path, bundle).href;
        // n: its number in the term directory; first/last: the part's date range (search.js
        // merges parts whose ranges overlap); groups: the letters its pages' tokens were indexed
        // with (build_archive/search/parts.py)
        parts.push({ id: part.id, n: part.n, pages: part.pages, url: url, first: part.first, last: part.last,
                     groups: part.groups, primary: part === primary, tag: cacheTag(part) });
      });
    }
    // a plain object: a module namespace cannot carry `parts`
    var archive = {};
    Object.keys(api).forEach(function (name) { archive[name] = api[name]; });
    archive.parts = parts; // newest first
    archive.fetch = pagefindFetch; // the fetch Pagefind was given (tests read through it)
    archive.window = (manifest && manifest.window) || {}; // how search.js takes the parts in (findInScope)
    // The parts that may hold the results of a query of these bigram tokens, in windows (search order).
    archive.windowsOf = function (some, asc) { return windowsOf(some, asc, archive.window.pages); };
    archive.windows = function (words, options) {
      return archive.holders(words).then(function (holders) {
        var asc = !!options.sort && options.sort.date === "asc";
        return archive.windowsOf(parts.filter(function (p) { return mayHold(p, holders, options); }), asc);
      });
    };
    // Join these parts to Pagefind's searches (the primary one is always in).
    archive.use = function (some) {
      return Promise.all(some.map(function (part) {
        if (part.primary) return null;
        return remembered(merged, part.id, function () {
          return api.mergeIndex(part.url, onFile ? { baseUrl: siteRoot(part.url) } // baseUrl: see loadFromTwins
            : part.tag ? { metaCacheTag: part.tag } : {});
        });
      }));
    };
    // The ids of the parts Pagefind searches now (the primary one and those joined).
    archive.joined = function () {
      return parts.filter(function (p) { return p.primary || merged.has(p.id); }).map(function (p) { return p.id; });
    };
    // The numbers (parts.json `n`) of the parts holding every token of `words`, as a Set;
    // null when there is no term directory (every part may hold them).
    var shards = manifest && manifest.terms && manifest.terms.shards;
    var shardFiles = new Map();
    archive.holders = function (words) {
      if (!shards || !words.length) return Promise.resolve(null);
      return Promise.all(words.map(function (word) {
        var name = shardOf(word, shards) + ".json";
        return remembered(shardFiles, name, function () {
          return loadJson(bundle, "terms/" + name, onFile, false); // twin: offline/terms/<n>.json.js
        }).then(function (shard) { return new Set(readGaps(shard[word])); });
      })).then(function (sets) {
        return sets.reduce(function (all, one) { return new Set(Array.from(all).filter(function (n) { return one.has(n); })); });
      }).catch(function () { return null; }); // no directory to be had: every part may hold them
    };
    // One page's fragment, read without Pagefind (search.js lists the pages of a search by
    // filters alone from the facets: build_archive/facets.py says why): gzip of "pagefind_dcd"
    // then JSON, its url made absolute as Pagefind's result data has it.
    archive.fragment = async function (partUrl, id) {
      var name = "fragment/" + id + ".pf_fragment";
      var packed = onFile ? decodeBase64(await loadTwin(partUrl + TWIN_DIR + name + ".js"))
        : new Uint8Array(await (await fetch(partUrl + name)).arrayBuffer());
      var raw = await inflated(packed);
      var data = JSON.parse(new TextDecoder().decode(raw.subarray(FRAGMENT_MAGIC)));
      data.url = new URL(String(data.url || "").replace(/^\//, ""), siteRoot(partUrl)).href;
      return data;
    };
    var facetFiles = new Map(); // part id -> promise of its facets.json
    archive.facets = function (some) {
      return Promise.all((some || parts).map(function (part) {
        return remembered(facetFiles, part.id, function () {
          return loadJson(part.url, "facets.json", onFile, false).then(function (one) {
            var open = unpackFacets(one);
            open.part = part.id;
            return open;
          });
        });
      }));
    };
    if (window.performance && performance.mark) performance.mark("qz-pagefind-ready"); // for benchmarks/
    return archive;
  }

  var ArchivePagefind = window.ArchivePagefind = {
    load: function (bundleUrl) {
      var bundle = new URL(bundleUrl, document.baseURI);
      bundle.search = "";
      bundle.hash = "";
      if (!/\/$/.test(bundle.pathname)) bundle.pathname += "/";
      return remembered(apis, bundle.href, function () { return loadArchive(bundle.href); });
    },
    tokens: { fold: fold, normalise: normalise, encodeQuery: encodeQuery, LETTERS: LETTERS },
    dates: { periodStart: periodStart, periodEnd: periodEnd, dateRuns: dateRuns },
    remembered: remembered,
    // Called by the twin scripts only (see loadTwin).
    twin: function (payload) {
      if (document.currentScript) payloads.set(document.currentScript, payload);
    },
  };

  // Whichever copy runs first starts the preload: when the file arrives after
  // the parser has reached the copy at the end of <body>, that parser-blocking
  // copy runs before the async one (Chromium; both share one download), and
  // the async one then returns at once above.
  var marked = document.querySelector("script[data-qz-preload]");
  var preload = marked && marked.getAttribute("data-qz-preload");
  if (preload) ArchivePagefind.load(preload).then(prefetch).catch(function () { /* search.js loads again and reports */ });

  // The search page opened with a query (search.html?q=…, as the header's box opens it): start
  // on the query's first window while Material's scripts and search.js still load and run — its
  // term directory shards, the parts' metadata (mergeIndex), their facets and the query's index
  // chunks; search.js then finds them loaded. Only for a plain query, newest first (a date range,
  // years, an oldest-first list or more windows would search other parts: search.js does).
  // A hint: whatever it loads search.js would load too; on a failure search.js loads again.
  function prefetch(archive) {
    var params = new URLSearchParams(window.location.search);
    var q = (params.get("q") || "").trim();
    var plain = ["from", "to", "年份", "w"].every(function (key) { return !params.has(key); }) && params.get("sort") !== "date-asc";
    if (!q || !plain || !archive.parts.length) return;
    var query = encodeQuery(q);
    if (query.length === 4) return; // one character: a prefix search, whose chunks search.js preloads itself
    var words = query.split(" ");
    archive.windows(words, {}).then(function (windows) {
      var first = windows[0] || [];
      archive.facets(first);
      return archive.use(first).then(function () { return archive.preload(query); });
    }).catch(function () { /* search.js searches and reports */ });
  }
})();
