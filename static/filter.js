// Long lists of units (a province's 174 communes are 40,000 px of cards on a phone): a box above
// each list the page marks with data-filter keeps the rows whose unit name holds what is typed,
// with or without marks ("dak" finds "Đakrông"). The box is added here, not written in the page,
// so a reader without JavaScript (and a search engine) gets the full list and no dead control.
(() => {
  "use strict";
  const lists = document.querySelectorAll("[data-filter]");
  const source = document.getElementById("filter-messages");
  if (!lists.length || !source) return;
  const { plain, format, element } = window.scorecard;
  const messages = JSON.parse(source.textContent);
  const language = document.documentElement.lang;
  const ANNOUNCE_AFTER = 400; // ms without typing before the count is read out

  lists.forEach((list, index) => {
    const rows = [...list.querySelectorAll("tbody tr")].map((row) => ({
      row,
      name: plain(row.querySelector("th").textContent),
    }));
    const id = `filter-${index + 1}`;
    const label = element("label", "", messages.label);
    label.htmlFor = id;
    label.id = `${id}-label`;
    const input = element("input");
    // A phone must not "correct" a name typed without its marks ("dak" is not a typo).
    Object.assign(input, {
      type: "search", id, autocomplete: "off", spellcheck: false, autocapitalize: "off", enterKeyHint: "done",
    });
    input.setAttribute("autocorrect", "off");
    // With two lists on a page, each box's name also says which list it filters.
    const heading = list.closest("section")?.querySelector("h2[id]");
    if (heading) input.setAttribute("aria-labelledby", `${label.id} ${heading.id}`);
    const status = element("p", "list-filter-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const box = element("div", "list-filter");
    box.append(label, input, status);
    list.before(box);

    let typing = 0;
    input.addEventListener("input", () => {
      const query = plain(input.value);
      let shown = 0;
      for (const { row, name } of rows) {
        row.hidden = !name.includes(query);
        if (!row.hidden) shown += 1;
      }
      // The count waits for a pause, so a screen reader does not read one out per letter.
      clearTimeout(typing);
      typing = setTimeout(() => {
        status.textContent = query
          ? format(messages.status, {
              shown: shown.toLocaleString(language),
              total: rows.length.toLocaleString(language),
            })
          : "";
      }, ANNOUNCE_AFTER);
    });
    // Enter puts a phone's keyboard away, so the rows kept fill the screen.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") input.blur();
    });
  });
})();
