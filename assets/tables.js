/* Draws the tables that page callbacks send as data (see dashboard/components/table.py).
   Text goes in with textContent only: nothing from the data is ever parsed as markup. */
(function () {
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function fill(node, cell) {
    if (cell.parts) {
      cell.parts.forEach(function (p) {
        node.appendChild(el(p.tag === "strong" ? "strong" : "span", p["class"], p.text));
      });
    } else {
      node.textContent = cell.text === undefined || cell.text === null ? "" : String(cell.text);
    }
    return node;
  }

  function draw(spec) {
    if (spec.message !== undefined) return [el("p", "table-message", spec.message)];
    var table = el("table", "table data-table" + (spec["class"] ? " " + spec["class"] : ""));
    table.appendChild(el("caption", null, spec.caption));
    var headRow = el("tr");
    spec.head.forEach(function (cell) {
      var th = fill(el("th", cell["class"]), cell);
      th.setAttribute("scope", "col");
      headRow.appendChild(th);
    });
    table.appendChild(el("thead")).appendChild(headRow);
    var body = el("tbody");
    spec.rows.forEach(function (row) {
      var tr = el("tr", row["class"]);
      row.cells.forEach(function (cell, i) {
        if (typeof cell === "string") {
          // A plain data cell: its text, and its column head's class (e.g. "num").
          tr.appendChild(el("td", spec.head[i] && spec.head[i]["class"], cell));
          return;
        }
        var node = fill(el(cell.header ? "th" : "td", cell["class"]), cell);
        if (cell.header) node.setAttribute("scope", "row");
        tr.appendChild(node);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    var notes = (spec.notes || []).map(function (note) {
      return el("p", "table-note", note);
    });
    return [table].concat(notes);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    tables: {
      render: function (spec, id) {
        var host = document.getElementById(id.host);
        if (!host) return;
        host.replaceChildren.apply(host, spec ? draw(spec) : []);
      },
    },
  });
})();
