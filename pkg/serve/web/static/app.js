// Movie Genie page: talks to the JSON API only. When a call fails the page
// says so (the #error banner); it never shows made-up movies instead.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { user: null, picked: [], newPage: 1, historyPage: 1, movie: null, newRecsSeq: 0 };

// api calls the JSON API and throws an Error whose message is the API's
// own (or says that the server could not be reached).
async function api(path, opts) {
  let resp;
  try {
    resp = await fetch(path, opts);
  } catch (e) {
    throw new Error("the server could not be reached (" + e.message + ")");
  }
  let body = null;
  try {
    body = await resp.json();
  } catch (e) {
    throw new Error("the server answered " + resp.status + " without JSON");
  }
  if (!resp.ok) {
    const msg = body && body.error ? body.error.message : "status " + resp.status;
    const err = new Error(msg);
    err.status = resp.status;
    throw err;
  }
  return body;
}

function post(path, data) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
}

function showError(what, err) {
  const el = $("#error");
  el.textContent = "Sorry — " + what + " failed: " + err.message + ".";
  el.hidden = false;
}

function clearError() {
  $("#error").hidden = true;
}

// guard runs an async action and reports its failure in the banner.
async function guard(what, f) {
  try {
    return await f();
  } catch (err) {
    showError(what, err);
    return undefined;
  }
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (k === "text") e.textContent = v;
    else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function year(m) {
  return m.year ? " (" + m.year + ")" : "";
}

// card is one movie in a row: a button that opens the movie.
function card(m, extra) {
  const b = el("button", { type: "button", class: "card", "data-movie-id": String(m.movie_id) },
    el("span", { class: "poster", text: initials(m.title) }),
    el("span", { class: "title", text: cleanTitle(m.title) }),
    el("span", { class: "meta", text: [m.year || "", (m.genres || []).slice(0, 2).join(" · ")].filter(Boolean).join(" · ") }),
    extra ? el("span", { class: "why", text: extra }) : null);
  b.addEventListener("click", () => openMovie(m.movie_id));
  return el("li", {}, b);
}

function cleanTitle(t) {
  return t.replace(/\s*\(\d{4}\)\s*$/, "");
}

function initials(t) {
  const words = cleanTitle(t).replace(/^(The|A|An) /, "").replace(/[^\p{L}\p{N}\s]/gu, " ").split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((w) => w[0]).join("").toUpperCase();
}

function fill(list, items, makeCard, empty) {
  list.replaceChildren(...items.map(makeCard));
  if (items.length === 0) list.append(el("li", { class: "empty", text: empty || "Nothing here yet." }));
}

// ---------------------------------------------------------------- views

function show(view) {
  for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== "view-" + view;
}

async function route() {
  clearError();
  const hash = location.hash || "#/";
  const [path, query] = hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "search") {
    show("search");
    await runSearch(params.get("q") || "");
  } else if (parts[0] === "user" && parts[1]) {
    show("user");
    await loadUser(parts[1]);
  } else if (parts[0] === "new") {
    show("new");
    await loadNew();
  } else if (parts[0] === "models") {
    show("models");
    await loadModels();
  } else {
    show("home");
    await guard("loading popular movies", async () => {
      const r = await api("/api/movies?sort=popular&page_size=20");
      fill($("#row-home-popular"), r.items, (m) => card(m));
    });
  }
  $("#main").focus({ preventScroll: true });
}

async function runSearch(q) {
  $("#search-input").value = q;
  $("#search-title").textContent = "Results for “" + q + "”";
  const list = $("#search-results");
  list.replaceChildren();
  if (!q.trim()) return;
  let url = "/api/search?k=20&q=" + encodeURIComponent(q);
  if (state.user) url += "&user_id=" + state.user;
  await guard("the search", async () => {
    const r = await api(url);
    let note = r.mode === "like" && r.like ? "Movies like " + r.like.title : "";
    if (r.genres && r.genres.length) note += (note ? "; " : "") + "genres: " + r.genres.join(", ");
    if (r.era) note += (note ? "; " : "") + "years " + r.era.From + "–" + r.era.To;
    if (state.user) note += (note ? "; " : "") + "blended with user " + state.user + "'s taste";
    $("#search-note").textContent = note;
    fill(list, r.results, (m) => {
      const li = card(m);
      li.querySelector(".card").classList.add("wide");
      return li;
    }, "No movie matches “" + q + "”.");
  });
}

async function loadUser(id) {
  $("#user-title").textContent = "User " + id;
  const u = await guard("loading user " + id, () => api("/api/users/" + encodeURIComponent(id)));
  if (!u) {
    for (const r of ["bert4rec", "twotower", "because", "popular", "history"]) $("#row-" + r).replaceChildren();
    return;
  }
  state.user = u.user_id;
  localStorage.setItem("user", String(u.user_id));
  $("#user-input").value = u.user_id;
  showFacts(u);
  state.historyPage = 1;
  await refreshRows();
}

