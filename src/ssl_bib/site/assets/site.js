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

  var indexOfKey = Object.create(null);
  for (var i = 0; i < count; i++) { indexOfKey[papers[i][0]] = i; }
  // Where each paper is listed, in page order: its own element and pointers
  // to it in the other years it is listed under (the "slots"), and the year
  // section of each slot.
  var papersElement = document.querySelector("div.papers");
  var sections = Array.prototype.map.call(papersElement.querySelectorAll("section.year"),
    function (element) { return {element: element, empty: false}; });
  var slots = [], slotPaper = [], slotSection = [];
  sections.forEach(function (section, number) {
    section.element.querySelectorAll("li.paper, li.also").forEach(function (li) {
      var i = li.classList.contains("also") ? indexOfKey[li.dataset.of] : indexOfKey[li.id];
      if (i === undefined) { return; }
      slots.push(li);
      slotPaper.push(i);
      slotSection.push(number);
    });
  });
  slotPaper = Int32Array.from(slotPaper);
  slotSection = Int32Array.from(slotSection);

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
  // one (typing on) only re-checks the papers that matched it. The facets of
  // each paper are flat typed arrays (a paper's years are yearList[yearStart[i]
  // .. yearStart[i + 1]]), so counting 10,000 papers is one tight loop.
  var venueOf = new Int32Array(count);
  var codeOf = new Uint8Array(count);
  var yearStart = new Int32Array(count + 1);
  var catStart = new Int32Array(count + 1);
  var yearList = [], catList = [];
  papers.forEach(function (p, i) {
    p[2].forEach(function (year) { yearList.push(yearIndex[year]); });
    p[4].forEach(function (category) { catList.push(category); });
    yearStart[i + 1] = yearList.length;
    catStart[i + 1] = catList.length;
    venueOf[i] = p[3];
    codeOf[i] = p[5];
  });
  yearList = Int32Array.from(yearList);
  catList = Int32Array.from(catList);

  var lastTerms = [];
  var matching = papers.map(function (p, i) { return i; });

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

  function flags(set, size) {
    var on = new Uint8Array(size);
    set.forEach(function (n) { on[n] = 1; });
    return on;
  }

  // The papers to show (a 0/1 per paper) and each facet value's count: the
  // papers every other filter lets through, so the count says what ticking
  // that value would add.
  function select(state) {
    var found = searchMatches(searchTerms(state.q));
    var yearOn = flags(state.year, data.years.length), anyYear = state.year.size === 0;
    var venueOn = flags(state.venue, data.venues.length), anyVenue = state.venue.size === 0;
    var catOn = flags(state.category, data.categories.length);
    var anyCat = state.category.size === 0, codeOnly = state.code;
    var counts = {year: new Int32Array(data.years.length),
                  venue: new Int32Array(data.venues.length),
                  category: new Int32Array(data.categories.length), code: 0};
    var shown = new Uint8Array(count), total = 0, i, j, n;
    for (n = 0; n < found.length; n++) {
      i = found[n];
      var y = anyYear, v = anyVenue || (venueOf[i] >= 0 && venueOn[venueOf[i]] === 1);
      var c = anyCat, k = !codeOnly || codeOf[i] === 1;
      for (j = yearStart[i]; j < yearStart[i + 1] && !y; j++) { y = yearOn[yearList[j]] === 1; }
      for (j = catStart[i]; j < catStart[i + 1] && !c; j++) { c = catOn[catList[j]] === 1; }
      if (v && c && k) {
        for (j = yearStart[i]; j < yearStart[i + 1]; j++) { counts.year[yearList[j]]++; }
      }
      if (y && c && k && venueOf[i] >= 0) { counts.venue[venueOf[i]]++; }
      if (y && v && k) {
        for (j = catStart[i]; j < catStart[i + 1]; j++) { counts.category[catList[j]]++; }
      }
      if (y && v && c) {
        if (codeOf[i] === 1) { counts.code++; }
        if (k) { shown[i] = 1; total++; }
      }
    }
    return {shown: shown, total: total, counts: counts};
  }

  // --- showing a selection -------------------------------------------------
  // A slot left out carries the class "off" (site.css). A change writes only
  // the slots whose state changes, in page order, and the first screenful at
  // once: when the reader is at the top of the list, the slots up to the
  // screenful-th one shown are written before the key's frame, the rest (out
  // of sight below) in slices of a few milliseconds right after it. So a
  // keystroke that takes 5,000 papers out waits for the handful on screen,
  // not for the 5,000. The counts and the status line are always whole.
  var visible = new Uint8Array(count).fill(1);  // the selection: 1 = shown
  var slotOff = new Uint8Array(slots.length);   // what each slot shows now
  var drawnTo = slots.length;                   // slots before this one are right
  var drawTimer = 0;
  var SLICE_MS = 4;

  // Whether the reader is at the top of the list (not more than half a
  // window below its start), kept by an observer of the year links just
  // above it: the browser tells, no layout is read when a key comes.
  var atTop = true;
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      var last = entries[entries.length - 1];
      atTop = last.isIntersecting || last.boundingClientRect.top > 0;
    }, {rootMargin: "50% 0px 0px 0px"}).observe(document.querySelector("nav.year-nav"));
  }

  function screenful() {
    // More shown slots than a window holds: none is under 32 px high (a
    // pointer, the lowest, is about 40), and some to spare.
    return Math.ceil(innerHeight / 32) + 10;
  }

  function showSelection(shown) {
    visible.set(shown);
    var inSection = new Int32Array(sections.length), n;
    for (n = 0; n < slots.length; n++) {
      if (shown[slotPaper[n]]) { inSection[slotSection[n]]++; }
    }
    sections.forEach(function (section, s) {
      if (section.empty !== (inSection[s] === 0)) {
        section.empty = inSection[s] === 0;
        section.element.classList.toggle("empty", section.empty);
      }
    });
    drawnTo = 0;
    drawSlots(atTop ? screenful() : Infinity, Infinity);
    clearTimeout(drawTimer);
    if (drawnTo < slots.length) { drawTimer = setTimeout(drawRest, 0); }
  }

  // Writes slots from drawnTo on, until `shownLeft` shown slots are passed or
  // `ms` milliseconds are spent.
  function drawSlots(shownLeft, ms) {
    var until = performance.now() + ms, total = slots.length;
    while (drawnTo < total && shownLeft > 0) {
      var end = Math.min(total, drawnTo + 256);
      for (; drawnTo < end && shownLeft > 0; drawnTo++) {
        var off = visible[slotPaper[drawnTo]] ^ 1;
        if (slotOff[drawnTo] !== off) {
          slotOff[drawnTo] = off;
          slots[drawnTo].classList.toggle("off", off === 1);
        }
        if (!off) { shownLeft--; }
      }
      if (performance.now() > until) { return; }
    }
  }

  function drawRest() {
    drawSlots(Infinity, SLICE_MS);
    if (drawnTo < slots.length) { drawTimer = setTimeout(drawRest, 0); }
  }

  function update(state, writeState) {
    var selection = select(state);
    showSelection(selection.shown);
    var shown = selection.total, counts = selection.counts;
    ["year", "venue", "category"].forEach(function (name) {
      counts[name].forEach(function (number, m) {
        setText(facetCounts[name][m], "(" + number + ")");
        facetInputs[name][m].parentNode.classList.toggle("empty", number === 0);
      });
    });
    setText(codeCount, "(" + counts.code + ")");
    setText(statusLine, shown === count ? count + (count === 1 ? " paper" : " papers")
                                        : "Showing " + shown + " of " + count + " papers");
    setText(downloadCount, String(shown));
    downloadAll.querySelectorAll("button").forEach(function (b) { b.disabled = shown === 0; });
    noResults.hidden = shown !== 0;
    if (writeState) { writeUrlSoon(state); }
    document.documentElement.dataset.shown = String(shown);
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
  // The entry's id and its state kept now: the first history.replaceState and
  // the first write to the session storage each cost a few milliseconds.
  rememberSearch(recalled);
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
  // is still to be written and the list all drawn, and a mark.
  window.sslBib = {fold: fold, searchTerms: searchTerms,
                   pending: function () { return urlSearch !== null; },
                   drawn: function () { return drawnTo >= slots.length; },
                   citations: function (keys) {
                     return citationsOf(keys.map(function (key) { return indexOfKey[key]; }));
                   },
                   shown: function () { return papers.filter(function (p, n) {
                     return visible[n]; }).map(function (p) { return p[0]; }); }};
  performance.mark("ssl-bib-ready");
})();
