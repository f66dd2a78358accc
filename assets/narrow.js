/* Charts on a narrow screen (a phone): Plotly does not wrap a title, so a title sized for a
   desktop card runs off the chart and its legend sits on it; a grid of panels or region tiles sized
   for a desktop overprints itself. After each drawing of a chart narrower than NARROW px this wraps
   the title, gives the title and the legend above the plot the room they take, wraps panel titles
   and fits the tiles and bar labels to the width. Wide again, titles, margins and ranges are put
   back; restyled traces (tiles, bar labels) come back with the next figure the server sends. */
(function () {
  var NARROW = 700;  // a phone, and a grid of panels drawn 660 px wide in a phone's card

  function wrap(text, perLine) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > perLine) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  function legendHeight(gd) {
    var legend = gd.querySelector(".legend");
    return legend ? legend.getBoundingClientRect().height : 0;
  }

  function isTiles(trace) {
    return trace.mode === "markers+text" && trace.marker && trace.marker.symbol === "square";
  }

  function adapt(gd) {
    if (gd._esrBusy || !gd._fullLayout || !window.Plotly) return;
    var layout = gd.layout || {};
    var title = (layout.title && layout.title.text) || "";
    var adapted = gd._esr && gd._esr.title === title;
    var narrow = gd.clientWidth > 0 && gd.clientWidth < NARROW;
    if (!narrow && !adapted) return;
    var update = {}, restyle = null, traces = [];
    if (!narrow) {
      update = gd._esr.restore;
      gd._esr = null;
    } else {
      var original = adapted
        ? gd._esr.original
        : {
            title: title,
            top: (layout.margin || {}).t,
            annotations: (layout.annotations || []).map(function (a) { return a.text; }),
          };
      var wrapped = wrap(original.title.replace(/<br>/g, " "), Math.max(18, Math.floor(gd.clientWidth / 10)));
      var lines = wrapped.split("<br>").length;
      var legend = legendHeight(gd);
      var top = Math.max(original.top || 0, 30 + 24 * lines + (legend ? legend + 10 : 0));
      if (wrapped !== title) update["title.text"] = wrapped;
      if (Math.abs((gd._fullLayout.margin || {}).t - top) > 2) update["margin.t"] = top;
      // Panel titles wrap at their spaces; notes under a chart wrap to its width.
      (layout.annotations || []).forEach(function (a, i) {
        var text = original.annotations[i], short = null;
        if (typeof text !== "string") return;
        if (a.name === "panel-title") {
          // As wide as its panel: the panels of a row share their titles' height.
          var inRow = (layout.annotations || []).filter(function (b) { return b.name === "panel-title" && b.y === a.y; }).length;
          var perLine = Math.max(8, Math.floor(gd.clientWidth / Math.max(1, inRow) / 9.5));  // 15 px type, symbols included
          if (text.length > perLine) short = wrap(text, perLine);
        }
        // (a note's lines, and its notes, become one paragraph: the width decides where lines break)
        if (a.name === "chart-note") short = wrap(text.split("<br>").join(" "), Math.max(24, Math.floor(gd.clientWidth / 7)));
        if (short !== null && short !== a.text) {
          update["annotations[" + i + "].text"] = short;
          update["annotations[" + i + "].font.size"] = 11;
        }
      });
      (gd.data || []).forEach(function (trace, i) {
        if (isTiles(trace)) traces.push(i);
      });
      if (traces.length) {
        var size = Math.min(80, Math.floor(gd.clientWidth / 5.6));
        if (gd.data[traces[0]].marker.size !== size) restyle = { "marker.size": size, "textfont.size": 9 };
      }
      // A share label past a horizontal bar ("95 % of planned") keeps its number only.
      (gd.data || []).forEach(function (trace, i) {
        if (restyle || trace.type !== "bar" || trace.orientation !== "h" || trace.textposition !== "outside" || !Array.isArray(trace.text)) return;
        var short = trace.text.map(function (t) { return typeof t === "string" ? t.replace(/%.*$/, "%") : t; });
        if (short.join("|") !== trace.text.join("|")) {
          restyle = { text: [short] };
          traces = [i];
        }
      });
      // Share labels past the end of horizontal bars: widen the axis until the longest fits.
      var range = layout.xaxis && layout.xaxis.range, size = gd._fullLayout._size, svg = gd.querySelector(".main-svg");
      if (range && typeof range[1] === "number" && size && svg) {
        var right = svg.getBoundingClientRect().left + size.l + size.w, over = 0;
        gd.querySelectorAll(".bartext").forEach(function (label) { over = Math.max(over, label.getBoundingClientRect().right - right); });
        if (over > 1 && over < size.w * 0.8) {
          update["xaxis.range"] = [range[0], range[0] + (range[1] - range[0]) * size.w / (size.w - over - 6)];
          original.range = original.range || range.slice();
        }
      }
      if (!Object.keys(update).length && !restyle) return;
      var restore = { "title.text": original.title, "margin.t": original.top };
      if (original.range) restore["xaxis.range"] = original.range;
      original.annotations.forEach(function (text, i) {
        if (update["annotations[" + i + "].text"]) restore["annotations[" + i + "].text"] = text;
      });
      gd._esr = { title: update["title.text"] || title, original: original, restore: restore };
    }
    gd._esrBusy = true;
    var done = function () { gd._esrBusy = false; };
    var drawn = restyle ? window.Plotly.restyle(gd, restyle, traces) : Promise.resolve();
    drawn.then(function () { return window.Plotly.relayout(gd, update); }).then(done, done);
  }

  function hook(gd) {
    if (gd._esrHooked || typeof gd.on !== "function") return;
    gd._esrHooked = true;
    gd.on("plotly_afterplot", function () { adapt(gd); });
    adapt(gd);
  }

  new MutationObserver(function () {
    document.querySelectorAll(".js-plotly-plot").forEach(hook);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
