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

// The moderation queue by keyboard: j/k move between messages, a approves, r rejects, s marks
// spam, f pins or unpins, ? shows the list of keys. Each key presses the message's own
// button, so the forms (which work by touch and without this script) do the work.
(function () {
  "use strict";
  var queue = document.getElementById("queue");
  if (!queue) {
    return;
  }
  var KEY = "picket-queue-position";
  var items = Array.prototype.slice.call(queue.querySelectorAll("li.wall-message"));
  var help = document.getElementById("shortcut-help");
  var current = -1;

  function select(index, focus) {
    if (!items.length) { return; }
    index = Math.max(0, Math.min(items.length - 1, index));
    if (current >= 0 && items[current]) {
      items[current].classList.remove("current");
      items[current].removeAttribute("aria-current");
    }
    current = index;
    var item = items[current];
    item.classList.add("current");
    item.setAttribute("aria-current", "true");
    item.setAttribute("tabindex", "-1");
    if (focus) {
      item.focus({ preventScroll: true });
      item.scrollIntoView({ block: "nearest" });
    }
  }

  function press(selector) {
    if (current < 0) { return false; }
    var button = items[current].querySelector(selector);
    if (!button) { return false; }
    try { window.sessionStorage.setItem(KEY, String(current)); } catch (e) { /* private mode */ }
    button.click();
    return true;
  }

  // Back from a decision the next message takes the place of the one just decided.
  var start = 0;
  try {
    var kept = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    if (kept !== null) { start = parseInt(kept, 10) || 0; }
  } catch (e) { /* private mode */ }
  select(start, false);
  queue.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("li.wall-message");
    if (item) { select(items.indexOf(item), false); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": select(current + 1, true); break;
      case "k": select(current - 1, true); break;
      case "a": handled = press("button[value=approve]"); break;
      case "r": handled = press("button[value=reject]"); break;
      case "s": handled = press("button[value=spam]"); break;
      case "f": handled = press("button[value=feature], button[value=unfeature]"); break;
      case "?":
        if (help) { help.open = !help.open; }
        break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });
})();

// The campaign page's counters, kept live by Server-Sent Events. Figures are set with
// textContent; without this script the page shows them as they were when it loaded.
(function () {
  "use strict";
  var box = document.getElementById("counters");
  if (!box || !window.EventSource || !box.getAttribute("data-live")) {
    return;
  }
  var source = new EventSource(box.getAttribute("data-live"));
  source.addEventListener("counters", function (event) {
    var figures;
    try { figures = JSON.parse(event.data); } catch (e) { return; }
    Array.prototype.forEach.call(box.querySelectorAll("[data-counter]"), function (el) {
      var name = el.getAttribute("data-counter");
      if (!Object.prototype.hasOwnProperty.call(figures, name)) { return; }
      var text = String(figures[name]);
      if (el.textContent !== text) {
        el.textContent = text;
        el.classList.remove("changed");
        void el.offsetWidth;
        el.classList.add("changed");
      }
    });
  });
})();
