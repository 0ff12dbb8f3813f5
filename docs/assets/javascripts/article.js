/* Article pages: the copy buttons (citation, report text) and the permalink.
 *
 * Listeners are attached here: the site's CSP allows no inline handlers.
 * Copying tries the asynchronous clipboard API, then the older
 * execCommand("copy") on a selection, which also works from file:// where
 * the API may be missing or refused; if both fail the text is left
 * selected for Ctrl+C.
 */
(function () {
  "use strict";

  function say(button, text) {
    var status = button.parentNode && button.parentNode.querySelector(".qz-copy__status");
    if (!status) return;
    status.textContent = text;
    clearTimeout(status.qzTimer);
    status.qzTimer = setTimeout(function () { status.textContent = ""; }, 4000);
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    document.body.removeChild(area);
    return done;
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var text = target.textContent.replace(/\s+$/, "");
    function fallback() {
      if (copyBySelection(text)) {
        say(button, "已复制");
      } else {
        selectText(target);
        say(button, "已选中，请按 Ctrl+C 复制");
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(button, "已复制"); }, fallback);
    } else {
      fallback();
    }
  }

  function setUp() {
    // Without a configured site_url the permalink is the page's path in the
    // archive; served over http(s), the address in the location bar is better.
    var link = document.querySelector(".qz-permalink[data-relative]");
    if (link && /^https?:$/.test(location.protocol)) {
      link.textContent = location.href.split("#")[0].split("?")[0];
    }
    var buttons = document.querySelectorAll(".qz-copy[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