function showFacts(u) {
  const demo = [u.age ? u.age + " years" : "", u.gender || "", u.occupation || ""].filter(Boolean).join(", ");
  $("#user-facts").textContent = (demo ? demo + " · " : "") + u.n_ratings + " ratings" +
    (u.n_app_ratings ? " (" + u.n_app_ratings + " in the app)" : "") +
    (u.favourite_genres.length ? " · favourite genres: " + u.favourite_genres.join(", ") : "");
  state.favourites = u.favourite_genres;
}

// refreshRows reloads every carousel of the current user (after a rating
// too, so a rated movie leaves them at once).
async function refreshRows() {
  const id = state.user;
  const why = (it) => (it.reason ? it.reason.text : "");
  const rows = [
    guard("“Up next for you”", async () => {
      const r = await api("/api/users/" + id + "/recommendations?model=bert4rec&k=12");
      fill($("#row-bert4rec"), r.items, (it) => card(it.movie, why(it)));
    }),
    guard("“Picked for your taste”", async () => {
      const r = await api("/api/users/" + id + "/recommendations?model=twotower&k=12");
      fill($("#row-twotower"), r.items, (it) => card(it.movie, why(it)));
    }),
    guard("“Because you watched”", async () => {
      const r = await api("/api/users/" + id + "/because?k=12");
      $("#because-title").textContent = r.movie ? "Because you watched " + cleanTitle(r.movie.title) : "Because you watched…";
      fill($("#row-because"), r.items, (it) => card(it.movie), "Rate a movie 4★ or more to fill this row.");
    }),
    guard("“Popular in your favourite genres”", async () => {
      const fav = state.favourites || [];
      const g = fav.length ? "&genre=" + encodeURIComponent(fav.join(",")) : "";
      $("#popular-title").textContent = fav.length ? "Popular in " + fav.join(", ") : "Popular with everyone";
      const r = await api("/api/users/" + id + "/recommendations?model=popularity&k=12" + g);
      fill($("#row-popular"), r.items, (it) => card(it.movie));
    }),
    loadHistory(false),
  ];
  await Promise.all(rows);
}

async function loadHistory(more) {
  const id = state.user;
  if (!more) state.historyPage = 1;
  await guard("“Your history”", async () => {
    const r = await api("/api/users/" + id + "/history?page_size=20&page=" + state.historyPage);
    const list = $("#row-history");
    const cards = r.items.map((h) => card(h.movie, "rated " + h.rating + "★" + (h.source === "app" ? " in the app" : "") + " · " + h.rated_at.slice(0, 10)));
    if (more) list.append(...cards);
    else fill(list, r.items, () => cards.shift(), "No ratings yet.");
    $("#history-more").hidden = r.page * r.page_size >= r.total;
  });
}

// ---------------------------------------------------------------- movie

async function openMovie(id) {
  const dlg = $("#movie-dialog");
  const m = await guard("loading movie " + id, () => api("/api/movies/" + id));
  if (!m) return;
  state.movie = m;
  $("#movie-title").textContent = m.title;
  const mean = m.mean_rating != null ? m.mean_rating.toFixed(2) + "★ from " + m.n_ratings + " ratings" : "no ratings yet";
  $("#movie-facts").textContent = [m.genres.join(", "), m.release_date ? "released " + m.release_date : "", mean].filter(Boolean).join(" · ");
  $("#movie-rate").hidden = !state.user;
  $("#movie-norate").hidden = !!state.user;
  $("#rate-status").textContent = "";
  for (const sig of ["cooccurrence", "twotower", "text"]) {
    const list = $("#similar-" + sig);
    const items = m.similar[sig] || [];
    list.replaceChildren(...items.slice(0, 6).map((n) => {
      const b = el("button", { type: "button", class: "link", "data-movie-id": String(n.movie.movie_id), text: n.movie.title });
      b.addEventListener("click", () => openMovie(n.movie.movie_id));
      return el("li", {}, b);
    }));
    if (!items.length) list.append(el("li", { class: "empty", text: "none" }));
  }
  if (!dlg.open) dlg.showModal();
}

async function rate(stars) {
  const m = state.movie;
  if (!m || !state.user) return;
  $("#rate-status").textContent = "Saving…";
  const ok = await guard("saving your rating", () => post("/api/users/" + state.user + "/ratings", { movie_id: m.movie_id, rating: stars }));
  if (!ok) {
    $("#rate-status").textContent = "Not saved.";
    return;
  }
  $("#rate-status").textContent = "Saved: " + stars + "★. Your rows are updated.";
  if (!$("#view-user").hidden) {
    const u = await guard("reloading user", () => api("/api/users/" + state.user));
    if (u) showFacts(u);
    await refreshRows();
  }
}

// ---------------------------------------------------------------- new user

