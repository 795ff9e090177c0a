/* Draws every chart of the page: <div data-vega-spec="ID"> from <script type="application/json" id="ID">.
   Under the site's Content-Security-Policy: expressions run in Vega's interpreter, never through
   Function(); no <style> is injected (their styles are in charts.css); no request is made (the
   data is inline and the loader refuses to fetch). A chart drawn at build time stays in place
   if drawing fails. */
(function () {
  'use strict';
  if (typeof vegaEmbed === 'undefined' || !Element.prototype.replaceChildren) {
    return;  // scripts refused or an old browser: the charts drawn at build time stay
  }

  var loader = vega.loader();
  loader.load = function (uri) {
    return Promise.reject(new Error('charts carry their data inline; refused to load ' + uri));
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

  function draw(container) {
    var block = document.getElementById(container.getAttribute('data-vega-spec'));
    var spec = JSON.parse(block.textContent);
    var drawnAtBuild = Array.prototype.slice.call(container.childNodes);
    container.replaceChildren();
    return vegaEmbed(container, spec, options).then(function () {
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
