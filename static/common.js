// What the site's scripts share, loaded (deferred) before each of them: one copy of the folding
// that lets a reader type without Vietnamese marks, and of the small DOM helpers.
window.scorecard = (() => {
  "use strict";

  // "Đakrông" → "dakrong", "Quảng Trị (mới)" → "quang tri moi": marks, Đ/đ and case folded,
  // punctuation to single spaces, so what is typed matches however it was typed.
  function plain(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  // A message of the page's language with its {placeholders} filled in.
  function format(message, values = {}) {
    return message.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(href, text) {
    const a = element("a", "", text);
    a.href = href;
    return a;
  }

  // The language switcher keeps the address's query (a search, a comparison), so the reader
  // lands on the same thing in the other language.
  function keepQueryInSwitcher() {
    for (const a of document.querySelectorAll(".languages a")) {
      const target = new URL(a.href);
      target.search = location.search;
      a.href = target.href;
    }
  }

  return Object.freeze({ plain, format, element, link, keepQueryInSwitcher });
})();
