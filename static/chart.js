/* Draws every chart of the page: <div data-vega-spec="ID"> from the chart type's template in the
   file data-vega-template names, filled with <script type="application/json" id="ID">, and, when
   the div names one in data-vega-rows, with the chart's rows from that file of this site.
   Under the site's Content-Security-Policy: expressions run in Vega's interpreter, never through
   Function(); no <style> is injected (their styles are in charts.css); the only requests are for
   those files (connect-src 'self'): Vega's own loader refuses to fetch. A chart drawn at build time
   stays in place if drawing fails. */
(function () {
  'use strict';
  if (typeof vegaEmbed === 'undefined' || !Element.prototype.replaceChildren) {
    return;  // scripts refused or an old browser: the charts drawn at build time stay
  }

  var loader = vega.loader();
  loader.load = function (uri) {
    return Promise.reject(new Error('chart.js gives each chart its rows; refused to load ' + uri));
  };

  var options = {
    mode: 'vega-lite',
    renderer: 'svg',
    actions: false,                              // no export menu, no link to the online editor
    ast: true,                                   // expressions parsed to trees...
    expr: vegaInterpreter.expressionInterpreter, // ...and evaluated without Function()
    defaultStyle: false,                         // vega-embed's <style> would be blocked
    tooltip: {disableDefaultStyle: true},        // and so would vega-tooltip's
    loader: loader,
    logLevel: vega.Warn
  };

  // A JSON file of this site, fetched once however many charts read it.
  var files = {};
  function json(path) {
    var url = new URL(path, document.baseURI).href;
    if (!files[url]) {
      files[url] = fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + ' ' + response.url);
        }
        return response.text();
      });
    }
    return files[url].then(JSON.parse);  // a copy each: Vega may change what it is given
  }

  // The spec: the chart type's template (a file every page's chart of the type shares) with
  // what this chart fills in from the page, and its rows from their file when the page does
  // not hold them.
  function spec(container) {
    var block = document.getElementById(container.getAttribute('data-vega-spec'));
    var part = JSON.parse(block.textContent);
    var rows = container.getAttribute('data-vega-rows');
    return Promise.all([
      json(container.getAttribute('data-vega-template')),
      rows ? json(rows) : null
    ]).then(function (found) {
      var full = Object.assign(found[0], part);
      if (rows) {
        full.data = {values: found[1]};
      }
      return full;
    });
  }

  function draw(container) {
    var drawnAtBuild = Array.prototype.slice.call(container.childNodes);
    return spec(container).then(function (full) {
      container.replaceChildren();
      return vegaEmbed(container, full, options);
    }).then(function () {
      container.classList.add('chart-ready');
      container.closest('figure').classList.add('has-picture');
    }).catch(function (error) {
      container.replaceChildren.apply(container, drawnAtBuild);
      container.classList.add('chart-failed');
      console.error(error);
    });
  }

  document.querySelectorAll('[data-vega-spec]').forEach(draw);
})();
