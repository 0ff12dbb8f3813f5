/* The reader's search words, marked on the article a search result opened.
 *
 * The search page links each result with the query in the address (`?hl=营商环境`). Here the
 * article marks every occurrence of the whole query in its title, subtitle, text and
 * captions; where the whole does not occur, each of its words (split at spaces), and where a
 * word does not occur, its two-character pieces (the bigram rule that found the article).
 * The first mark is scrolled into view; a bar says how many were marked and offers to clear
 * them (which also takes `hl` out of the address). Classic script, no fetch: works from file://.
 */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("hl") || "").trim();
  if (!query) return;

  function fold(text) { return text.normalize("NFKC").toLowerCase(); }

  function textOf(roots) {
    return roots.map(function (root) { return fold(root.textContent || ""); }).join("\n");
  }

  // The strings to mark: the whole query, else its words, else each word's bigrams.
  function needles(query, haystack) {
    var whole = fold(query).replace(/\s+/g, "");
    if (whole.length && haystack.indexOf(whole) >= 0) return [whole];
    var out = [];
    fold(query).split(/\s+/).forEach(function (word) {
      if (!word) return;
      if (haystack.indexOf(word) >= 0) { out.push(word); return; }
      for (var i = 0; i + 2 <= word.length; i++) {
        var piece = word.slice(i, i + 2);
        if (haystack.indexOf(piece) >= 0 && out.indexOf(piece) < 0) out.push(piece);
      }
    });
    return out.sort(function (a, b) { return b.length - a.length; });  // longest first
  }

  function markIn(root, words) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentNode;
        if (!parent || parent.closest("script, style, mark.qz-hit, .qz-hits, [hidden], .qz-cite, .qz-report")) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var marks = [];
    nodes.forEach(function (node) {
      var text = node.nodeValue, folded = fold(text);
      if (folded.length !== text.length) folded = text.toLowerCase();  // keep offsets aligned
      var ranges = [];
      words.forEach(function (word) {
        var from = 0, at;
        while ((at = folded.indexOf(word, from)) >= 0) {
          var overlaps = ranges.some(function (r) { return at < r[1] && at + word.length > r[0]; });
          if (!overlaps) ranges.push([at, at + word.length]);
          from = at + word.length;
        }
      });
      if (!ranges.length) return;
      ranges.sort(function (a, b) { return a[0] - b[0]; });
      var fragment = document.createDocumentFragment(), last = 0;
      ranges.forEach(function (r) {
        fragment.appendChild(document.createTextNode(text.slice(last, r[0])));
        var mark = document.createElement("mark");
        mark.className = "qz-hit";
        mark.textContent = text.slice(r[0], r[1]);
        fragment.appendChild(mark);
        marks.push(mark);
        last = r[1];
      });
      fragment.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(fragment, node);
    });
    return marks;
  }

  function clear(bar) {
    document.querySelectorAll("mark.qz-hit").forEach(function (mark) {
      mark.replaceWith(document.createTextNode(mark.textContent));
    });
    document.querySelectorAll(".qz-article").forEach(function (a) { a.normalize(); });
    params.delete("hl");
    var rest = params.toString();
    try {
      history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    } catch (e) { /* some file:// setups refuse: the marks are gone all the same */ }
    bar.remove();
  }

  function run() {
    var article = document.querySelector(".qz-article");
    if (!article || article.querySelector(".qz-hits")) return;
    // what search finds the article by: title, subtitle, authors, text, captions
    var roots = Array.prototype.slice.call(article.querySelectorAll("[data-qz-searched]"));
    if (!roots.length) roots = [article];
    var words = needles(query, textOf(roots));
    var marks = [];
    roots.forEach(function (root) { marks = marks.concat(markIn(root, words)); });
    var bar = document.createElement("p");
    bar.className = "qz-hits";
    bar.setAttribute("role", "status");
    var label = document.createElement("span");
    label.textContent = marks.length
      ? "已标出“" + query + "”" + (words.length > 1 || words[0] !== fold(query).replace(/\s+/g, "") ? "（按词或字分开）" : "") + "出现的 " + marks.length + " 处。"
      : "本文中没有找到“" + query + "”。";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button qz-hits__clear";
    button.textContent = "清除标记";
    button.addEventListener("click", function () { clear(bar); });
    bar.appendChild(label);
    bar.appendChild(button);
    var header = article.querySelector(".qz-article__header") || article.firstElementChild;
    header.parentNode.insertBefore(bar, header.nextSibling);
    if (marks.length) marks[0].scrollIntoView({block: "center"});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  // Material's instant navigation is off; a document$ subscription is not needed.
})();
