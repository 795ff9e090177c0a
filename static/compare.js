// The compare page: two to four localities side by side, as a table and a bar chart. The choices
// come from compare/data.json (a province filter narrows thousands of them down), the figures
// (already formatted for the page's language) from the file of each chosen locality's province,
// compare/figures/<id>.json, so a reader loads only those. The choice lives in the address (?id=a&id=b), so a comparison can be shared; without
// JavaScript the page lists every locality (long lists by province) with a link to its scorecard.
(() => {
  "use strict";
  const form = document.getElementById("compare-form");
  if (!form) return;
  const { element, link, keepQueryInSwitcher } = window.scorecard;
  const MOST = 4;
  const SVG = "http://www.w3.org/2000/svg";
  const selects = [...form.querySelectorAll(".compare-picks select")];
  const provinceFilter = document.getElementById("compare-province");
  const status = document.getElementById("compare-status");
  const result = document.getElementById("compare-result");
  const tableBox = document.getElementById("compare-table");
  const chartBox = document.getElementById("compare-chart");
  const messages = JSON.parse(document.getElementById("compare-messages").textContent);
  const source = new URL(form.dataset.source, location.href);
  const files = {};  // what each file fetched holds, by its address

  function chosen() {
    const ids = new URLSearchParams(location.search).getAll("id").filter(Boolean);
    return [...new Set(ids)].slice(0, MOST);
  }

  async function json(path) {
    const address = new URL(path, source).href;
    if (!(address in files)) {
      const response = await fetch(address);
      if (!response.ok) throw new Error(`${response.status} ${response.url}`);
      files[address] = await response.json();
    }
    return files[address];
  }

  // The choices: each level's localities with figures, by name; with a province picked in the
  // filter, the provinces and that province's units (and whatever is chosen already).
  function fillChoices(all) {
    const province = provinceFilter.value;
    for (const select of selects) {
      const keep = select.value;
      select.replaceChildren(select.options[0]);
      for (const level of all.levels) {
        const group = document.createElement("optgroup");
        group.label = level.name;
        for (const id of level.localities) {
          const locality = all.localities[id];
          if (!province || level.id === "province" || locality.province === province || id === keep) {
            group.append(new Option(locality.name, id));
          }
        }
        if (group.children.length) select.append(group);
      }
      select.value = keep;
    }
  }

  function fillProvinces(all) {
    if (provinceFilter.options.length > 1) return;
    for (const province of all.provinces) {
      const name = province.former ? `${province.name} (${messages.former})` : province.name;
      provinceFilter.append(new Option(name, province.id));
    }
  }

  async function show() {
    const ids = chosen();
    keepQueryInSwitcher();
    status.textContent = messages.loading;
    let all, localities;
    try {
      all = await json(source);
      fillProvinces(all);
      if (selects[0].options.length < 2) fillChoices(all);
      const known = ids.filter((id) => id in all.localities);
      const parts = await Promise.all(known.map((id) => json(all.localities[id].figures)));
      localities = known.map((id, index) => ({ id, ...all.localities[id], figures: parts[index][id] }));
    } catch (error) {
      status.textContent = messages.error;
      throw error;
    }
    selects.forEach((select, index) => {
      select.value = ids[index] || "";
    });
    if (localities.length < 2) {
      status.textContent = messages.pick_more;
      result.hidden = true;
      return;
    }
    const levels = new Set(localities.map((locality) => locality.level));
    status.textContent = levels.size > 1 ? messages.levels_differ : "";
    const shown = all.indicators.filter((indicator) =>
      localities.some((locality) => indicator.id in locality.figures),
    );
    tableBox.replaceChildren(table(all.pillars, shown, localities));
    chartBox.replaceChildren(chart(shown.filter((i) => i.unit === "percent"), localities));
    result.hidden = false;
  }

  function table(pillars, indicators, localities) {
    const t = element("table", "compare-table");
    t.append(element("caption", "", messages.caption));
    const head = t.createTHead().insertRow();
    head.append(header("col", messages.indicator));
    localities.forEach((locality, index) => {
      const th = header("col");
      th.append(swatch(index), link(locality.url, locality.name));
      th.append(element("span", "small block", locality.level_name));
      head.append(th);
    });
    const body = t.createTBody();
    for (const pillar of pillars) {
      const rows = indicators.filter((indicator) => indicator.pillar === pillar.id);
      if (!rows.length) continue;
      const group = header("colgroup", pillar.name);
      group.colSpan = localities.length + 1;
      const groupRow = body.insertRow();
      groupRow.className = "pillar-row";
      groupRow.append(group);
      for (const indicator of rows) {
        const row = body.insertRow();
        const name = header("row");
        name.append(link(indicator.url, indicator.name));
        name.append(element("span", "target-line", indicator.target_text));
        row.append(name);
        for (const locality of localities) row.append(cell(indicator, locality));
      }
    }
    return t;
  }

  function cell(indicator, locality) {
    const td = document.createElement("td");
    const figure = locality.figures[indicator.id];
    if (figure) {
      td.append(element("span", "value", figure.text));
      td.append(element("span", "small block", figure.period));
      const state = element("span", `status status-${figure.status}`);
      state.append(element("span", "status-icon", figure.status_icon), " " + figure.status_text);
      state.firstChild.setAttribute("aria-hidden", "true");
      td.append(state);
      if (figure.rank) td.append(element("span", "rank", figure.rank));
    } else if (indicator.levels.includes(locality.level)) {
      const state = element("span", "status status-no-data");
      state.append(element("span", "status-icon", messages.missing_icon), " " + messages.missing);
      state.firstChild.setAttribute("aria-hidden", "true");
      td.append(state);
    } else {
      td.textContent = messages.not_applicable;
    }
    return td;
  }

  // Bars on a 0–100 scale, one per locality, with the national target as a black line. The
  // value is written beside each bar, so the chart does not rely on colour alone.
  function chart(indicators, localities) {
    if (!indicators.length) return element("p", "", messages.no_percent);
    const groups = element("div", "compare-groups");
    for (const indicator of indicators) {
      const group = element("div", "compare-group");
      group.append(element("p", "compare-indicator", indicator.name));
      const bars = element("ul", "compare-bars");
      localities.forEach((locality, index) => {
        const figure = locality.figures[indicator.id];
        const li = element("li", `series-${index + 1}`);
        const label = element("span", "compare-label");
        label.append(swatch(index), locality.name);
        li.append(label, bar(figure, indicator.target));
        li.append(element("span", figure ? "compare-value" : "compare-value missing", figure ? figure.text : messages.missing));
        bars.append(li);
      });
      group.append(bars);
      groups.append(group);
    }
    return groups;
  }

  function bar(figure, target) {
    const svg = document.createElementNS(SVG, "svg");
    attributes(svg, { class: "bar", viewBox: "0 0 100 12", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
    svg.append(shape("rect", { class: "bar-track", width: 100, height: 12 }));
    if (figure && figure.value !== null) {
      svg.append(shape("rect", { class: "bar-value", width: Math.max(0, Math.min(100, figure.value)), height: 12 }));
    }
    if (target !== null) {
      svg.append(shape("line", { class: "bar-target", x1: target, x2: target, y1: 0, y2: 12, "vector-effect": "non-scaling-stroke" }));
    }
    return svg;
  }

  function shape(tag, values) {
    return attributes(document.createElementNS(SVG, tag), values);
  }

  function attributes(node, values) {
    for (const [name, value] of Object.entries(values)) node.setAttribute(name, value);
    return node;
  }

  function swatch(index) {
    return attributes(element("span", `series-swatch series-${index + 1}`), { "aria-hidden": "true" });
  }

  function header(scope, text) {
    return attributes(element("th", "", text), { scope });
  }

  function choose() {
    const address = new URL(location.href);
    address.searchParams.delete("id");
    for (const select of selects) if (select.value) address.searchParams.append("id", select.value);
    history.replaceState(null, "", address);
    show();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    choose();
  });
  for (const select of selects) select.addEventListener("change", choose);
  provinceFilter.addEventListener("change", async () => fillChoices(await json(source)));
  form.hidden = false;
  show();
})();
