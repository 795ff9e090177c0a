// The search page: queries the Pagefind index of the page's language (built with the site, so
// search works offline). The query lives in the address (?q=…): a search can be shared, and
// the search box in every page's header, a plain form, lands here with its query.
// Pagefind's ready-made interface is not used: it brings its own words and looks, where this
// page speaks from the site's message catalogues and keeps its result list plain and accessible.
(() => {
  "use strict";
  const form = document.getElementById("search-form");
  if (!form) return;
  const { plain, format, element, link, keepQueryInSwitcher } = window.scorecard;
  const input = form.elements.q;
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const messages = JSON.parse(document.getElementById("search-messages").textContent);
  const PAGE_SIZE = 10;
  const RERANKED = 40; // how many of Pagefind's best results are re-ordered by their titles
  const language = document.documentElement.lang;
  let pagefind = null;
  let results = [];
  let shown = 0;
  let ticket = 0; // the latest search; an older one that finishes late is dropped

  const say = (key, values) => format(messages[key], values);

  async function engine() {
    if (!pagefind) {
      // import() in a classic script resolves against the script's URL: make it absolute.
      pagefind = await import(new URL(form.dataset.bundle, location.href).href);
      await pagefind.options({ baseUrl: new URL(form.dataset.base, location.href).pathname });
    }
    return pagefind;
  }

  async function run(query) {
    const mine = ++ticket;
    list.replaceChildren();
    more.hidden = true;
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = messages.loading;
    try {
      const search = await (await engine()).search(query);
      if (mine !== ticket) return;
      results = await titlesFirst(search.results, query);
      if (mine !== ticket) return;
      shown = 0;
      await showMore(mine);
      const count = results.length.toLocaleString(language);
      status.textContent =
        results.length === 0
          ? say("none", { query })
          : say(results.length === 1 ? "results_one" : "results", { count, query });
    } catch (error) {
      status.textContent = messages.error;
      throw error;
    }
  }

  // Pagefind matches each word typed as the start of a word, so "do luong" also finds every
  // page with "doanh" and "số lượng" on it, and long pages rank low. Among its best results, a
  // page whose title holds the words typed, in that order, comes first: the locality itself.
  async function titlesFirst(found, query) {
    const words = plain(query).split(/\s+/).filter(Boolean);
    if (!words.length) return found.map((result) => ({ result, data: null }));
    const phrase = new RegExp("(^|\\s)" + words.map(escapeRegExp).join("\\s+") + "(\\s|$)");
    const head = await Promise.all(found.slice(0, RERANKED).map(async (result) => ({ result, data: await result.data() })));
    const inTitle = (entry) => phrase.test(plain(entry.data.meta.title || ""));
    const ordered = [...head.filter(inTitle), ...head.filter((entry) => !inTitle(entry))];
    return [...ordered, ...found.slice(RERANKED).map((result) => ({ result, data: null }))];
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  async function showMore(mine) {
    const batch = await Promise.all(
      results.slice(shown, shown + PAGE_SIZE).map(async (entry) => entry.data || entry.result.data()),
    );
    if (mine !== ticket) return;
    list.append(...batch.map(item));
    shown += batch.length;
    more.hidden = shown >= results.length;
  }

  function item(data) {
    const li = document.createElement("li");
    const type = messages["type." + (data.meta.type || "")];
    if (type) li.append(element("p", "result-type", type));
    const heading = element("h2", "result-title");
    heading.append(link(data.url, data.meta.title || data.url));
    const excerpt = element("p", "result-excerpt");
    appendMarked(excerpt, data.excerpt);
    li.append(heading, excerpt);
    // On the page of every source, the sources that match, linked by their anchors.
    const many = data.meta.type === "source";
    const sections = many ? data.sub_results.filter((sub) => sub.url !== data.url).slice(0, 3) : [];
    if (sections.length) {
      const sub = element("ul", "result-sections");
      for (const section of sections) {
        const entry = document.createElement("li");
        entry.append(link(section.url, section.title));
        sub.append(entry);
      }
      li.append(sub);
    }
    return li;
  }

  // Pagefind's excerpt is escaped text with <mark> around the matches: rebuild it node by node
  // from an inert parsed document, so nothing in it can become markup of this page.
  function appendMarked(parent, excerpt) {
    const parsed = new DOMParser().parseFromString(excerpt, "text/html");
    for (const node of parsed.body.childNodes) {
      parent.append(
        node.nodeName === "MARK" ? element("mark", "", node.textContent) : node.textContent,
      );
    }
  }

  let typing = 0;
  function submit() {
    const query = input.value;
    const address = new URL(location.href);
    if (query) address.searchParams.set("q", query);
    else address.searchParams.delete("q");
    history.replaceState(null, "", address);
    keepQueryInSwitcher();
    run(query);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    submit();
  });
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(submit, 300);
  });
  more.addEventListener("click", () => showMore(ticket));

  input.value = new URLSearchParams(location.search).get("q") || "";
  keepQueryInSwitcher();
  if (input.value) run(input.value);
})();
