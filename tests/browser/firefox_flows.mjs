// The reader's flows in Firefox ESR, driven by puppeteer-core over WebDriver BiDi
// (tests/test_firefox.py runs this and checks what it prints).
//
//   node tests/browser/firefox_flows.mjs FIREFOX ARTICLE SITE_URL [SITE_URL ...]
//
// ARTICLE: an article page's path in the site (articles/2022/….html). SITE_URL: the site folder as a file:// URL (the USB copy) or its http URL
// (under a sub-path, as on GitHub Pages), ending in "/". For each site, in one
// Firefox: the header search box of an article page opens the search page with
// results; a query typed on the search page, then a district filter ticked;
// the article page's "复制引用" says 已复制; a tab link of the header navigates;
// the 404 page is styled and its search box works. Prints one JSON object:
// {sites: {SITE_URL: {flow: {ok, detail}}}, errors: {SITE_URL: [console errors]}}.
// Exits 0 whatever the flows gave (the test judges), 2 on a bad command line.
import puppeteer from "puppeteer-core";

const [firefox, ARTICLE, ...sites] = process.argv.slice(2);
if (!firefox || !ARTICLE || !sites.length) {
  console.error("usage: node firefox_flows.mjs FIREFOX ARTICLE SITE_URL [SITE_URL ...]");
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Poll `check` (run in node, may evaluate in the page) until it returns a truthy value.
async function until(what, check, timeout = 30000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error; // the page may be navigating
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

const text = (page, selector) =>
  page.evaluate((s) => { const n = document.querySelector(s); return n ? n.textContent : null; }, selector);
const styled = (page) =>
  page.evaluate(() => {
    const header = document.querySelector(".md-header");
    return !!header && ["sticky", "fixed"].includes(getComputedStyle(header).position);
  });

async function searchReady(page) {
  return until("search results", async () => {
    const status = await text(page, ".qz-search__status");
    return status && /找到/.test(status) && !/正在/.test(status) ? status : null;
  });
}

const flows = {
  // the article page's header search box -> search.html?q=... with results
  async header_search(page, site) {
    await page.goto(site + ARTICLE);
    await page.click(".qz-header-search input");
    await page.keyboard.type("营商环境");
    await page.keyboard.press("Enter");
    await until("the search page", async () => page.url().includes("search.html?q="));
    const status = await searchReady(page);
    const results = await page.$$eval(".qz-result__title", (links) => links.length);
    const title = await page.title();
    return { ok: results > 0 && page.url().startsWith(site + "search.html") && title.startsWith("“营商环境”的搜索结果 - "), detail: { url: page.url(), status, results, title } };
  },
  // a query typed on the search page, then a district ticked: the results narrow to it
  async search_and_filter(page, site) {
    await page.goto(site + "search.html");
    await until("the filters", () => page.$(".qz-search__filters[data-counts='complete'] input"));
    await page.click(".qz-search__input");
    await page.keyboard.type("营商环境");
    await page.keyboard.press("Enter");
    await until("the query's results", async () => /营商环境/.test((await text(page, ".qz-search__status")) || "") && page.$(".qz-result"));
    const before = await page.$$eval(".qz-result__title", (links) => links.map((a) => a.textContent));
    const box = await until("a district filter", () => page.$(".qz-filter[data-filter='区县'] input"));
    const district = await box.evaluate((input) => input.value);
    await box.click();
    await until("the filtered results", async () => page.url().includes(encodeURIComponent("区县")));
    await searchReady(page);
    const after = await until("results of that district only", async () => {
      const metas = await page.$$eval(".qz-result__meta", (all) => all.map((m) => m.textContent));
      return metas.length && metas.every((meta) => meta.includes(district)) ? metas : null;
    }, 10000).catch(() => page.$$eval(".qz-result__meta", (all) => all.map((m) => m.textContent)));
    await sleep(300); // any late drawing of the filters
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.value);
    const ok = before.length > 0 && after.length > 0 && after.length <= before.length &&
      after.every((meta) => meta.includes(district)) && focused === district;
    return { ok, detail: { before: before.length, after: after.length, district, focused, url: page.url() } };
  },
  // 复制引用 on an article page says 已复制
  async copy_citation(page, site) {
    await page.goto(site + ARTICLE);
    await page.click(".qz-cite .qz-copy");
    const said = await until("the copy status", async () => (await text(page, ".qz-cite .qz-copy__status")) || null, 5000)
      .catch((error) => String(error));
    return { ok: said === "已复制", detail: { said } };
  },
  // a tab link of the header opens its index page
  async tab_navigation(page, site) {
    await page.goto(site + "index.html");
    const tab = await until("the 区县 tab", () => page.evaluateHandle(() =>
      [...document.querySelectorAll("a.md-tabs__link")].find((a) => a.textContent.trim() === "区县")).then((h) => h.asElement()));
    await tab.click();
    await until("the districts page", async () => page.url().endsWith("districts/index.html"));
    const heading = await until("its heading", () => text(page, "h1"));
    return { ok: heading.includes("区县") && (await styled(page)), detail: { url: page.url(), heading } };
  },
  // the 404 page: styled, in Chinese, its search box opens the search page. Over http at a
  // missing address two folders down (the server answers with 404.html, as GitHub Pages does);
  // from file:// the file itself.
  async not_found(page, site) {
    await page.goto(site + (site.startsWith("file:") ? "404.html" : "articles/2099/nope.html"));
    const heading = (await until("its heading", () => text(page, "h1"))).trim();
    const isStyled = await styled(page);
    await page.click("#qz-notfound-q");
    await page.keyboard.type("招商引资");
    await page.keyboard.press("Enter");
    await until("the search page", async () => page.url().includes("search.html?q="));
    const status = await searchReady(page);
    return { ok: heading === "页面不存在" && isStyled && page.url().startsWith(site + "search.html"), detail: { heading, isStyled, status, url: page.url() } };
  },
};

const out = { sites: {}, errors: {} };
const browser = await puppeteer.launch({ browser: "firefox", executablePath: firefox, headless: true });
try {
  for (const site of sites) {
    out.sites[site] = {};
    const errors = (out.errors[site] = []);
    for (const [name, flow] of Object.entries(flows)) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 }); // Material shows the tabs from 1220 px
      page.on("console", (message) => { if (message.type() === "error") errors.push(`${name}: ${message.text()}`); });
      page.on("pageerror", (error) => errors.push(`${name}: ${error.message || error}`));
      try {
        out.sites[site][name] = await flow(page, site);
      } catch (error) {
        out.sites[site][name] = { ok: false, detail: String(error && error.stack || error) };
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
