/* ssl-bib site: search, filters, the state in the URL, and citations.
 *
 * The page works without this script (it is the whole list); the script only
 * adds. It selects papers by the rules of `ssl-bib list` (ssl_bib/select.py):
 * the search text of each paper is folded by Python and embedded in the page,
 * and `fold` below folds the query the way textnorm.search_fold does, so both
 * find the same papers (the browser tests compare them). Citations come from
 * files written by the export writers and are loaded on the first Cite.
 * Catalog text only ever reaches the page as textContent or a textarea's
 * value, never as markup.
 */
(function () {
  "use strict";

  // --- folding: the twin of textnorm.search_fold / search_terms ------------
  var SEARCH_EXTRA = {
    "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
    "þ": "th", "ı": "i", "ς": "σ"
  };
  var EXTRA_RE = /[ßæøœłđðþıς]/g;
  var NON_ASCII_RE = /[^\x00-\x7f]/;
  var DROP_RE = /[^\p{L}\p{N}]+/gu;
  var SPACE_RE = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

  function fold(text) {
    text = text.toLowerCase();
    if (NON_ASCII_RE.test(text)) {
      text = text.replace(EXTRA_RE, function (ch) { return SEARCH_EXTRA[ch]; })
        .normalize("NFKD").toLowerCase();  // as textnorm.search_fold: '𝑨' -> 'A' -> 'a'
    }
    return text.replace(DROP_RE, "");
  }

  function searchTerms(query) {
    return query.split(SPACE_RE).map(fold).filter(function (t) { return t !== ""; });
  }

  // --- the data ------------------------------------------------------------
  var dataElement = document.querySelector('script[type="application/json"]');
  if (!dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);
  var papers = data.papers;           // [key, search text, years, venue, categories, has code]
  var count = papers.length;
  var form = document.querySelector("form.controls");
  var searchBox = form.querySelector('input[type="search"]');
  var statusLine = document.querySelector("p.status");
  var downloadAll = document.querySelector("div.download-all");
  var downloadCount = downloadAll.querySelector(".download-count");
  var noResults = document.querySelector("p.no-results");

  var paperElements = new Array(count);
  var indexOfKey = Object.create(null);
  for (var i = 0; i < count; i++) {
    indexOfKey[papers[i][0]] = i;
    paperElements[i] = document.getElementById(papers[i][0]);
  }
  // Where each paper is listed: its own element, and pointers to it in the
  // other years it is listed under; each year section counts its shown papers.
  var pointers = new Array(count);
  var sectionsOf = new Array(count);
  var sections = Array.prototype.map.call(document.querySelectorAll("section.year"),
    function (element, number) {
      element.querySelectorAll("li.paper, li.also").forEach(function (li) {
        var i = li.classList.contains("also") ? indexOfKey[li.dataset.of] : indexOfKey[li.id];
        if (i === undefined) { return; }
        (sectionsOf[i] = sectionsOf[i] || []).push(number);
        if (li.classList.contains("also")) { (pointers[i] = pointers[i] || []).push(li); }
      });
      return {element: element, shown: 0};
    });
  for (var n = 0; n < count; n++) {
    (sectionsOf[n] || []).forEach(function (s) { sections[s].shown++; });
  }

  var yearIndex = Object.create(null);
  data.years.forEach(function (year, n) { yearIndex[year] = n; });
  var facetInputs = {year: [], venue: [], category: []};
  var facetCounts = {year: [], venue: [], category: []};
  ["year", "venue", "category"].forEach(function (name) {
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input, n) {
      facetInputs[name][n] = input;
      facetCounts[name][n] = input.parentNode.querySelector(".count");
    });
  });
  var codeInput = form.querySelector('input[name="code"]');
  var codeCount = codeInput.parentNode.querySelector(".count");

  // --- the state: what the controls say, read from and written to the URL --
  function readControls() {
    function checked(name) {
      var set = new Set();
      facetInputs[name].forEach(function (input, n) { if (input.checked) { set.add(n); } });
      return set;
    }
    return {q: searchBox.value, year: checked("year"), venue: checked("venue"),
            category: checked("category"), code: codeInput.checked};
  }

  function matchNames(values, names) {
    // names: per facet value, the names it answers to (folded like --venue).
    var byName = Object.create(null);
    names.forEach(function (list, n) {
      list.forEach(function (name) { byName[fold(name)] = n; });
    });
    var found = new Set();
    values.forEach(function (value) {
      var n = byName[fold(value)];
      if (n !== undefined && fold(value) !== "") { found.add(n); }
    });
    return found;
  }

  function stateFromSearch(search) {
    var params = new URLSearchParams(search);
    var years = new Set();
    params.getAll("year").forEach(function (value) {
      var m = /^\s*(\d{1,4})?\s*(\.\.|-|–)?\s*(\d{1,4})?\s*$/.exec(value);
      if (!m || !(m[1] || m[3])) { return; }
      var first = m[1] ? +m[1] : -Infinity;
      var last = m[3] ? +m[3] : (m[2] ? Infinity : first);
      data.years.forEach(function (year, n) {
        if (year >= first && year <= last) { years.add(n); }
      });
    });
    return {
      q: params.get("q") || "",
      year: years,
      venue: matchNames(params.getAll("venue"), data.venues),
      category: matchNames(params.getAll("category"),
                           data.categories.map(function (c) { return [c]; })),
      code: ["1", "true", "yes", "on"].indexOf((params.get("code") || "").toLowerCase()) >= 0
    };
  }

  function showState(state) {
    searchBox.value = state.q;
    ["year", "venue", "category"].forEach(function (name) {
      facetInputs[name].forEach(function (input, n) { input.checked = state[name].has(n); });
    });
    codeInput.checked = state.code;
  }

  function searchOf(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) { params.set("q", state.q); }
    facetInputs.year.forEach(function (input, n) {
      if (state.year.has(n)) { params.append("year", input.value); }
    });
    facetInputs.venue.forEach(function (input, n) {
      if (state.venue.has(n)) { params.append("venue", input.value); }
    });
    facetInputs.category.forEach(function (input, n) {
      if (state.category.has(n)) { params.append("category", input.value); }
    });
    if (state.code) { params.set("code", "1"); }
    var query = params.toString();
    return query ? "?" + query : "";
  }

  function writeUrl(search) {
    if (search !== location.search) {
      history.replaceState(history.state, "", location.pathname + search + location.hash);
    }
  }

  // The URL is written once typing pauses (writeUrlSoon, below), so a reload
  // or a return through history a moment after a key would find it a key
  // behind. Each change is therefore also kept in the tab's session storage,
  // under an id of its own that this history entry carries (history.state),
  // and a page that comes back to the entry takes the state from there. A
  // new visit goes by its URL alone (Chromium keeps history.state when the
  // same URL is opened again).
  var ENTRY = "sslBibEntry";

  function entryId() {
    var state = history.state;
    if (!state || typeof state[ENTRY] !== "string") {
      state = {};
      state[ENTRY] = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
      history.replaceState(state, "");   // the same URL: no cost to speak of
    }
    return "ssl-bib:" + state[ENTRY];
  }

  function rememberSearch(search) {
    try {
      sessionStorage.setItem(entryId(), search);
    } catch (error) {
      // Storage refused or full: the URL, written soon, still holds the state.
    }
  }

  function recalledSearch(cameBack) {
    try {
      var search = cameBack && history.state && typeof history.state[ENTRY] === "string"
        ? sessionStorage.getItem(entryId()) : null;
      return search === null ? location.search : search;
    } catch (error) {
      return location.search;
    }
  }

  function cameBackByReloadOrHistory() {
    var navigation = performance.getEntriesByType &&
      performance.getEntriesByType("navigation")[0];
    return !!navigation && (navigation.type === "reload" || navigation.type === "back_forward");
  }

  // --- selecting: select.select's rules, with the counts of each facet -----
  // Only papers that match the search can be shown or counted, so the work of
  // a keystroke follows the number of matches: a query that extends the last
  // one (typing on) only re-checks the papers that matched it.
  var visible = new Uint8Array(count).fill(1);
  var shownList = papers.map(function (p, i) { return i; });
  var lastTerms = [];
  var matching = shownList.slice();
  var updateMs = 0;

  function refines(terms, before) {
    // Every earlier term is inside a term now: a subset of the earlier matches.
    return before.every(function (old) {
      return terms.some(function (term) { return term.indexOf(old) >= 0; });
    });
  }

  function searchMatches(terms) {
    var candidates = refines(terms, lastTerms) ? matching : null;
    var found = [];
    var total = candidates ? candidates.length : count;
    for (var n = 0; n < total; n++) {
      var i = candidates ? candidates[n] : n;
      var hay = papers[i][1], ok = true;
      for (var t = 0; t < terms.length && ok; t++) { ok = hay.indexOf(terms[t]) >= 0; }
      if (ok) { found.push(i); }
    }
    lastTerms = terms;
    matching = found;
    return found;
  }

  function show(i, on) {
    visible[i] = on ? 1 : 0;
    if (paperElements[i]) { paperElements[i].hidden = !on; }
    (pointers[i] || []).forEach(function (li) { li.hidden = !on; });
    (sectionsOf[i] || []).forEach(function (s) {
      var section = sections[s];
      section.shown += on ? 1 : -1;
      if (section.shown === 0 || (on && section.shown === 1)) {
        section.element.hidden = section.shown === 0;
      }
    });
  }

  function update(state, writeState) {
    var started = performance.now();
    var found = searchMatches(searchTerms(state.q));
    var years = state.year, venues = state.venue, cats = state.category;
    var counts = {
      year: new Array(facetInputs.year.length).fill(0),
      venue: new Array(facetInputs.venue.length).fill(0),
      category: new Array(facetInputs.category.length).fill(0)
    };
    var withCode = 0, next = [], j;
    for (var n = 0; n < found.length; n++) {
      var i = found[n], p = papers[i];
      var y = years.size === 0, v = venues.size === 0 || venues.has(p[3]);
      var c = cats.size === 0, k = !state.code || p[5] === 1;
      for (j = 0; j < p[2].length && !y; j++) { y = years.has(yearIndex[p[2][j]]); }
      for (j = 0; j < p[4].length && !c; j++) { c = cats.has(p[4][j]); }
      // A facet's count: the papers every other filter lets through (so the
      // count says what ticking that value would add).
      if (v && c && k) {
        for (j = 0; j < p[2].length; j++) { counts.year[yearIndex[p[2][j]]]++; }
      }
      if (y && c && k && p[3] >= 0) { counts.venue[p[3]]++; }
      if (y && v && k) {
        for (j = 0; j < p[4].length; j++) { counts.category[p[4][j]]++; }
      }
      if (y && v && c && p[5] === 1) { withCode++; }
      if (y && v && c && k) { next.push(i); }
    }
    // Show and hide only what changed.
    var keep = new Uint8Array(count);
    next.forEach(function (i) { keep[i] = 1; });
    shownList.forEach(function (i) { if (!keep[i]) { show(i, false); } });
    next.forEach(function (i) { if (!visible[i]) { show(i, true); } });
    shownList = next;
    var shown = next.length;
    ["year", "venue", "category"].forEach(function (name) {
      counts[name].forEach(function (number, m) {
        setText(facetCounts[name][m], "(" + number + ")");
        facetInputs[name][m].parentNode.classList.toggle("empty", number === 0);
      });
    });
    setText(codeCount, "(" + withCode + ")");
    setText(statusLine, shown === count ? count + (count === 1 ? " paper" : " papers")
                                        : "Showing " + shown + " of " + count + " papers");
    setText(downloadCount, String(shown));
    downloadAll.querySelectorAll("button").forEach(function (b) { b.disabled = shown === 0; });
    noResults.hidden = shown !== 0;
    if (writeState) { writeUrlSoon(state); }
    document.documentElement.dataset.shown = String(shown);
    updateMs = performance.now() - started;   // the script's share, for the benchmark
  }

  // The URL follows the state once typing pauses, not at every key: in
  // Chromium history.replaceState visits every link of the page when the
  // query changes (their base URL changed), 5-10 ms at 10,000 papers, which
  // a keystroke should not wait for. A link followed, the window left (to
  // copy the address, say) or the page put away writes it at once, so the
  // URL a reader shares or returns to is the state they see.
  var URL_DELAY_MS = 300;
  var urlSearch = null;   // to be written
  var urlTimer = 0;

  function writeUrlSoon(state) {
    urlSearch = searchOf(state);
    rememberSearch(urlSearch);
    clearTimeout(urlTimer);
    urlTimer = setTimeout(writePendingUrl, URL_DELAY_MS);
  }

  function writePendingUrl() {
    clearTimeout(urlTimer);
    if (urlSearch !== null) {
      var search = urlSearch;
      urlSearch = null;
      writeUrl(search);
    }
  }

  function setText(element, text) {
    if (element.textContent !== text) { element.textContent = text; }
  }

  // --- citations -----------------------------------------------------------
  var chunks = [];   // chunk number -> {promise, resolve, reject, data}

  window.sslBibCite = function (number, packedTexts) {
    var chunk = chunks[number];
    if (chunk) {
      chunk.data = packedTexts.map(unpacked);
      chunk.resolve(chunk.data);
    }
  };

  // A paper's texts as a citation file carries them (site/packing.py): each
  // is the text, or {lines}: its lines, a number standing for that line of
  // the paper's first text, or {json}: CSL-JSON's one item, written back as
  // the writer writes it. null: no citation.
  function unpacked(packedTexts) {
    if (!packedTexts) { return null; }
    var firstLines = packedTexts[0].split("\n");
    return packedTexts.map(function (text) {
      if (typeof text === "string") { return text; }
      if (text.lines) {
        return text.lines.map(function (line) {
          return typeof line === "number" ? firstLines[line] : line;
        }).join("\n");
      }
      return JSON.stringify([text.json], null, 2) + "\n";
    });
  }

  function loadChunk(number) {
    if (!chunks[number]) {
      var chunk = {};
      chunk.promise = new Promise(function (resolve, reject) {
        chunk.resolve = resolve;
        chunk.reject = reject;
      });
      chunks[number] = chunk;
      var script = document.createElement("script");
      script.src = data.chunks[number];
      script.onerror = function () {
        chunks[number] = undefined;
        chunk.reject(new Error("could not load " + data.chunks[number]));
      };
      document.head.appendChild(script);
    }
    return chunks[number].promise;
  }

  function citationsOf(indices) {
    var numbers = Array.from(new Set(indices.map(function (i) {
      return Math.floor(i / data.chunkSize);
    })));
    return Promise.all(numbers.map(loadChunk)).then(function () {
      return indices.map(function (i) {
        return chunks[Math.floor(i / data.chunkSize)].data[i % data.chunkSize];
      });
    });
  }

  function joinTexts(format, texts) {
    if (format.join !== "json") { return texts.join(format.join); }
    if (texts.length === 0) { return "[]\n"; }
    // Each text is a one-item array "[\n  {...}\n]\n": keep the items.
    return "[\n" + texts.map(function (t) { return t.slice(2, -3); }).join(",\n") + "\n]\n";
  }

  function saveFile(text, filename, type) {
    var url = URL.createObjectURL(new Blob([text], {type: type + ";charset=utf-8"}));
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function copyText(area, label, say) {
    function selectInstead() {
      area.focus();
      area.select();
      say("Selected the " + label + ": press Ctrl+C (⌘C on a Mac) to copy it.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(function () {
        say("Copied the " + label + " to the clipboard.");
      }, selectInstead);
    } else {
      selectInstead();
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function hiddenText(text) { return element("span", "visually-hidden", text); }

  function citePanel(key, texts) {
    var panel = element("div", "cite-panel");
    panel.id = key + "~cite";
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "Citation of " + key);
    var say = element("p", "cite-status");
    say.setAttribute("role", "status");
    data.formats.forEach(function (format, n) {
      var block = element("div", "cite-format");
      var heading = element("h4", null, format.label);
      heading.id = key + "~" + format.id;
      var area = element("textarea");
      area.readOnly = true;
      area.spellcheck = false;
      area.wrap = "off";
      area.rows = Math.min(12, texts[n].split("\n").length);
      area.value = texts[n];
      area.dataset.format = format.id;
      area.setAttribute("aria-labelledby", heading.id);
      var copy = element("button", "copy", "Copy");
      copy.type = "button";
      copy.appendChild(hiddenText(" " + format.label));
      copy.addEventListener("click", function () {
        copyText(area, format.label, function (message) { say.textContent = message; });
      });
      var save = element("button", "save", "Download");
      save.type = "button";
      save.appendChild(hiddenText(" " + format.label));
      save.addEventListener("click", function () {
        saveFile(texts[n], key + format.suffix, format.type);
        say.textContent = "Downloaded " + key + format.suffix + ".";
      });
      var actions = element("div", "cite-actions");
      actions.append(copy, " ", save);
      block.append(heading, area, actions);
      panel.appendChild(block);
    });
    panel.appendChild(say);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        var button = panel.parentNode.querySelector("button.cite");
        toggleCite(button, false);
        button.focus();
      }
    });
    return panel;
  }

  function toggleCite(button, open) {
    var li = button.closest("li.paper");
    var key = li.id;
    var panel = document.getElementById(key + "~cite");
    if (panel) {
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      return;
    }
    if (!open) { return; }
    button.setAttribute("aria-busy", "true");
    citationsOf([indexOfKey[key]]).then(function (found) {
      button.removeAttribute("aria-busy");
      var made = citePanel(key, found[0]);
      button.setAttribute("aria-controls", made.id);
      li.appendChild(made);
      button.setAttribute("aria-expanded", "true");
    }, function (error) {
      button.removeAttribute("aria-busy");
      setText(statusLine, "Citations could not be loaded: " + error.message);
    });
  }

  function downloadShown(format) {
    var indices = [];
    for (var i = 0; i < count; i++) { if (visible[i]) { indices.push(i); } }
    citationsOf(indices).then(function (found) {
      var texts = found.filter(function (t) { return t; }).map(function (t) {
        return t[data.formats.indexOf(format)];
      });
      saveFile(joinTexts(format, texts), format.file, format.type);
      var left = found.length - texts.length;
      setText(statusLine, "Downloaded " + texts.length + " papers as " + format.file +
              (left ? " (" + left + " without a citation left out)" : "") + ".");
    }, function (error) {
      setText(statusLine, "Citations could not be loaded: " + error.message);
    });
  }

  // --- wiring --------------------------------------------------------------
  function onChange() { update(readControls(), true); }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(onChange, 0); });
  // Before a link is followed (its default action comes after this), when
  // the window loses focus and when the page is left or put away, the URL
  // must already hold the state.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a[href]")) { writePendingUrl(); }
  }, true);
  window.addEventListener("blur", writePendingUrl);
  window.addEventListener("pagehide", writePendingUrl);
  document.addEventListener("visibilitychange", writePendingUrl);
  // Back or Forward within the page (to or from a year's anchor) brings the
  // URL of that entry: show its state.
  window.addEventListener("popstate", function () {
    var state = stateFromSearch(recalledSearch(true));
    showState(state);
    update(state, false);
  });
  noResults.querySelector("button").addEventListener("click", function () {
    form.reset();
    searchBox.focus();
  });
  document.querySelector("div.papers").addEventListener("click", function (event) {
    var button = event.target.closest("button.cite");
    if (button) { toggleCite(button, button.getAttribute("aria-expanded") !== "true"); }
  });
  downloadAll.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-format]");
    if (!button) { return; }
    downloadShown(data.formats.filter(function (f) {
      return f.id === button.dataset.format;
    })[0]);
  });

  var recalled = recalledSearch(cameBackByReloadOrHistory());
  entryId();   // the entry's id now: the first history.replaceState costs some milliseconds
  var initial = stateFromSearch(recalled);
  showState(initial);
  update(initial, false);
  writeUrl(recalled);   // after a reload a moment after a key: the URL catches up
  var filtered = initial.year.size || initial.venue.size || initial.category.size ||
    initial.code;
  if (!filtered && window.matchMedia("(max-width: 48em)").matches) {
    form.querySelector("details.filters").open = false;   // room for the list on a phone
  }
  form.hidden = false;
  statusLine.hidden = false;
  downloadAll.hidden = false;
  document.querySelectorAll("button.cite").forEach(function (b) { b.hidden = false; });
  document.documentElement.classList.add("js");
  // For tests and the benchmark: the functions the page uses, whether the URL
  // is still to be written, and a mark.
  window.sslBib = {fold: fold, searchTerms: searchTerms,
                   updateMs: function () { return updateMs; },
                   pending: function () { return urlSearch !== null; },
                   citations: function (keys) {
                     return citationsOf(keys.map(function (key) { return indexOfKey[key]; }));
                   },
                   shown: function () { return papers.filter(function (p, n) {
                     return visible[n]; }).map(function (p) { return p[0]; }); }};
  performance.mark("ssl-bib-ready");
})();
