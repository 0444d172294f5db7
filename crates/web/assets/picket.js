// Picket's small enhancements. Every page works without this file.
(function () {
  "use strict";
  // Confirm destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();

// Live solidarity wall: newly approved messages arrive by Server-Sent Events and are added at
// the top. Text is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  if (!wall || !window.EventSource || wall.getAttribute("data-live") !== "on") {
    return;
  }
  var source = new EventSource("/" + wall.getAttribute("data-branch") + "/wall/events");
  source.addEventListener("message", function (event) {
    var m;
    try { m = JSON.parse(event.data); } catch (e) { return; }
    if (document.getElementById("m" + m.id)) { return; }
    var item = document.createElement("li");
    item.className = "card wall-message arrived";
    item.id = "m" + m.id;
    var text = document.createElement("p");
    text.className = "wall-text";
    text.textContent = m.message;
    var from = document.createElement("p");
    from.className = "wall-from";
    var name = document.createElement("strong");
    name.textContent = m.name;
    from.appendChild(name);
    if (m.organisation) { from.appendChild(document.createTextNode(", " + m.organisation)); }
    var meta = document.createElement("span");
    meta.className = "muted";
    meta.appendChild(document.createTextNode(" · " + m.kind + " · "));
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.date;
    meta.appendChild(link);
    from.appendChild(meta);
    item.appendChild(text);
    item.appendChild(from);
    wall.insertBefore(item, wall.firstChild);
  });
})();
