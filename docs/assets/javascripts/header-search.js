/*
 * The header's search box (overrides/partials/header.html), on every page: it
 * opens the search page, search.html?q=<the words>.
 *
 * Without JS it is a plain GET form, which works over http(s). From file://
 * (the archive on a USB stick) Firefox refuses the form: the site's CSP says
 * `form-action 'self'`, and to Firefox another file: URL is never 'self'. So
 * the form is handled here: its search page URL (the action, resolved as the
 * page resolves links) with the query, opened as a link is. Only the search
 * page loads the search scripts (overrides/main.html); this is all the other
 * pages need.
 */
(function () {
  "use strict";

  function searchUrl(form) {
    var url = new URL(form.getAttribute("action") || "search.html", document.baseURI);
    var input = form.querySelector("input[name=q]");
    var query = input ? input.value.trim() : "";
    url.search = query ? "?q=" + encodeURIComponent(query) : "";
    url.hash = "";
    return url.href;
  }

  function setUp() {
    var forms = document.querySelectorAll("form.qz-header-search, form.qz-search-form");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (event) {
        event.preventDefault();
        window.location.href = searchUrl(event.currentTarget);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