async function loadNew() {
  state.newPage = 1;
  $("#new-grid").replaceChildren();
  await moreNew();
  await newRecs();
}

async function moreNew() {
  await guard("loading movies to pick from", async () => {
    const r = await api("/api/movies?sort=popular&page_size=24&page=" + state.newPage);
    state.newPage++;
    $("#new-grid").append(...r.items.map((m) => {
      const b = el("button", { type: "button", class: "pick", "data-movie-id": String(m.movie_id), "aria-pressed": "false" },
        el("span", { class: "title", text: cleanTitle(m.title) }), el("span", { class: "meta", text: String(m.year || "") }));
      b.setAttribute("aria-pressed", state.picked.includes(m.movie_id) ? "true" : "false");
      b.addEventListener("click", () => togglePick(m.movie_id, b));
      return el("li", {}, b);
    }));
  });
}

async function togglePick(id, b) {
  const i = state.picked.indexOf(id);
  if (i >= 0) state.picked.splice(i, 1);
  else state.picked.push(id);
  b.setAttribute("aria-pressed", i >= 0 ? "false" : "true");
  $("#picked-count").textContent = state.picked.length + " picked";
  $("#new-save").disabled = state.picked.length === 0;
  await newRecs();
}

async function newRecs() {
  const list = $("#new-recs");
  if (state.picked.length === 0) {
    fill(list, [], null, "Pick a movie above to get recommendations.");
    $("#new-model").textContent = "";
    return;
  }
  // Picks come faster than answers: only the answer to the latest picks
  // is shown, so a late answer for fewer picks never replaces it (it could
  // recommend a movie picked since).
  const seq = ++state.newRecsSeq;
  const picks = state.picked.slice();
  await guard("getting recommendations", async () => {
    const r = await post("/api/recommendations", { history: picks, model: "bert4rec", k: 12 });
    if (seq !== state.newRecsSeq) return;
    $("#new-model").textContent = r.model === "bert4rec" ? "BERT4Rec, from your picks" : r.model;
    fill(list, r.items, (it) => card(it.movie, it.reason ? it.reason.text : ""));
    list.dataset.picks = picks.join(",");
  });
}

async function saveNew() {
  const u = await guard("creating your user", () => post("/api/users", {}));
  if (!u) return;
  for (const id of state.picked) {
    if (!(await guard("saving a pick", () => post("/api/users/" + u.user_id + "/ratings", { movie_id: id, rating: 5 })))) return;
  }
  state.picked = [];
  $("#new-saved").textContent = "You are user " + u.user_id + ".";
  location.hash = "#/user/" + u.user_id;
}

// ---------------------------------------------------------------- models

function table(t, header, rows) {
  t.replaceChildren(el("thead", {}, el("tr", {}, ...header.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", { text: String(c) }))))));
}

async function loadModels() {
  await guard("loading the model metrics", async () => {
    const r = await api("/api/models");
    table($("#models-table"), r.table.header, r.table.rows);
    table($("#curves-table"), ["stage", "epochs", "best epoch", "best val", "train loss first → last", "s/epoch"],
      r.summary.map((c) => [c.stage, c.epochs, c.best_epoch, c.metric + " " + c.best_value.toFixed(4),
        c.first_train_loss.toFixed(4) + " → " + c.last_train_loss.toFixed(4), c.mean_epoch_seconds.toFixed(1)]));
    table($("#served-table"), ["model", "file", "trained", "params"],
      r.served.map((m) => [m.kind, m.file, m.trained_at || "(not in the database's record)", (m.params_hash || "").slice(0, 12)]));
    const charts = $("#charts");
    charts.replaceChildren(...r.charts.map((src) => el("figure", {}, el("img", { src, alt: "chart " + src.split("/").pop(), loading: "lazy" }),
      el("figcaption", { text: src.split("/").pop() }))));
    if (!r.charts.length) charts.append(el("p", { class: "note", text: "No charts yet: run make plots." }));
  });
}

// ---------------------------------------------------------------- wiring

window.addEventListener("hashchange", route);
document.addEventListener("DOMContentLoaded", () => {
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("#search-input").value.trim();
    if (q) location.hash = "#/search?q=" + encodeURIComponent(q);
  });
  $("#user-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const v = $("#user-input").value.trim();
    if (v) location.hash = "#/user/" + encodeURIComponent(v);
  });
  for (const b of document.querySelectorAll("#movie-rate button[data-stars]")) {
    b.addEventListener("click", () => rate(Number(b.dataset.stars)));
  }
  $("#history-more").addEventListener("click", () => { state.historyPage++; loadHistory(true); });
  $("#new-more").addEventListener("click", moreNew);
  $("#new-save").addEventListener("click", saveNew);
  const saved = localStorage.getItem("user");
  if (saved && /^\d+$/.test(saved)) {
    state.user = Number(saved);
    $("#user-input").value = saved;
  }
  route();
});
