/*
 * The archive's search page, on top of Pagefind's JS API.
 *
 * Queries are turned into character-bigram tokens (build_archive/search/bigrams.py
 * explains why), so any 2+ character string of an article finds it. Results
 * whose text contains the whole query rank first; excerpts are cut from the
 * article text around the query. The query, filters and sort live in the URL,
 * so a search can be bookmarked. Works over http and from file:// (through
 * ArchivePagefind.load, docs/assets/javascripts/pagefind-loader.js), over an
 * index in parts (build_archive/search/indexing.py) joined by Pagefind's
 * mergeIndex as searches need them, newest first, in windows (see
 * `findInScope`): relevance comes from Pagefind's merged search, filters are
 * counted and applied here from each part's facets (build_archive/search/facets.py),
 * a date-sorted list is put together part by part and group by group, those
 * whose dates overlap merged by date (see `find`). Each part is indexed in
 * groups, searched a group letter at a time (see `searchUnits`).
 */
(function () {
  "use strict";

  var MARKER = "qzgrams";
  var FILTERS = ["区县", "主题", "年份"];
  var PAGE_SIZE = 20;
  var FIRST = 10; // results shown first: the rest of the page follows, then the filter counts
  var RANKED = 100; // results whose data is loaded: ranked exact-first, or in date order
  var TYPING = 200; // ms without a key before a query typed key by key is searched
  var script = document.currentScript;

  // --- the same tokens as build_archive/search/bigrams.py: pagefind-loader.js --------
  var shared = window.ArchivePagefind;
  var fold = shared.tokens.fold, normalise = shared.tokens.normalise, encodeQuery = shared.tokens.encodeQuery;
  var LETTERS = shared.tokens.LETTERS; // the letters tokens are spelled with (and groups named by)
  var periodStart = shared.dates.periodStart, periodEnd = shared.dates.periodEnd, dateRuns = shared.dates.dateRuns;
  window.QzSearchTokens = { encodeQuery: encodeQuery, normalise: normalise };

  // --- facets: the filter values of every page -------------------------------
  // pf: ArchivePagefind.load()'s API, or a view of it narrowed to a search's parts
  // (`scoped`); pf.parts newest first, pf.facets(parts) their facets.json
  // (build_archive/search/facets.py: why the filters are counted and applied here,
  // not by Pagefind).

  // {byId: page hash -> {part, values: [name, value, name, value, ...]}, totals: name -> value -> pages}
  function facetIndex(list) {
    var byId = new Map(), totals = {};
    list.forEach(function (one) {
      var values = one.pages.map(function () { return []; });
      Object.keys(one.filters).sort().forEach(function (name) {
        totals[name] = totals[name] || {};
        Object.keys(one.filters[name]).sort().forEach(function (value) {
          var pages = one.filters[name][value];
          totals[name][value] = (totals[name][value] || 0) + pages.length;
          pages.forEach(function (n) { values[n].push(name, value); });
        });
      });
      one.pages.forEach(function (id, n) { byId.set(id, { part: one.part, values: values[n] }); });
    });
    return { byId: byId, totals: totals, parts: list };
  }
  // The facets of `pf.parts` (a search's scope: see `scoped`), loaded once per scope.
  var facetIndexes = new Map(), facetsDone = new Map();
  function facetKey(pf) { return pf.parts.map(function (p) { return p.id; }).join("\u0000"); }
  // The facets of `pf.parts` if they are loaded already, else null.
  function loadedFacets(pf) { return facetsDone.get(facetKey(pf)) || null; }
  function loadFacets(pf) {
    var key = facetKey(pf);
    return shared.remembered(facetIndexes, key, function () {
      return pf.facets(pf.parts).then(facetIndex).then(function (index) { facetsDone.set(key, index); return index; });
    });
  }

  // --- scope: the parts a search covers, newest first -------------------------------
  // A query loads an index chunk per bigram from every part it searches (~25 KB each,
  // however little of it the query needs), so a search covers first the newest parts
  // that can hold its results, WINDOW_PAGES pages or so, and older ones only when
  // there are too few results there or the reader asks for them ("搜索更早的文章"):
  // what a search costs no longer grows with the archive. A part can hold the
  // results when the term directory (build_archive/search/terms.py) says it holds
  // every bigram of the query, and its dates meet the date range and the years
  // chosen. At 10,000 articles the first window is the whole archive. The window rule
  // itself is in pagefind-loader.js (`windows`), which also starts a search from the
  // page's address before this file has run.
  var WINDOW_RESULTS = PAGE_SIZE; // unless parts.json says (build_archive/search/parts.py)
  // The archive's API narrowed to some parts: what `find` and the facets see.
  function scoped(pf, parts) {
    var view = {};
    Object.keys(pf).forEach(function (name) { view[name] = pf[name]; });
    view.parts = parts;
    return view;
  }
  /*
   * find() over the first `depth` windows of the parts that may hold the results, and
   * over more while there are fewer than PAGE_SIZE results and older windows are left.
   * -> {found, scope (its parts), depth, windows}.
   */
  function findInScope(pf, query, options, depth) {
    var words = query && query.length !== 4 ? query.split(" ") : []; // a one-character query: any part
    if (!pf.parts.length) { // a bundle without parts.json: one index, searched as it is
      return find(pf, query, options, RANKED).then(function (found) { return { found: found, scope: [], depth: 1, windows: [] }; });
    }
    return pf.windows(words, options).then(function (windows) {
      function attempt(k) {
        var scope = [].concat.apply([], windows.slice(0, k));
        if (!scope.length) return Promise.resolve({ found: { results: [], total: 0, matches: [], facets: null }, scope: scope, depth: k, windows: windows });
        var view = scoped(pf, scope);
        return pf.use(scope).then(function () { return find(view, query, options, RANKED); }).then(function (found) {
          if (found.total < (pf.window.results || WINDOW_RESULTS) && k < windows.length) return attempt(k + 1);
          return { found: found, scope: scope, depth: k, windows: windows };
        });
      }
      return attempt(Math.max(1, Math.min(depth, windows.length)));
    });
  }

  // Does a page have every value chosen (`chosen`: name -> [value, ...])? All of them, as
  // Pagefind's filters take a list of values.
  function hasAll(entry, chosen) {
    return Object.keys(chosen).every(function (name) {
      return chosen[name].every(function (value) {
        for (var i = 0; i < entry.values.length; i += 2) {
          if (entry.values[i] === name && entry.values[i + 1] === value) return true;
        }
        return false;
      });
    });
  }

  // --- the date range (from/to: YYYY, YYYY-MM or YYYY-MM-DD, each optional) -----
  // A page's date is its facet "日期" (overrides/partials/article.html), at its precision;
  // it is kept when its period overlaps the range: an article dated only to 2023-08 is in
  // a range from 2023-08-15. Undated pages are outside every range.
  var DATE_FORM = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
  function validDate(value) { return DATE_FORM.test(value || ""); }
  function rangeOf(from, to) {
    if (!validDate(from) && !validDate(to)) return null;
    return { low: validDate(from) ? periodStart(from) : "0000", high: validDate(to) ? periodEnd(to) : "9999" };
  }
  function inRange(entry, range) {
    if (!range) return true;
    for (var i = 0; entry && i < entry.values.length; i += 2) {
      if (entry.values[i] === "日期") {
        var value = entry.values[i + 1];
        return periodStart(value) <= range.high && periodEnd(value) >= range.low;
      }
    }
    return false;
  }

  // Filter counts over `results`: every value of the archive, at 0 where no result has it.
  function countFacets(index, results) {
    var out = {};
    Object.keys(index.totals).forEach(function (name) {
      out[name] = {};
      Object.keys(index.totals[name]).forEach(function (v) { out[name][v] = 0; });
    });
    results.forEach(function (r) {
      var entry = index.byId.get(r.id);
      for (var i = 0; entry && i < entry.values.length; i += 2) out[entry.values[i]][entry.values[i + 1]] += 1;
    });
    return out;
  }

  // --- date order over parts ----------------------------------------------------
  var MERGE_WINDOW = 20; // results whose data one merge round loads per part (at most)

  // A result's date sort value (its page's data-pagefind-sort: "2022-07-19",
  // "2022-08", "2022", "0000" undated) from its fragment's meta date, which
  // build_archive/dates.display writes as 2022年7月19日, 2022年8月, 2022年, 日期不详.
  function sortValue(data) {
    var m = /^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$/.exec((data && data.meta && data.meta.date) || "");
    if (!m) return "0000";
    var two = function (n) { return n.length < 2 ? "0" + n : n; };
    return m[1] + (m[2] ? "-" + two(m[2]) + (m[3] ? "-" + two(m[3]) : "") : "");
  }

  // The first `limit` of several parts' own date-sorted result lists, merged by
  // date (ties: the earlier list first). A result's date comes with its data
  // (one fragment), so each list's data is loaded a window at a time, only as
  // far as the merge reaches. One list is taken as it is (no data loaded).
  function mergeByDate(lists, asc, limit) {
    if (lists.length < 2) return Promise.resolve(lists.length ? lists[0] : []);
    var at = lists.map(function () { return 0; });
    var dates = lists.map(function () { return []; });
    var out = [];
    function load() {
      var size = Math.max(1, Math.min(limit - out.length, MERGE_WINDOW));
      return Promise.all(lists.map(function (list, i) {
        if (at[i] < dates[i].length || dates[i].length >= list.length) return null;
        var batch = list.slice(dates[i].length, dates[i].length + size);
        return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
          datas.forEach(function (data) { dates[i].push(sortValue(data)); });
        });
      }));
    }
    function step() {
      return load().then(function () {
        while (out.length < limit) {
          var best = -1;
          for (var i = 0; i < lists.length; i++) {
            if (at[i] >= lists[i].length) continue; // this list is used up
            if (at[i] >= dates[i].length) return step(); // its next date is not loaded yet
            var date = dates[i][at[i]];
            if (best < 0 || (asc ? date < dates[best][at[best]] : date > dates[best][at[best]])) best = i;
          }
          if (best < 0) break; // every list used up
          out.push(lists[best][at[best]++]);
        }
        return out;
      });
    }
    return step();
  }

  // At least the first `limit` results of `parts` in date order; `listOf(part)`
  // gives a promise of the part's own date-sorted results.
  function dateOrder(parts, asc, limit, listOf) {
    var found = [];
    return dateRuns(parts, asc).reduce(function (chain, group) {
      return chain.then(function () {
        if (found.length >= limit) return;
        return Promise.all(group.map(listOf)).then(function (lists) {
          return mergeByDate(lists.filter(function (l) { return l.length; }), asc, limit - found.length);
        }).then(function (results) { found = found.concat(results); });
      });
    }, Promise.resolve()).then(function () { return found; });
  }

  // --- groups: the searches a query is run as -----------------------------------
  // Each part's pages are indexed in date-ordered groups, each group's bigram
  // tokens ending in its letter (build_archive/parts.py, "groups"): Pagefind
  // scores a search in time ~ matching pages x matching page-word entries, so a
  // search per letter costs a fraction of one over all groups (the letters of a
  // bigram share its index chunk). Units, newest first: one per (part, letter)
  // when the query is bigram tokens and every part has groups; one per part
  // otherwise (a one-character query is a prefix of every letter's tokens, and
  // a query without letters finds every group).
  function searchUnits(pf, query) {
    var grouped = !!query && query.split(" ").every(function (w) { return w.length === 8; }) &&
      pf.parts.every(function (p) { return p.groups && p.groups.length; });
    var units = [];
    pf.parts.forEach(function (p) {
      (grouped ? p.groups : [{ suffix: "", first: p.first, last: p.last }]).forEach(function (g) {
        units.push({ id: p.id, suffix: g.suffix, first: g.first, last: g.last });
      });
    });
    return units;
  }
  // A one-character query is a prefix of every bigram starting with that character, but
  // Pagefind loads one index chunk per query word (the one the word falls in), and its prefix
  // match only sees the chunks loaded: where the character's bigrams run over several chunks,
  // the articles in the others were missed (at 10,000 articles 的 found 5,689 of 9,919). So the
  // chunks are preloaded first, through words spread over the prefix's range: the character, then
  // every pair of letters a second character's spelling can start with (26 x 26 words, one
  // preload: Pagefind loads each chunk they fall in once).
  function prefixProbes(query) {
    var probes = [];
    for (var i = 0; i < 26; i++) for (var j = 0; j < 26; j++) probes.push(query + LETTERS[i] + LETTERS[j] + "aa");
    return probes.join(" ");
  }

  function withSuffix(query, suffix) {
    return suffix ? query.split(" ").map(function (w) { return w + suffix; }).join(" ") : query;
  }

  /*
   * search(query, options) over every part -> {results, total, matches}: the
   * results in the order asked for (at least the first `limit`), their number,
   * and all of them (for countFacets). `options`: {filters: name -> [value,
   * ...], sort: {date: "desc" | "asc"}}.
   *
   * One Pagefind search per group letter, over every part at once (Pagefind's
   * mergeIndex). Pagefind ANDs the words of a query but first drops the words
   * an index does not contain, so a part lacking one of the query's bigrams
   * returns pages with only the others: each result must have matched every
   * bigram (`complete`: a page holds each of its bigrams once, one location per
   * bigram matched). The chosen filter values are applied from the facets.
   * Results come joined by score, as Pagefind joins merged indexes; in date
   * order (`sort`) unit by unit: a sorted search scores a page by its rank
   * *within its index*, so each search's results are split by part (facets)
   * into the units' own date-ordered lists, and units whose date ranges are
   * disjoint are taken one after another, overlapping ones merged by date
   * (dateRuns, mergeByDate), until there are enough. No query (null): byFilters.
   */
  function find(pf, query, options, limit) {
    if (query === null) return byFilters(pf, options, limit);
    var words = query.split(" ").filter(function (w, i, all) { return all.indexOf(w) === i; }).length;
    var complete = function (r) { return words < 2 || r.words.length >= words; };
    var chosen = options.filters || {};
    var range = options.range || null;
    var filtered = Object.keys(chosen).length > 0 || !!range;
    var units = searchUnits(pf, query);
    var suffixes = units.map(function (u) { return u.suffix; }).filter(function (s, i, all) { return all.indexOf(s) === i; });
    if (!suffixes.length) suffixes = [""]; // a bundle without parts.json
    var dated = !!options.sort && units.length > 1;
    var sort = options.sort ? { sort: options.sort } : {};
    var prefix = query.length === 4; // one character (encodeQuery)
    var loaded = prefix ? pf.preload(prefixProbes(query)) : Promise.resolve();
    var searches = suffixes.map(function (s) {
      return loaded.then(function () { return pf.search(withSuffix(query, s), sort); });
    });
    // The scope's facets, before the results when they are needed to filter them or to say
    // which results are the scope's (Pagefind also searches the parts an earlier search joined);
    // else after the first results (run), as they only count the filters then.
    var ids = pf.parts.map(function (p) { return p.id; });
    var foreign = pf.parts.length > 0 && pf.joined().some(function (id) { return ids.indexOf(id) < 0; });
    var index = filtered || dated || foreign ? loadFacets(pf) : Promise.resolve(null);
    return Promise.all([index].concat(searches)).then(function (all) {
      var facets = all[0];
      var lists = all.slice(1).map(function (one) {
        return one.results.filter(function (r) {
          var entry = facets && facets.byId.get(r.id);
          if (foreign && !entry) return false; // a part's outside the scope
          return complete(r) && (!filtered || (hasAll(entry || { values: [] }, chosen) && inRange(entry, range)));
        });
      });
      var results = [].concat.apply([], lists);
      if (!options.sort && lists.length > 1) results.sort(function (a, b) { return b.score - a.score; }); // stable
      var out = { results: results, total: results.length, matches: results, facets: facets };
      if (!dated) return out;
      var own = {};
      lists.forEach(function (list, i) {
        list.forEach(function (r) {
          var entry = facets.byId.get(r.id);
          var key = (entry ? entry.part : "") + "\u0000" + suffixes[i];
          (own[key] = own[key] || []).push(r);
        });
      });
      var unitKey = function (u) { return u.id + "\u0000" + u.suffix; };
      var matched = units.filter(function (u) { return own[unitKey(u)]; });
      return dateOrder(matched, options.sort.date === "asc", limit, function (u) { return Promise.resolve(own[unitKey(u)]); })
        .then(function (ordered) { out.results = ordered; return out; });
    });
  }
  /*
   * A search by filters alone (no query), as `find` answers: the pages that have
   * every chosen value, newest first (or oldest first), listed from the facets.
   * Pagefind's own search with no term would first load every index chunk of
   * every part (build_archive/facets.py). Results look like Pagefind's: an id,
   * and data() loading the page's fragment.
   */
  function byFilters(pf, options, limit) {
    var chosen = options.filters || {};
    var asc = !!options.sort && options.sort.date === "asc";
    return loadFacets(pf).then(function (index) {
      var own = {};
      index.parts.forEach(function (one) {
        var part = pf.parts.filter(function (p) { return p.id === one.part; })[0];
        var list = [];
        one.order.forEach(function (n) {
          var id = one.pages[n];
          if (!hasAll(index.byId.get(id), chosen) || !inRange(index.byId.get(id), options.range)) return;
          list.push({ id: id, score: 0, words: [], data: function () { return pf.fragment(part.url, id); } });
        });
        own[one.part] = asc ? list : list.reverse();
      });
      var matches = [].concat.apply([], pf.parts.map(function (p) { return own[p.id] || []; }));
      var found = { results: matches, total: matches.length, matches: matches, facets: index };
      var matched = pf.parts.filter(function (p) { return own[p.id] && own[p.id].length; });
      return dateOrder(matched, asc, limit, function (p) { return Promise.resolve(own[p.id]); })
        .then(function (ordered) { found.results = ordered; return found; });
    });
  }

  window.QzArchiveSearch = { find: find };

  // --- helpers ---------------------------------------------------------------
  // performance marks, for benchmarks (build_archive/bench.py reads them)
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  // The article's text: the `text` meta field (Pagefind indexes only the bigram
  // block, overrides/partials/article.html); a page without it (an older
  // bundle) has the text before the block in its content. The build gives the
  // text in an attribute (build_archive/search/parts.text_in_attribute); the
  // marker Pagefind puts after each heading of an element's text (an older
  // bundle) is never shown.
  var WEIGHT_MARK = /\.?\s*___END_PAGEFIND_WEIGHT___/g;
  function articleText(data) {
    var text = data.meta && data.meta.text;
    if (!text) {
      var content = data.content || "";
      var cut = content.indexOf(MARKER);
      text = cut >= 0 ? content.slice(0, cut) : content;
    }
    return text.replace(WEIGHT_MARK, " ");
  }
  // `hidden` alone loses to Material's .md-button { display: inline-block }.
  function setHidden(node, hidden) {
    node.hidden = hidden;
    node.style.display = hidden ? "none" : "";
  }
  // An excerpt around the first occurrence of the query, the query marked.
  function excerpt(text, query) {
    var flat = text.replace(/\s+/g, " ");
    // folded on both sides (one character for one), so a traditional query marks simplified text
    var at = fold(flat.toLowerCase()).indexOf(fold(query.toLowerCase()));
    var node = el("p", { class: "qz-result__excerpt" });
    if (at < 0) {
      node.textContent = flat.slice(0, 90) + (flat.length > 90 ? "…" : "");
      return node;
    }
    var start = Math.max(0, at - 40);
    var end = Math.min(flat.length, at + query.length + 60);
    node.appendChild(document.createTextNode((start > 0 ? "…" : "") + flat.slice(start, at)));
    node.appendChild(el("mark", { text: flat.slice(at, at + query.length) }));
    node.appendChild(document.createTextNode(flat.slice(at + query.length, end) + (end < flat.length ? "…" : "")));
    return node;
  }

  // A result's address with the query, which the article marks (highlight.js).
  function withQuery(url, query) {
    var q = query.trim(), folded = fold(q);
    // the article page has no folding table: a traditional query is given in both forms
    if (q) url.searchParams.set("hl", folded === q ? q : q + " " + folded);
    return url.href;
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FILTERS.forEach(function (name) {
      var values = params.getAll(name);
      if (values.length) filters[name] = values;
    });
    var from = params.get("from") || "", to = params.get("to") || "";
    var depth = parseInt(params.get("w") || "1", 10);
    return { q: params.get("q") || "", sort: params.get("sort") || "", filters: filters,
             from: validDate(from) ? from : "", to: validDate(to) ? to : "", depth: depth > 0 ? depth : 1 };
  }
  function writeState(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort) params.set("sort", state.sort);
    FILTERS.forEach(function (name) {
      (state.filters[name] || []).forEach(function (v) { params.append(name, v); });
    });
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.depth > 1) params.set("w", String(state.depth)); // windows searched (findInScope)
    var url = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
    try { window.history.replaceState(null, "", url); } catch (e) { /* file:// in some browsers */ }
  }

  // --- the page --------------------------------------------------------------
  function start(root) {
    var bundleUrl = new URL("../../pagefind/", script.src).href;
    var state = readState();
    var input = el("input", { type: "search", class: "qz-search__input", placeholder: "输入要搜索的字词，如：营商环境", "aria-label": "搜索全文" });
    input.value = state.q;
    var sort = el("select", { class: "qz-search__sort", "aria-label": "排序" }, [
      el("option", { value: "", text: "按相关度" }),
      el("option", { value: "date", text: "按日期（新→旧）" }),
      el("option", { value: "date-asc", text: "按日期（旧→新）" })
    ]);
    sort.value = state.sort;
    var status = el("p", { class: "qz-search__status", role: "status" });
    var filterBox = el("div", { class: "qz-search__filters" });
    var list = el("ol", { class: "qz-search__results" });
    var more = el("button", { type: "button", class: "md-button qz-search__more", text: "显示更多结果" });
    setHidden(more, true);
    // the next window of older parts (see findInScope)
    var earlier = el("button", { type: "button", class: "md-button qz-search__earlier" });
    setHidden(earlier, true);
    root.appendChild(el("div", { class: "qz-search__bar" }, [input, sort]));
    // On a phone the filters fold away under one line, so that the results are what shows first;
    // they start open when the URL already chooses some, and always on a wide screen (where the
    // summary line is hidden: archive.css).
    // The date range: two boxes, each YYYY, YYYY-MM or YYYY-MM-DD, applied when the reader
    // leaves the box or presses Enter; a date that is not one of these forms is said so.
    function dateBox(key, label) {
      var id = "qz-range-" + key;
      var box = el("input", { type: "text", id: id, class: "qz-range__input", inputmode: "numeric",
                              placeholder: key === "from" ? "如 2023-01" : "如 2023-12-31", autocomplete: "off",
                              "aria-describedby": "qz-range-hint" });
      box.value = state[key];
      box.addEventListener("change", function () {
        var value = box.value.trim();
        if (value && !validDate(value)) {
          box.setAttribute("aria-invalid", "true");
          rangeHint.textContent = "“" + value + "”不是日期：请写 2023、2023-01 或 2023-01-15。";
          return;
        }
        box.removeAttribute("aria-invalid");
        rangeHint.textContent = RANGE_HINT;
        if (value === state[key]) return;
        state[key] = value;
        run();
      });
      return el("span", { class: "qz-range__field" }, [el("label", { for: id, text: label }), box]);
    }
    var RANGE_HINT = "可写年份、年月或年月日，如 2023、2023-01、2023-01-15；只知道月份或年份的文章，时段有重叠就列出。";
    var rangeHint = el("p", { class: "qz-range__hint", id: "qz-range-hint", text: RANGE_HINT });
    var rangeBox = el("fieldset", { class: "qz-range" }, [
      el("legend", { text: "日期范围" }), dateBox("from", "从"), dateBox("to", "到"), rangeHint
    ]);
    var filterPanel = el("details", { class: "qz-search__panel" }, [el("summary", { text: "筛选：区县、主题、年份、日期" }), rangeBox, filterBox]);
    filterPanel.open = Object.keys(state.filters).length > 0 || !!(state.from || state.to) || !window.matchMedia || window.matchMedia("(min-width: 45em)").matches;
    root.appendChild(el("div", { class: "qz-search__layout" }, [filterPanel, el("div", { class: "qz-search__main" }, [status, list, more, earlier])]));

    if (window.performance && performance.mark) performance.mark("qz-search-start"); // for benchmarks/
    var pagefindPromise = window.ArchivePagefind.load(bundleUrl);
    // The facets (every page's filter values) load once: after the first results when a query
    // comes first and needs none of them (no filter chosen, no date order).
    var generation = 0;
    var current = null; // the shown search: see `page`

    /*
     * The filter lists, drawn again at each search (their values and counts follow the results).
     * `complete`: counted from the facets (data-counts="complete", which tests wait for).
     * A reader may be on a checkbox as they are drawn (they toggled it with Space, or tabbed in
     * while the results came): when the lists hold the same values as before only the counts and
     * ticks change, in place; otherwise the same box (its filter and value) gets the focus back,
     * or, if its value is gone, the first box of its filter, or the first of all.
     */
    var filterShape = null; // the filters and values on screen (renderFilters)
    function renderFilters(pf, available, complete) {
      filterBox.setAttribute("data-counts", complete ? "complete" : "partial");
      var wanted = [];
      FILTERS.forEach(function (name) {
        var counts = available[name] || {};
        var values = Object.keys(counts).filter(function (v) { return counts[v] > 0 || (state.filters[name] || []).indexOf(v) >= 0; });
        if (!values.length) return;
        values.sort(function (a, b) { return name === "年份" ? b.localeCompare(a) : counts[b] - counts[a] || a.localeCompare(b); });
        wanted.push({ name: name, values: values, counts: counts });
      });
      var boxes = filterBox.querySelectorAll("input[type=checkbox]");
      var shape = wanted.map(function (g) { return g.values.map(function (v) { return g.name + "\u0000" + v; }).join("\u0001"); }).join("\u0002");
      if (boxes.length && filterShape === shape) {
        wanted.forEach(function (g) {
          g.values.forEach(function (value) {
            var box = filterKey(filterBox, g.name, value);
            box.checked = (state.filters[g.name] || []).indexOf(value) >= 0;
            box.parentNode.querySelector(".qz-count").textContent = "(" + (g.counts[value] || 0) + ")";
          });
        });
        return;
      }
      var focused = document.activeElement;
      var had = focused && filterBox.contains(focused) && focused.getAttribute("data-qz-filter") !== null
        ? { name: focused.getAttribute("data-qz-filter"), value: focused.value } : null;
      filterBox.textContent = "";
      filterShape = shape;
      wanted.forEach(function (g) {
        var name = g.name;
        var group = el("fieldset", { class: "qz-filter", "data-filter": name }, [el("legend", { text: name })]);
        g.values.forEach(function (value) {
          var box = el("input", { type: "checkbox", value: value, "data-qz-filter": name });
          box.checked = (state.filters[name] || []).indexOf(value) >= 0;
          box.addEventListener("change", function () {
            var chosen = (state.filters[name] || []).filter(function (v) { return v !== value; });
            if (box.checked) chosen.push(value);
            if (chosen.length) state.filters[name] = chosen; else delete state.filters[name];
            run();
          });
          group.appendChild(el("label", {}, [box, document.createTextNode(" " + value + " "), el("span", { class: "qz-count", text: "(" + (g.counts[value] || 0) + ")" })]));
        });
        filterBox.appendChild(group);
      });
      if (had) {
        var back = filterKey(filterBox, had.name, had.value) ||
          filterBox.querySelector("input[data-qz-filter='" + had.name + "']") || filterBox.querySelector("input");
        if (back) back.focus();
      }
    }
    function filterKey(box, name, value) {
      var all = box.querySelectorAll("input[type=checkbox]");
      for (var i = 0; i < all.length; i++) {
        if (all[i].getAttribute("data-qz-filter") === name && all[i].value === value) return all[i];
      }
      return null;
    }

    function renderResult(data, exact) {
      var meta = data.meta || {};
      var item = el("li", { class: "qz-result" + (exact ? " qz-result--exact" : "") }, [
        // absolute: Pagefind gives "/repo/…" over http and "file:/…" on disk
        el("a", { class: "qz-result__title", href: withQuery(new URL(data.url, document.baseURI), state.q), text: meta.title || data.url }),
        el("p", { class: "qz-result__meta", text: [meta.date, meta.districts].filter(Boolean).join(" · ") }),
        excerpt(articleText(data), state.q)
      ]);
      list.appendChild(item);
    }

    /*
     * The results on screen, PAGE_SIZE more at each click. Only the first
     * RANKED results are ranked: exact matches (the whole query in the text)
     * first, in Pagefind's order, then the others. A result's text comes with
     * its data (one fragment file each, a few KB), so data is loaded in
     * batches in result order, only as far as the page needs: page n is final
     * once it holds n × PAGE_SIZE exact matches (any later exact match ranks
     * after them) or every ranked result is loaded. A date-sorted list is
     * shown in its own order.
     */
    function page(search, want) {
      var pool = search.found.results.slice(0, RANKED);
      var needle = normalise(state.q);
      function enough() {
        if (search.loaded.length === pool.length) return true;
        if (search.sorted) return search.loaded.length >= want;
        return search.loaded.filter(function (r) { return r.exact; }).length >= want;
      }
      function next() {
        if (enough()) return Promise.resolve();
        // just what the page needs when every result loaded so far fits; a full page otherwise
        // (few exact matches: fewer round trips)
        var fits = search.sorted || search.loaded.every(function (r) { return r.exact; });
        var size = fits ? want - search.loaded.length : PAGE_SIZE;
        var batch = pool.slice(search.loaded.length, search.loaded.length + Math.max(1, size));
        return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
          datas.forEach(function (data) {
            var text = normalise(articleText(data) + (data.meta && data.meta.title || ""));
            search.loaded.push({ data: data, i: search.loaded.length, exact: !needle || text.indexOf(needle) >= 0 });
          });
          show(false);
          return next();
        });
      }
      // Put on screen what is final already: once the page is complete, all of it; before, in a
      // date-sorted list what is loaded, in a relevance list the exact matches loaded (any later
      // exact match ranks after them). The first results so come with the first batch.
      function show(complete) {
        if (search !== current) return;
        var ranked = search.loaded.slice();
        if (!search.sorted) ranked.sort(function (a, b) { return (b.exact - a.exact) || (a.i - b.i); });
        var final = complete || search.sorted ? ranked.length : ranked.filter(function (r) { return r.exact; }).length;
        var upto = Math.min(want, final);
        ranked.slice(search.shown, upto).forEach(function (r) { renderResult(r.data, r.exact); });
        search.shown = Math.max(search.shown, upto);
      }
      return next().then(function () {
        if (search !== current) return;
        show(true);
        var rest = search.shown < pool.length;
        var all = search.loaded.length === search.found.total;
        var exact = search.loaded.filter(function (r) { return r.exact; }).length;
        setHidden(more, !rest || want < PAGE_SIZE); // the rest of the first page comes by itself
        if (want < PAGE_SIZE && rest) {
          status.textContent = "正在载入更多结果…"; // "找到 …" once the whole first page is there
        } else status.textContent = summary(search.found.total, all ? exact : -1, search.sorted) + (search.note || "");
        if (window.performance && performance.mark) performance.mark("qz-results"); // for benchmarks/
      });
    }
    // What the status line says of a search: `exact`, the results holding the whole query
    // (-1: not all loaded, so not known).
    function summary(total, exact, sorted) {
      var q = state.q.trim();
      var filtered = Object.keys(state.filters).length > 0 || !!(state.from || state.to);
      if (!total) {
        return (q ? "没有找到包含“" + q + "”的文章" : "没有符合所选筛选条件的文章") + "。" + (filtered
          ? "可以取消一些筛选条件（区县、主题、年份、日期范围）" + (q ? "，或换一个词" : "") + "再试。"
          : "请检查有没有错别字，或换用更短、更常用的词（如“营商”而不是“营商环境优化提升”）。");
      }
      if (!q) return "找到 " + total + " 篇文章";
      if (exact === total) return "找到 " + total + " 篇包含“" + q + "”的文章";
      if (exact >= 0) return "找到 " + total + " 篇文章，其中 " + exact + " 篇包含完整的“" + q + "”";
      return "找到 " + total + " 篇文章" + (sorted ? "" : "，包含完整的“" + q + "”的排在前面");
    }
    // The page's title names the query (browser tabs, history, bookmarks).
    var baseTitle = document.title; // "搜索 - <site name>" (overrides/main.html)
    var siteName = baseTitle.split(" - ").pop();
    function setTitle() {
      var q = state.q.trim();
      document.title = q ? "“" + q + "”的搜索结果 - " + siteName : baseTitle;
    }

    more.addEventListener("click", function () {
      var search = current;
      if (!search) return;
      // one page at a time: a second click waits for the first
      search.pending = (search.pending || Promise.resolve()).then(function () {
        return page(search, search.shown + PAGE_SIZE);
      }).catch(function (error) {
        status.textContent = "搜索出错：" + error;
      });
    });

    // What the status line adds when a search has not covered the whole archive.
    function scopeNote(got, asc) {
      if (!got || got.depth >= got.windows.length || !got.scope.length) return "";
      var dates = got.scope.map(function (p) { return asc ? p.last : p.first; }).filter(function (d) { return typeof d === "string" && d !== "0000"; });
      if (!dates.length) return "（只搜索了一部分文章）";
      dates.sort();
      return "（只搜索了" + displayDate(asc ? dates[dates.length - 1] : dates[0]) + (asc ? "以前" : "以来") + "的文章）";
    }
    function displayDate(value) {
      var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
      if (!m) return value;
      return m[1] + "年" + (m[2] ? Number(m[2]) + "月" + (m[3] ? Number(m[3]) + "日" : "") : "");
    }

    // run(): search with the state; the number of windows searched (state.depth) starts again
    // at one, but for `keepDepth` (the page's first search, from its address, and "更早").
    function run(keepDepth) {
      if (!keepDepth) state.depth = 1;
      writeState(state);
      setTitle();
      var mine = ++generation;
      current = null;
      setHidden(earlier, true);
      pagefindPromise.then(function (pf) {
        var options = Object.keys(state.filters).length ? { filters: state.filters } : {};
        var range = rangeOf(state.from, state.to);
        if (range) options.range = range;
        if (state.sort === "date") options.sort = { date: "desc" };
        if (state.sort === "date-asc") options.sort = { date: "asc" };
        var asc = state.sort === "date-asc";
        var query = state.q.trim() ? encodeQuery(state.q) : null;
        if (!query && !Object.keys(state.filters).length && !range) {
          list.textContent = "";
          setHidden(more, true);
          // the filter lists of the newest window, as a search with no query would see them
          var windows = pf.windowsOf(pf.parts, false);
          var first = { scope: windows[0] || [], depth: 1, windows: windows };
          var note = scopeNote(first, false);
          status.textContent = "输入字词开始搜索；可按区县、主题、年份筛选。" +
            (note ? "筛选项的篇数" + note.replace(/^（|）$/g, "") + "。" : "");
          // A small archive (one window) is joined at once, as a query would join it (its metadata
          // loads while the reader types); a larger one waits for the query: joined parts are
          // searched by every query, also where the term directory says they hold nothing of it
          // (100,000 articles: a rare name cost ~790 KB with the newest window joined, ~360 without).
          if (windows.length === 1) pf.use(first.scope).catch(function () { /* the query's search joins them */ });
          return loadFacets(scoped(pf, first.scope)).then(function (index) { if (mine === generation) renderFilters(pf, index.totals, true); });
        }
        status.textContent = "正在搜索…";
        setHidden(more, true);
        mark("qz-query");
        return findInScope(pf, query, options, state.depth).then(function (got) {
          if (mine !== generation) return;
          var found = got.found;
          mark("qz-found");
          // counted now if the facets are in (they came with the results, or an earlier search of
          // the same parts loaded them); after the first results else (below)
          if (!found.facets && got.scope.length) found.facets = loadedFacets(scoped(pf, got.scope));
          renderFilters(pf, found.facets ? countFacets(found.facets, found.matches) : {}, !!found.facets || !got.scope.length);
          list.textContent = "";
          var search = current = { found: found, sorted: !!options.sort, loaded: [], shown: 0, note: scopeNote(got, asc) };
          search.pending = page(search, FIRST).then(function () { return page(search, PAGE_SIZE); });
          return search.pending.then(function () {
            if (search !== current || found.facets || !got.scope.length) return;
            return loadFacets(scoped(pf, got.scope)).then(function (index) {
              if (search === current) renderFilters(pf, countFacets(index, found.matches), true);
            });
          }).then(function () {
            if (search !== current || got.depth >= got.windows.length) return;
            // older (for an oldest-first list: newer) windows are left: the reader may take them in
            earlier.textContent = asc ? "搜索更晚的文章" : "搜索更早的文章";
            earlier.onclick = function () {
              state.depth = got.depth + 1;
              run(true);
            };
            setHidden(earlier, false);
          });
        });
      }).catch(function (error) {
        status.textContent = "搜索出错：" + error;
      });
    }

    // When a change of the box searches: a word put in at once (an IME commit,
    // a paste), Enter: at once; one key typed or deleted: after TYPING ms
    // without another key; never in the middle of an IME composition (its
    // pinyin letters are not the query).
    var timer = null;
    function searchIn(ms) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value === state.q) return;
        state.q = input.value;
        run();
      }, ms);
    }
    input.addEventListener("input", function (event) {
      if (event.isComposing) return;
      var key = /^(insertText|deleteContent)/.test(event.inputType || "") && (event.data || "").length <= 1;
      searchIn(key ? TYPING : 0);
    });
    input.addEventListener("compositionend", function () { searchIn(0); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.isComposing) searchIn(0);
    });
    sort.addEventListener("change", function () { state.sort = sort.value; run(); });
    run(true); // the address may ask for more than one window (w=)
  }

  function ready() {
    var root = document.getElementById("qz-search");
    if (root) start(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
