/*
 * The archive's search page, on top of Pagefind's JS API.
 *
 * Queries are turned into character-bigram tokens (build_archive/searchgrams.py
 * explains why), so any 2+ character string of an article finds it. Results
 * whose text contains the whole query rank first; excerpts are cut from the
 * article text around the query. The query, filters and sort live in the URL,
 * so a search can be bookmarked. Works over http and from file:// (through
 * ArchivePagefind.load, docs/assets/javascripts/pagefind-loader.js).
 */
(function () {
  "use strict";

  var MARKER = "qzgrams";
  var FILTERS = ["区县", "主题", "年份"];
  var PAGE_SIZE = 20;
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
    var siteUrl = new URL("../../", script.src).href;
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

    var pagefindPromise = window.ArchivePagefind.load(bundleUrl).then(function (pf) {
      // filters() loads the filter chunks; without them search() returns no filter counts
      return pf.options({ baseUrl: siteUrl }).then(function () { return pf.filters(); }).then(function () { return pf; });
    });
    var generation = 0;
    var shown = [];

    function renderFilters(pf, available) {
      filterBox.textContent = "";
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
        el("a", { class: "qz-result__title", href: data.url, text: meta.title || data.url }),
        el("p", { class: "qz-result__meta", text: [meta.date, meta.districts].filter(Boolean).join(" · ") }),
        excerpt(articleText(data.content || ""), state.q)
      ]);
      list.appendChild(item);
    }

    function showMore() {
      var next = shown.splice(0, PAGE_SIZE);
      next.forEach(function (r) { renderResult(r.data, r.exact); });
      more.hidden = shown.length === 0;
    }
    more.addEventListener("click", showMore);

    function run() {
      writeState(state);
      var mine = ++generation;
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
          return pf.filters().then(function (all) { if (mine === generation) renderFilters(pf, all); });
        }
        status.textContent = "正在搜索…";
        return pf.search(query, options).then(function (search) {
          if (mine !== generation) return;
          renderFilters(pf, search.filters || {});
          // load the data of the first results to rank exact matches first
          return Promise.all(search.results.slice(0, 100).map(function (r) { return r.data(); })).then(function (datas) {
            if (mine !== generation) return;
            var needle = normalise(state.q);
            var ranked = datas.map(function (data, i) {
              return { data: data, i: i, exact: !needle || normalise(articleText(data.content || "") + (data.meta && data.meta.title || "")).indexOf(needle) >= 0 };
            });
            if (!state.sort) ranked.sort(function (a, b) { return (b.exact - a.exact) || (a.i - b.i); });
            var exactCount = ranked.filter(function (r) { return r.exact; }).length;
            list.textContent = "";
            shown = ranked;
            status.textContent = "找到 " + search.results.length + " 篇文章" +
              (state.q ? "，其中 " + exactCount + " 篇包含完整的“" + state.q + "”" : "");
            showMore();
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
