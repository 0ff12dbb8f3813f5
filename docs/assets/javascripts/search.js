/*
 * The archive's search page, on top of Pagefind's JS API.
 *
 * Queries are turned into character-bigram tokens (build_archive/searchgrams.py
 * explains why), so any 2+ character string of an article finds it. Results
 * whose text contains the whole query rank first; excerpts are cut from the
 * article text around the query. The query, filters and sort live in the URL,
 * so a search can be bookmarked. Works over http and from file:// (through
 * ArchivePagefind.load, docs/assets/javascripts/pagefind-loader.js), over an
 * index in parts (build_archive/search_index.py) joined by Pagefind's
 * mergeIndex: filter counts and relevance come from Pagefind's merged search;
 * a date-sorted list is put together part by part (see `inOrder`).
 */
(function () {
  "use strict";

  var MARKER = "qzgrams";
  var FILTERS = ["区县", "主题", "年份"];
  var PAGE_SIZE = 20;
  var FIRST = 10; // results shown first: the rest of the page follows, then the filter counts
  var RANKED = 100; // results whose data is loaded: ranked exact-first, or in date order
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  var script = document.currentScript;

  // --- the same tokens as build_archive/searchgrams.py -----------------------
  function normalise(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
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
  window.QzSearchTokens = { encodeQuery: encodeQuery, normalise: normalise };

  // --- searching an index in parts ---------------------------------------------
  // pf: ArchivePagefind.load()'s API; pf.parts newest first, pf.partFilter the
  // synthetic filter naming each page's part (docs/assets/javascripts/pagefind-loader.js).

  function withPart(pf, options, id) {
    var filters = Object.assign({}, options.filters || {});
    filters[pf.partFilter] = id;
    return Object.assign({}, options, { filters: filters });
  }

  // Filter counts summed over searches, every value of `base` kept (at 0 if need be).
  function sumFilters(base, searches) {
    var out = {};
    Object.keys(base || {}).forEach(function (name) {
      out[name] = {};
      Object.keys(base[name]).forEach(function (v) { out[name][v] = 0; });
    });
    searches.forEach(function (one) {
      Object.keys(one.filters || {}).forEach(function (name) {
        out[name] = out[name] || {};
        Object.keys(one.filters[name]).forEach(function (v) { out[name][v] = (out[name][v] || 0) + one.filters[name][v]; });
      });
    });
    return out;
  }

  // The first `limit` results in date order. Pagefind orders merged results by
  // score, and a sorted search scores a page by its rank *within its part*, so
  // a merged sorted list interleaves the parts. Parts are consecutive date
  // ranges: take each part's own sorted results, part after part, skipping the
  // parts with no match (`counts`), until there are enough.
  function inOrder(pf, query, options, counts, limit) {
    var parts = pf.parts.slice();
    if (options.sort.date === "asc") parts.reverse();
    var found = [];
    return parts.reduce(function (chain, part) {
      return chain.then(function () {
        if (found.length >= limit || !counts[part.id]) return;
        return pf.search(query, withPart(pf, options, part.id)).then(function (one) {
          found = found.concat(one.results);
        });
      });
    }, Promise.resolve()).then(function () { return found; });
  }

  /*
   * search(query, options) over every part -> {results, total, filters}: the
   * results in the order asked for (at least the first `limit`), their number,
   * and filter counts over all parts.
   *
   * Pagefind ANDs the words of a query but first drops the words an index does
   * not contain. A part that lacks one of the query's bigrams would then return
   * pages with only the others, so each result must have matched every bigram
   * (a page holds each of its bigrams once: one location per bigram matched).
   * Parts are all or nothing here (a part lacking a bigram has no page with
   * it), so when some results fall short, the parts are asked one by one and
   * only those that matched every bigram are kept, counts included.
   */
  function find(pf, query, options, limit) {
    var words = query ? query.split(" ").filter(function (w, i, all) { return all.indexOf(w) === i; }).length : 0;
    var complete = function (r) { return words < 2 || r.words.length >= words; };
    var sorted = !!(options.sort && pf.partFilter && pf.parts.length > 1);
    return pf.search(query, options).then(function (merged) {
      var counts = pf.partFilter && merged.filters && merged.filters[pf.partFilter];
      if (merged.results.every(complete)) {
        var ordered = sorted && counts ? inOrder(pf, query, options, counts, limit) : Promise.resolve(merged.results);
        return ordered.then(function (results) {
          return { results: results, total: merged.results.length, filters: merged.filters || {} };
        });
      }
      var parts = counts ? pf.parts.filter(function (p) { return counts[p.id]; }) : [];
      if (options.sort && options.sort.date === "asc") parts.reverse();
      return Promise.all(parts.map(function (p) { return pf.search(query, withPart(pf, options, p.id)); })).then(function (each) {
        var good = each.filter(function (one) { return one.results.every(complete); });
        var results = [].concat.apply([], good.map(function (one) { return one.results; }));
        if (!options.sort) results.sort(function (a, b) { return b.score - a.score; }); // stable, as Pagefind merges
        return { results: results, total: results.length, filters: sumFilters(merged.filters, good) };
      });
    });
  }
  window.QzArchiveSearch = { find: find };

  // --- helpers ---------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function articleText(content) {
    var cut = content.indexOf(MARKER);
    return cut >= 0 ? content.slice(0, cut) : content;
  }
  // An excerpt around the first occurrence of the query, the query marked.
  function excerpt(text, query) {
    var flat = text.replace(/\s+/g, " ");
    var at = flat.toLowerCase().indexOf(query.toLowerCase());
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

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FILTERS.forEach(function (name) {
      var values = params.getAll(name);
      if (values.length) filters[name] = values;
    });
    return { q: params.get("q") || "", sort: params.get("sort") || "", filters: filters };
  }
  function writeState(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort) params.set("sort", state.sort);
    FILTERS.forEach(function (name) {
      (state.filters[name] || []).forEach(function (v) { params.append(name, v); });
    });
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
    more.hidden = true;
    root.appendChild(el("div", { class: "qz-search__bar" }, [input, sort]));
    root.appendChild(el("div", { class: "qz-search__layout" }, [filterBox, el("div", { class: "qz-search__main" }, [status, list, more])]));

    if (window.performance && performance.mark) performance.mark("qz-search-start"); // for benchmarks/
    var pagefindPromise = window.ArchivePagefind.load(bundleUrl);
    // filters() loads the filter chunks of every part; without them search() returns no filter
    // counts. With a query they load after the first results (they are not needed for those).
    var filtersLoaded = null;
    function loadFilters(pf) {
      return filtersLoaded || (filtersLoaded = pf.filters());
    }
    var generation = 0;
    var current = null; // the shown search: see `page`

    // `complete`: counted with every filter chunk loaded (data-counts="complete", which tests wait for)
    function renderFilters(pf, available, complete) {
      filterBox.textContent = "";
      filterBox.setAttribute("data-counts", complete ? "complete" : "partial");
      FILTERS.forEach(function (name) {
        var counts = available[name] || {};
        var values = Object.keys(counts).filter(function (v) { return counts[v] > 0 || (state.filters[name] || []).indexOf(v) >= 0; });
        if (!values.length) return;
        values.sort(function (a, b) { return name === "年份" ? b.localeCompare(a) : counts[b] - counts[a] || a.localeCompare(b); });
        var group = el("fieldset", { class: "qz-filter", "data-filter": name }, [el("legend", { text: name })]);
        values.forEach(function (value) {
          var box = el("input", { type: "checkbox", value: value });
          box.checked = (state.filters[name] || []).indexOf(value) >= 0;
          box.addEventListener("change", function () {
            var chosen = (state.filters[name] || []).filter(function (v) { return v !== value; });
            if (box.checked) chosen.push(value);
            if (chosen.length) state.filters[name] = chosen; else delete state.filters[name];
            run();
          });
          group.appendChild(el("label", {}, [box, document.createTextNode(" " + value + " "), el("span", { class: "qz-count", text: "(" + (counts[value] || 0) + ")" })]));
        });
        filterBox.appendChild(group);
      });
    }

    function renderResult(data, exact) {
      var meta = data.meta || {};
      var item = el("li", { class: "qz-result" + (exact ? " qz-result--exact" : "") }, [
        // absolute: Pagefind gives "/repo/…" over http and "file:/…" on disk
        el("a", { class: "qz-result__title", href: new URL(data.url, document.baseURI).href, text: meta.title || data.url }),
        el("p", { class: "qz-result__meta", text: [meta.date, meta.districts].filter(Boolean).join(" · ") }),
        excerpt(articleText(data.content || ""), state.q)
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
            var text = normalise(articleText(data.content || "") + (data.meta && data.meta.title || ""));
            search.loaded.push({ data: data, i: search.loaded.length, exact: !needle || text.indexOf(needle) >= 0 });
          });
          return next();
        });
      }
      return next().then(function () {
        if (search !== current) return;
        var ranked = search.loaded.slice();
        if (!search.sorted) ranked.sort(function (a, b) { return (b.exact - a.exact) || (a.i - b.i); });
        ranked.slice(search.shown, want).forEach(function (r) { renderResult(r.data, r.exact); });
        search.shown = Math.min(want, ranked.length);
        more.hidden = search.shown >= pool.length;
        var all = search.loaded.length === search.found.total;
        var exact = search.loaded.filter(function (r) { return r.exact; }).length;
        if (want < PAGE_SIZE && !more.hidden) {
          status.textContent = "正在载入更多结果…"; // "找到 …" once the whole first page is there
        } else status.textContent = "找到 " + search.found.total + " 篇文章" + (!state.q ? "" : all
          ? "，其中 " + exact + " 篇包含完整的“" + state.q + "”"
          : search.sorted ? "" : "，包含完整的“" + state.q + "”的排在前面");
        if (window.performance && performance.mark) performance.mark("qz-results"); // for benchmarks/
      });
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

    function run() {
      writeState(state);
      var mine = ++generation;
      current = null;
      pagefindPromise.then(function (pf) {
        // an empty `filters` object makes Pagefind skip the filter counts
        var options = Object.keys(state.filters).length ? { filters: state.filters } : {};
        if (state.sort === "date") options.sort = { date: "desc" };
        if (state.sort === "date-asc") options.sort = { date: "asc" };
        var query = state.q.trim() ? encodeQuery(state.q) : null;
        if (!query && !Object.keys(state.filters).length) {
          status.textContent = "输入字词开始搜索；可按区县、主题、年份筛选。";
          list.textContent = "";
          more.hidden = true;
          return loadFilters(pf).then(function (all) { if (mine === generation) renderFilters(pf, all, true); });
        }
        status.textContent = "正在搜索…";
        var counted = filtersLoaded; // counts need every filter chunk: loaded already?
        return find(pf, query, options, RANKED).then(function (found) {
          if (mine !== generation) return;
          renderFilters(pf, found.filters, !!counted);
          list.textContent = "";
          var search = current = { found: found, sorted: !!options.sort, loaded: [], shown: 0 };
          search.pending = page(search, FIRST).then(function () { return page(search, PAGE_SIZE); });
          return search.pending.then(function () {
            if (counted || search !== current) return;
            // the same search again once the filter chunks are in: every count (chunks are cached)
            return loadFilters(pf).then(function () { return find(pf, query, options, RANKED); }).then(function (again) {
              if (search === current) renderFilters(pf, again.filters, true);
            });
          });
        });
      }).catch(function (error) {
        status.textContent = "搜索出错：" + error;
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = input.value; run(); }, 250);
    });
    sort.addEventListener("change", function () { state.sort = sort.value; run(); });
    run();
  }

  function ready() {
    var root = document.getElementById("qz-search");
    if (root) start(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
