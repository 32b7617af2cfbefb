// Vigil's dashboard: reads the admin API every 5 s with the operator's token and draws it. No data
// is in the page itself; the token lives in sessionStorage only (gone when the tab closes).
(function () {
  "use strict";

  var TOKEN_KEY = "vigil.operator-token";
  var REFRESH_MS = 5000;
  var TOP_FEATURES = 5;
  var PALETTE = ["#0b57d0", "#b3261e", "#1b6e20", "#8a5300", "#6a1b9a", "#00695c"];

  var timer = null;
  var refreshFailed = false;
  var charts = {};

  function $(id) { return document.getElementById(id); }

  // Builds an element; children are nodes or text, never HTML.
  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c !== null && c !== undefined) {
        e.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
      }
    }
    return e;
  }

  function fixed(x, digits) {
    return typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "–";
  }

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function say(text, isError) {
    var s = $("status");
    s.textContent = text;
    s.className = isError ? "status error" : "status";
  }

  // A 401 or 403 names what is missing; the API's own message says which role.
  function ApiError(status, message) { this.status = status; this.message = message; }

  function api(method, path, body) {
    var init = { method: method, headers: { "Authorization": "Bearer " + token() }, cache: "no-store" };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) {
        if (!r.ok) { throw new ApiError(r.status, json.error || r.statusText); }
        return json;
      });
    });
  }

  function explain(e) {
    if (e.status === 401) {
      return "Not signed in (401): the token was refused. " + e.message;
    }
    if (e.status === 403) {
      return "Not allowed (403): " + e.message + ". Ask for a token with that role (vigil operators add).";
    }
    return e.status ? "The gateway answered " + e.status + ": " + e.message : "The gateway cannot be reached: " + e.message;
  }

  function safetyBadge(level) {
    return el("span", { "class": "safety " + level, text: level });
  }

  function metricsText(evidence) {
    if (!evidence || !evidence.metrics) { return "–"; }
    return evidence.metrics.filter(function (m) { return !m.subgroup; }).map(function (m) {
      return m.name + " " + fixed(m.value, 3) + " (" + fixed(m.ci_low, 3) + "–" + fixed(m.ci_high, 3) + ")";
    }).join("; ");
  }

  function evidenceCell(m) {
    return el("td", {},
      el("div", { text: metricsText(m.evidence) }),
      el("div", { "class": "mono", text: "sha256 " + m.bundle_sha256.slice(0, 12) + "…" }),
      m.evidence ? el("div", { text: "PCCP " + m.evidence.pccp.id + (m.demo ? " · demonstration model" : "") }) : null);
  }

  function fill(tbody, rows) {
    tbody.replaceChildren.apply(tbody, rows);
  }

  function renderModels(data) {
    var order = { active: 0, candidate: 1, previous: 2, other: 3 };
    var models = data.models.slice().sort(function (a, b) {
      return a.model_id.localeCompare(b.model_id) || order[a.slot] - order[b.slot];
    });
    fill($("models").tBodies[0], models.map(function (m) {
      return el("tr", { "data-model": m.model_id, "data-version": m.version },
        el("th", { scope: "row", text: m.model_id }),
        el("td", { text: m.version }),
        el("td", { "class": "num", text: m.release }),
        el("td", { text: m.slot }),
        el("td", {}, safetyBadge(m.safety)),
        el("td", {}, reasonsOf(m.reasons || [])),
        evidenceCell(m));
    }));
    renderDrift(models.filter(function (m) { return m.slot === "active" && m.windows; }));
  }

  // A long list of reasons (a suspension names every drifting feature) folds behind its first.
  function reasonsOf(reasons) {
    if (reasons.length === 0) { return "–"; }
    if (reasons.length === 1) { return reasons[0]; }
    var list = el("ul");
    reasons.forEach(function (r) { list.appendChild(el("li", { text: r })); });
    return el("details", {}, el("summary", { text: reasons[0] + " (and " + (reasons.length - 1) + " more)" }), list);
  }

  // A chart is redrawn in place only while its series are the same, by name: the features of the
  // PSI chart are the latest window's top ones, and a kept chart would put new data under old names.
  function chart(id, opts, data, parent) {
    var names = opts.series.map(function (s) { return s.label || ""; }).join("\u0000");
    var kept = charts[id];
    if (kept && kept.vigilNames === names && parent.contains(kept.root)) {
      kept.setData(data);
      return;
    }
    if (kept) { kept.destroy(); }
    charts[id] = new uPlot(opts, data, parent);
    charts[id].vigilNames = names;
  }

  function width(node) {
    return Math.max(280, Math.min(560, (node.clientWidth || 600) / 2 - 40));
  }

  function lineSeries(labels) {
    return [{}].concat(labels.map(function (label, i) {
      return { label: label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true } };
    }));
  }

  function renderDrift(actives) {
    var drift = $("drift");
    if (actives.length === 0) {
      drift.replaceChildren(el("p", { text: "No monitored model is active." }));
      return;
    }
    actives.forEach(function (m) {
      var key = m.model_id + "@" + m.version;
      var box = drift.querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (!box) {
        box = el("div", { "class": "model-drift", "data-key": key },
          el("h3", { text: m.model_id + " " + m.version }),
          el("div", { "class": "charts" },
            el("figure", {}, el("div", { "class": "chart psi", "aria-hidden": "true" }),
              el("figcaption", { text: "PSI per feature per window" })),
            el("figure", {}, el("div", { "class": "chart positive", "aria-hidden": "true" }),
              el("figcaption", { text: "Positive rate per window" }))),
          el("p", { "class": "window-note" }),
          el("table", { "class": "drift-table" },
            el("caption", { text: "Latest closed window (the charts' text alternative)" }),
            el("thead", {}, el("tr", {},
              el("th", { scope: "col", text: "Feature" }), el("th", { scope: "col", "class": "num", text: "PSI" }),
              el("th", { scope: "col", "class": "num", text: "KS distance" }), el("th", { scope: "col", "class": "num", text: "Out of distribution" }),
              el("th", { scope: "col", text: "Drifts" }))),
            el("tbody")));
        drift.appendChild(box);
      }
      var windows = m.windows;
      var note = box.querySelector(".window-note");
      var table = box.querySelector(".drift-table");
      if (windows.length === 0) {
        note.textContent = "No window has closed yet: " + m.open_window_rows + " of " + m.window_rows + " rows in the open window.";
        fill(table.tBodies[0], []);
        return;
      }
      var last = windows[windows.length - 1];
      var top = last.features.slice().sort(function (a, b) { return b.psi - a.psi; }).slice(0, TOP_FEATURES);
      var x = windows.map(function (w) { return Date.parse(w.closed) / 1000; });
      var psi = top.map(function (f) {
        return windows.map(function (w) {
          var hit = w.features.filter(function (g) { return g.name === f.name; })[0];
          return hit ? hit.psi : null;
        });
      });
      chart(key + "/psi", {
        width: width(box), height: 200,
        series: lineSeries(top.map(function (f) { return f.name; })),
        axes: [{}, { label: "PSI" }]
      }, [x].concat(psi), box.querySelector(".psi"));
      chart(key + "/positive", {
        width: width(box), height: 200,
        series: lineSeries(["positive rate", "reference", "upper limit", "lower limit"]),
        axes: [{}, { label: "rate" }]
      }, [x,
        windows.map(function (w) { return w.positive_rate; }),
        windows.map(function (w) { return w.reference_positive_rate; }),
        windows.map(function (w) { return w.positive_upper; }),
        windows.map(function (w) { return w.positive_lower; })], box.querySelector(".positive"));
      note.textContent = "Window " + last.index + " closed " + last.closed + " over " + last.rows + " rows: level " + last.level +
        "; positive rate " + fixed(last.positive_rate, 3) + " against a reference of " + fixed(last.reference_positive_rate, 3) +
        " (limits " + fixed(last.positive_lower, 3) + "–" + fixed(last.positive_upper, 3) + ")" +
        (last.reasons.length ? "; " + last.reasons.length + " reasons, the first: " + last.reasons[0] : "") + ".";
      fill(table.tBodies[0], top.map(function (f) {
        return el("tr", {},
          el("th", { scope: "row", text: f.name }),
          el("td", { "class": "num", text: fixed(f.psi, 3) }),
          el("td", { "class": "num", text: fixed(f.ks_delta, 3) }),
          el("td", { "class": "num", text: fixed(f.out_of_distribution_rate * 100, 1) + " %" }),
          el("td", { text: f.drifts ? "yes" : "no" }));
      }));
    });
  }

  function ms(micros) { return fixed(micros / 1000, 2); }

  function renderTraffic(data) {
    var samples = data.samples;
    var keys = [];
    samples.forEach(function (s) {
      s.versions.forEach(function (v) {
        var k = v.model_id + "@" + v.version;
        if (keys.indexOf(k) < 0) { keys.push(k); }
      });
    });
    function column(field, scale) {
      return keys.map(function (k) {
        return samples.map(function (s) {
          var v = s.versions.filter(function (x) { return x.model_id + "@" + x.version === k; })[0];
          return v ? v[field] * scale : null;
        });
      });
    }
    var x = samples.map(function (s) { return Date.parse(s.time) / 1000; });
    var section = $("traffic-h").parentNode;
    chart("rate", { width: width(section) - 10, height: 200, series: lineSeries(keys), axes: [{}, { label: "req/s" }] },
      [x].concat(column("requests_per_second", 1)), $("rate-chart"));
    var latencyLabels = [];
    keys.forEach(function (k) { latencyLabels.push(k + " p50", k + " p99"); });
    var p50 = column("latency_p50_micros", 0.001);
    var p99 = column("latency_p99_micros", 0.001);
    var latency = [x];
    keys.forEach(function (k, i) { latency.push(p50[i], p99[i]); });
    chart("latency", { width: width(section) - 10, height: 200, series: lineSeries(latencyLabels), axes: [{}, { label: "ms" }] },
      latency, $("latency-chart"));
    var latest = samples.length ? samples[samples.length - 1].versions : [];
    fill($("traffic").tBodies[0], latest.map(function (v) {
      return el("tr", {},
        el("th", { scope: "row", text: v.model_id }),
        el("td", { text: v.version }),
        el("td", { "class": "num", text: fixed(v.requests_per_second, 1) }),
        el("td", { "class": "num", text: v.requests_total }),
        el("td", { "class": "num", text: v.errors_total }),
        el("td", { "class": "num", text: ms(v.latency_p50_micros) }),
        el("td", { "class": "num", text: ms(v.latency_p99_micros) }));
    }));
  }

  function fact(dl, term, value, cls) {
    dl.appendChild(el("dt", { text: term }));
    dl.appendChild(el("dd", cls ? { "class": cls, text: value } : { text: value }));
  }

  function renderLedger(l) {
    var dl = $("ledger");
    dl.replaceChildren();
    fact(dl, "Recording", l.recording ? "yes" : "NO: the gateway is not recording", l.recording ? "good" : "bad");
    if (l.entries !== undefined) {
      fact(dl, "Entries", String(l.entries));
      fact(dl, "Database size", (l.database_bytes / 1048576).toFixed(2) + " MiB (" + l.database + ")");
    }
    fact(dl, "Last checkpoint", l.checkpoint ? "tree size " + l.checkpoint.size + ", root " + l.checkpoint.root_hash.slice(0, 16) + "…" : "none signed yet");
    var mf = l.manufacturer;
    var reached;
    if (mf.link === "off") {
      reached = "link off: this gateway sends nothing to the manufacturer";
    } else if (mf.summary_seq === undefined) {
      reached = "no summary with a checkpoint sent yet (link " + mf.link + ")";
    } else {
      reached = (mf.latest_checkpoint_sent ? "latest checkpoint" : "an earlier checkpoint") + " in summary " + mf.summary_seq + ", " +
        (mf.acknowledged ? "acknowledged by the broker" : "not acknowledged yet") + " (link " + mf.link + ")";
    }
    fact(dl, "Reached the manufacturer", reached, mf.acknowledged && mf.latest_checkpoint_sent ? "good" : null);
  }

  function act(update, approve, reasonInput) {
    var reason = reasonInput.value.trim();
    if (!reason) {
      say("Give a reason first: the ledger and the manufacturer record it.", true);
      reasonInput.focus();
      return;
    }
    var verb = approve ? "Approve" : "Hold";
    if (!window.confirm(verb + " " + update.id + "?\nReason: " + reason)) { return; }
    api("POST", "/admin/v1/updates/" + encodeURIComponent(update.id) + (approve ? "/approve" : "/hold"), { reason: reason })
      .then(function (r) {
        say(verb + " " + update.id + " recorded, by " + (r.approved_by || r.held_by) + "; active version now " + r.active_version + ".");
        refresh();
      }, function (e) { say(explain(e), true); });
  }

  function renderUpdates(data) {
    var updates = data.updates;
    $("no-updates").hidden = updates.length > 0;
    $("updates").hidden = updates.length === 0;
    var tbody = $("updates").tBodies[0];
    // A reason being typed must survive the refresh: rows are only rebuilt when the list changes.
    var ids = updates.map(function (u) { return u.id + "/" + u.stage; }).join(",");
    if (tbody.getAttribute("data-ids") === ids) { return; }
    tbody.setAttribute("data-ids", ids);
    fill(tbody, updates.map(function (u, i) {
      var reasonId = "reason-" + i;
      var reason = el("input", { id: reasonId, type: "text", autocomplete: "off" });
      var approve = el("button", { type: "button", "class": "approve", text: "Approve" });
      var hold = el("button", { type: "button", "class": "hold", text: "Hold" });
      approve.setAttribute("aria-label", "Approve " + u.id);
      hold.setAttribute("aria-label", "Hold " + u.id);
      approve.addEventListener("click", function () { act(u, true, reason); });
      hold.addEventListener("click", function () { act(u, false, reason); });
      var shadow = u.shadow ? u.shadow.rows + " rows, agreement " + fixed(u.shadow.agreement, 3) + (u.shadow.passed === null ? "" : u.shadow.passed ? ", passed" : ", failed") : "–";
      return el("tr", { "data-update": u.id },
        el("th", { scope: "row", text: u.id }),
        el("td", { text: u.stage + " (" + u.promotion + ")" }),
        el("td", { text: u.active_version || "–" }),
        el("td", { text: shadow }),
        el("td", { text: metricsText(u.evidence) }),
        el("td", {}, el("label", { "for": reasonId, text: "Reason for " + u.id }), " ", reason, " ", approve, " ", hold));
    }));
  }

  function renderEvents(data) {
    fill($("events").tBodies[0], data.events.map(function (e) {
      // Long values (a window's reasons) are cut, each on its own, so that every key shows.
      var details = Object.keys(e.details).map(function (k) {
        var v = e.details[k];
        var text = typeof v === "object" ? JSON.stringify(v) : String(v);
        return k + "=" + (text.length > 80 ? text.slice(0, 80) + "…" : text);
      }).join(", ");
      return el("tr", { "data-type": e.type },
        el("td", { "class": "num", text: e.seq }),
        el("td", { text: e.time.replace("T", " ").replace(/\.\d+Z$/, "Z") }),
        el("th", { scope: "row", text: e.type }),
        el("td", { text: e.actor }),
        el("td", { text: details }));
    }));
  }

  function refresh() {
    var events = "/admin/v1/events?limit=20" + ($("hide-windows").checked ? "&exclude=monitoring.window" : "");
    return Promise.all([
      api("GET", "/admin/v1/models").then(renderModels),
      api("GET", "/admin/v1/traffic").then(renderTraffic),
      api("GET", "/admin/v1/ledger").then(renderLedger),
      api("GET", "/admin/v1/updates").then(renderUpdates),
      api("GET", events).then(renderEvents)
    ]).then(function () {
      $("main").hidden = false;
      $("updated").textContent = "Last refreshed " + new Date().toISOString().replace("T", " ").slice(0, 19) + " UTC.";
      if (refreshFailed) { say("Signed in."); refreshFailed = false; }
    }, function (e) {
      refreshFailed = true;
      say(explain(e), true);
      if (e.status === 401) { signOut(false); }
    });
  }

  function signedIn() {
    $("sign-in").hidden = true;
    $("signed-in").hidden = false;
    say("Signed in.");
    refresh().then(function () { $("main").setAttribute("data-loaded", "1"); });
    if (timer === null) { timer = setInterval(refresh, REFRESH_MS); }
  }

  // Nothing read with the last token stays in the page, not even hidden.
  function forget() {
    ["models", "traffic", "updates", "events"].forEach(function (id) { fill($(id).tBodies[0], []); });
    $("updates").tBodies[0].removeAttribute("data-ids");
    $("ledger").replaceChildren();
    Object.keys(charts).forEach(function (id) { charts[id].destroy(); delete charts[id]; });
    $("drift").replaceChildren();
    $("main").removeAttribute("data-loaded");
  }

  function signOut(clear) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (timer !== null) { clearInterval(timer); timer = null; }
    forget();
    $("main").hidden = true;
    $("sign-in").hidden = false;
    $("signed-in").hidden = true;
    if (clear) { say("Signed out."); }
    $("token").focus();
  }

  function start() {
    // A token in the fragment (from `vigil dashboard`) never reaches the server: keep it for this
    // tab only and take it out of the address bar and the history.
    var m = /^#token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    $("sign-in").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var t = $("token").value.trim();
      $("token").value = "";
      if (t) {
        sessionStorage.setItem(TOKEN_KEY, t);
        signedIn();
      }
    });
    $("sign-out").addEventListener("click", function () { signOut(true); });
    $("hide-windows").addEventListener("change", refresh);
    if (token()) { signedIn(); } else { $("token").focus(); }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
