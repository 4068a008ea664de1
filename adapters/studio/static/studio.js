// Jamroom studio: one page, one WebSocket. Plain JS, no build step, nothing from the internet.
// Everything from the server is put into the page with textContent, never as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };
  const UPLOAD_LIMIT = 10 * 1024 * 1024;
  const FINISHED = new Set(["done", "failed", "cancelled", "answered", "refused", "declined"]);
  const MAX_TEXT = 4000; // the parser's limit for a whole command (bot/catalog/parse.py)
  const BURST_MS = 1500; // clicks on one button closer than this are one press

  const state = {
    ws: null,
    me: null,
    name: sessionStorage.getItem("jamroom.name") || "",
    thread: threadFromHash(),
    threads: [],
    community: [],           // other platforms' threads (moderators only), read-only
    readonly: null,          // the watched thread when the open one is read-only
    catalog: { commands: [], follow_ups: {} },
    byJob: new Map(),        // job id -> its status elements (an approved request's line follows the job too)
    byRequest: new Map(),    // consent request id -> the asker's status element
    used: new Set(),         // command texts already run in this thread (their buttons show a used mark)
    stick: true,             // the member is at the newest message: growing content keeps it in view
    autoTop: 0,              // where the page last scrolled itself to
    shown: new Set(),        // message ids already drawn
    pending: new Map(),      // client event id -> text, until the server answers
    sent: new Map(),         // client event id -> text as typed (put back in the box if it is refused)
    resend: false,           // after a reconnect, pending commands go again (same ids: one job each)
    upload: null,            // {upload, name, size}
    backoff: 500,
    completion: { items: [], index: -1 },
  };

  // ---- small helpers -------------------------------------------------------------------------

  function threadFromHash() {
    const m = /thread=([a-z0-9-]+)/.exec(location.hash);
    return m ? m[1] : "";
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function hue(text) {
    let h = 0;
    for (const ch of text || "?") h = (h * 31 + ch.codePointAt(0)) % 360;
    return h;
  }

  function avatar(member) {
    const words = ((member && member.name) || "?").trim().split(/\s+/);
    const initials = words.slice(0, 2).map((w) => Array.from(w)[0]).join("").toUpperCase();
    const node = el("div", "avatar", initials);
    node.style.background = `hsl(${hue(member && member.id)}, 65%, 68%)`;
    return node;
  }

  function clock(ts) {
    const d = new Date((ts || Date.now() / 1000) * 1000);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function kib(size) {
    return size >= 1024 * 1024 ? `${(size / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(size / 1024))} KiB`;
  }

  // The notice stays until it is dismissed or the next command goes out: a refusal must be readable.
  function notice(text) {
    $("notice-text").textContent = text || "";
    $("notice").hidden = !text;
  }

  function atBottom() {
    const box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function scrollDown(force) {
    const box = $("messages");
    if (force || atBottom()) {
      box.scrollTop = box.scrollHeight;
      state.stick = true;
      state.autoTop = box.scrollTop;
    }
  }

  // Words a screen reader says for a text that may hold emoji; emoji alone never carries the meaning.
  function hasWords(text) {
    return /[\p{L}\p{N}]/u.test(text || "");
  }

  // ---- the socket ----------------------------------------------------------------------------

  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/studio/ws`);
    state.ws = ws;
    ws.onopen = () => {
      state.backoff = 500;
      $("conn").classList.add("live");
      $("conn").title = "Live";
      if (state.name) hello();
    };
    ws.onmessage = (event) => receive(JSON.parse(event.data));
    ws.onclose = () => {
      state.resend = true;
      $("conn").classList.remove("live");
      $("conn").title = "Reconnecting…";
      $("thread-sub").textContent = "reconnecting…";
      setTimeout(connect, state.backoff);
      state.backoff = Math.min(state.backoff * 2, 8000);
    };
  }

  function post(data) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify(data));
      return true;
    }
    return false;
  }

  function hello() {
    post({ type: "hello", name: state.name, thread: state.thread || undefined });
  }

  function receive(event) {
    switch (event.type) {
      case "batch": return event.events.forEach(receive);
      case "welcome": return welcome(event);
      case "message": return addMessage(event.message, true);
      case "status": return setStatus(event.job_id, event.state, event.text);
      case "threads": state.threads = event.threads; return drawThreads();
      case "me": state.me = event.me; return drawMe();
      case "retract": return retract(event.ids);
      case "error":
        if (!state.me) return nameError(event.text);
        if (event.event) refused(event.event);
        return notice(event.text);
      default: return undefined;
    }
  }

  function welcome(event) {
    state.me = event.me;
    state.thread = event.thread;
    state.threads = event.threads;
    state.community = event.community || [];
    state.readonly = event.readonly || null;
    history.replaceState(null, "", `#thread=${event.thread}`);
    const box = $("messages");
    box.replaceChildren();
    state.byJob.clear();
    state.byRequest.clear();
    state.shown.clear();
    state.used.clear();
    for (const message of event.messages) addMessage(message, false);
    for (const [id, text] of state.pending) box.appendChild(echo(id, text)); // still on their way
    if (!event.messages.length && !state.pending.size) box.appendChild(emptyState());
    drawThreads();
    drawMe();
    drawComposer();
    scrollDown(true);
    const dialog = $("name-dialog");
    if (dialog.open) dialog.close();
    // Commands sent while the socket was down go again with the same id: the server makes one job of them.
    if (state.resend) for (const [id, text] of state.pending) post({ type: "send", id, text });
    state.resend = false;
    $("command").focus();
  }

  function emptyState() {
    const box = el("div", "empty");
    box.id = "empty";
    box.appendChild(el("h2", "", "Make something in ten seconds"));
    const p = el("p", "");
    p.append("Type ", el("code", "", "/sketch neon koi"), " or ", el("code", "", "/melody wistful rainy lofi"),
      " and press Enter. Open another tab with another name to jam together — press a result's buttons to build on it.");
    box.appendChild(p);
    return box;
  }

  // ---- drawing messages ----------------------------------------------------------------------

  function addMessage(message, live) {
    const local = message.client_id ? echoOf(message.client_id) : null;
    if (message.client_id) state.pending.delete(message.client_id);
    if (message.thread !== state.thread || state.shown.has(message.id)) {
      if (local) local.remove();
      return;
    }
    state.shown.add(message.id);
    const empty = $("empty");
    if (empty) empty.remove();
    const stick = atBottom();
    const node = message.kind === "command" ? drawCommand(message)
      : message.kind === "result" ? drawResult(message)
        : message.kind === "notice" ? drawNotice(message) : drawError(message);
    node.dataset.id = message.id;
    if (local) local.replaceWith(node); // the echo shown at Enter becomes the real line, in place
    else $("messages").appendChild(node);
    if (message.kind === "command") {
      if (message.ok && message.text) markUsed(message.text);
      if (!message.ok && local && message.member && state.me && message.member.id === state.me.id) {
        restoreText(state.sent.get(message.client_id));
      }
    }
    if (live) scrollDown(stick || (state.me && message.member && message.member.id === state.me.id));
  }

  // ---- the echo: a command shows at once, "queued", and becomes the server's line when it answers

  function echoOf(id) {
    return document.querySelector(`.msg[data-client="${CSS.escape(id)}"]`);
  }

  function echo(id, text) {
    const row = drawCommand({ member: state.me, ts: Date.now() / 1000, text, job_id: "",
      status: { state: "queued", text: "queued…" } });
    row.dataset.client = id;
    row.classList.add("echo");
    return row;
  }

  function refused(id) {
    const local = echoOf(id);
    if (local) local.remove();
    restoreText(state.sent.get(id) || state.pending.get(id));
    state.pending.delete(id);
  }

  // A refused command comes back into an empty box, so nothing typed is lost.
  function restoreText(text) {
    const box = $("command");
    if (text && !box.value.trim()) {
      box.value = text;
      updateHint();
    }
  }

  function header(member, ts, tags) {
    const meta = el("div", "meta");
    meta.appendChild(el("span", "name", member.name));
    meta.appendChild(el("span", "time", clock(ts)));
    for (const tag of tags || []) meta.appendChild(el("span", "tag", tag));
    return meta;
  }

  function drawCommand(m) {
    const row = el("div", "msg cmdmsg");
    row.appendChild(avatar(m.member));
    const body = el("div", "body");
    body.appendChild(header(m.member, m.ts, m.private ? ["only you"] : []));
    body.appendChild(el("div", "cmd", m.text));
    const approved = /^\/approve\s+(?:to:)?(r[\w-]+)/.exec(m.text || "");
    if (approved && m.job_id) approvedBy(approved[1], m.member.name, m.job_id);
    if (m.request && m.status.state === "waiting") {
      const pill = el("div", "status waiting");
      pill.dataset.request = m.request;
      pill.dataset.owner = m.member.id;
      pill.dataset.state = "waiting";
      pill.appendChild(el("span", "st", m.status.text));
      body.appendChild(pill);
      state.byRequest.set(m.request, pill);
    } else if (m.job_id || m.job_id === "") {
      const pill = el("div", "status");
      pill.dataset.job = m.job_id;
      pill.dataset.owner = m.member.id;
      body.appendChild(pill);
      if (m.job_id) follow(m.job_id, pill);
      paintStatus(pill, m.status.state, m.status.text);
    } else {
      const answer = el("div", m.ok ? "answer" : "answer refused");
      if (!m.ok) answer.setAttribute("role", "alert");
      answer.textContent = m.ok ? m.status.text : `Refused: ${m.status.text.replace(/^⚠️\s*/, "")}`;
      body.appendChild(answer);
      const pictures = (m.attachments || []).filter((f) => (f.mime || "").startsWith("image/"));
      for (const f of pictures) body.appendChild(picture(f.url, `${f.name}: the lineage picture, who made what from what`, "lineage"));
      if (m.attachments && m.attachments.length) body.appendChild(downloads(m.attachments));
    }
    row.appendChild(body);
    return row;
  }

  function paintStatus(pill, st, text) {
    if (FINISHED.has(pill.dataset.state) && !FINISHED.has(st)) return; // a late "working…" after the result
    pill.dataset.state = st;
    pill.className = `status ${st}`;
    pill.replaceChildren();
    if (st === "running") pill.appendChild(el("span", "spin"));
    const words = st === "done" ? "✓ done" : st === "failed" ? "✕ failed" : text;
    const prefix = pill.dataset.prefix && !/approved/.test(text || "") ? `${pill.dataset.prefix} · ` : "";
    pill.appendChild(el("span", "st", prefix + words));
    const mine = state.me && pill.dataset.owner === state.me.id;
    if (st === "queued" && mine && pill.dataset.job) {
      const x = el("button", "x", "✕ cancel");
      x.type = "button";
      x.title = "❌ Cancel this job (sends /cancel job:…)";
      x.setAttribute("aria-label", "Cancel this job");
      x.addEventListener("click", () => sendText(`/cancel job:${pill.dataset.job}`));
      pill.appendChild(x);
    } else {
      pill.appendChild(el("span", "", " "));
    }
  }

  function retract(ids) {
    for (const id of ids) {
      for (const node of document.querySelectorAll(".msg[data-id]")) {
        if (node.dataset.id === id) node.remove();
      }
    }
  }

  function setStatus(jobId, st, text) {
    for (const pill of state.byJob.get(jobId) || []) paintStatus(pill, st, text);
  }

  function follow(jobId, pill) {
    if (!state.byJob.has(jobId)) state.byJob.set(jobId, []);
    state.byJob.get(jobId).push(pill);
  }

  // The owner approved in this thread: the asker's "waiting" line follows the job it became.
  function approvedBy(request, name, jobId) {
    const pill = state.byRequest.get(request);
    if (!pill || pill.dataset.job) return;
    pill.dataset.job = jobId;
    pill.dataset.prefix = `approved by ${name}`;
    follow(jobId, pill);
    paintStatus(pill, "queued", "queued");
  }

  function declined(request, text) {
    const pill = state.byRequest.get(request);
    if (!pill) return;
    pill.dataset.prefix = "";
    paintStatus(pill, "declined", text);
  }

  function downloads(files) {
    const box = el("div", "downloads");
    for (const f of files) {
      const a = el("a", "download");
      a.textContent = `⬇ ${f.name}`;
      a.href = f.url;
      a.setAttribute("download", f.name);
      a.setAttribute("aria-label", `Download ${f.name} (${kib(f.size)})`);
      a.title = `${f.mime}, ${kib(f.size)}`;
      box.appendChild(a);
    }
    return box;
  }

  function drawResult(m) {
    const row = el("div", "msg result");
    row.appendChild(el("div", "avatar bot", "J"));
    const body = el("div", "body");
    body.appendChild(header({ name: "Jamroom" }, m.ts, [`for ${m.member.name}`]));
    if (m.text) body.appendChild(el("div", "summary", m.text));
    const card = el("div", "card");
    const files = el("div", "files");
    const art = m.artifact;
    const ordered = [...art.files].sort((a, b) => (b.primary ? 1 : 0) - (a.primary ? 1 : 0));
    const sound = art.files.some((f) => f.show === "audio");
    const alt = art.alt || m.text || art.kind;
    const rest = [];
    for (const f of ordered) {
      if (f.show === "image" && sound) {
        card.classList.add("wide-card");
        files.appendChild(picture(f.url, `Piano roll of ${alt}`, "roll"));
      } else if (f.show === "image") {
        files.appendChild(picture(f.url, alt, "art"));
      } else if (f.show === "audio") {
        const audio = el("audio");
        audio.controls = true;
        audio.preload = "metadata";
        audio.src = f.url;
        audio.setAttribute("aria-label", `Listen: ${alt}`);
        files.appendChild(audio);
        files.appendChild(el("p", "description", alt));
      }
      rest.push(f);
    }
    card.appendChild(files);
    card.appendChild(downloads(rest));
    if (m.credits) card.appendChild(el("div", "credits", m.credits));
    if (m.label) card.appendChild(el("div", "label", m.label));
    if (m.buttons && m.buttons.length) card.appendChild(drawButtons(m.buttons, art.kind));
    const link = el("div", "permalink-line");
    const a = el("a", "", `${art.id} · permalink`);
    a.href = art.permalink;
    a.target = "_blank";
    a.rel = "noopener";
    link.appendChild(a);
    card.appendChild(link);
    body.appendChild(card);
    row.appendChild(body);
    return row;
  }

  // An image the member can open full size: a piano roll is drawn wide, so the card shows it whole and a
  // click shows it at its own size.
  function picture(url, alt, role) {
    const open = el("button", `picture ${role}`);
    open.type = "button";
    open.setAttribute("aria-label", `Enlarge: ${alt}`);
    const img = el("img");
    img.src = url;
    img.alt = alt;
    img.addEventListener("load", () => { if (state.stick) scrollDown(true); });
    open.appendChild(img);
    open.addEventListener("click", () => enlarge(url, alt));
    return open;
  }

  function enlarge(url, alt) {
    const dialog = $("viewer");
    const img = $("viewer-img");
    img.src = url;
    img.alt = alt;
    $("viewer-caption").textContent = alt;
    if (!dialog.open) dialog.showModal();
    $("viewer-close").focus();
  }

  function describe(kind, b) {
    const ups = (state.catalog.follow_ups || {})[kind] || [];
    const found = ups.find((f) => f.label === b.label);
    return b.description || (found && found.description) || b.text;
  }

  function drawButtons(buttons, kind) {
    const box = el("div", "buttons");
    const rows = new Map();
    for (const b of buttons) {
      if (!rows.has(b.row)) rows.set(b.row, el("div", "button-row"));
      const btn = el("button", "action");
      btn.type = "button";
      const label = el("span", "", b.label);
      if (!hasWords(b.label)) {
        label.setAttribute("aria-hidden", "true");
        btn.append(label, " ", el("span", "", b.text.split(/\s/)[0].replace("/", "").replace(/^./, (c) => c.toUpperCase())));
      } else {
        btn.appendChild(label);
      }
      const words = describe(kind, b);
      btn.dataset.name = words;
      btn.setAttribute("aria-label", words);
      btn.title = `${words} (${b.text})`;
      btn.dataset.command = b.text;
      btn.addEventListener("click", () => press(btn, b.text));
      if (state.used.has(b.text)) showUsed(btn);
      rows.get(b.row).appendChild(btn);
    }
    for (const key of [...rows.keys()].sort()) box.appendChild(rows.get(key));
    return box;
  }

  // One job per click burst: a double click, or a second click while the first is on its way, sends nothing more.
  function press(btn, text) {
    const now = Date.now();
    if (btn.dataset.pressed && now - Number(btn.dataset.pressed) < BURST_MS) return;
    btn.dataset.pressed = String(now);
    sendText(text, text, true);
    markUsed(text);
  }

  function showUsed(btn) {
    if (btn.classList.contains("used")) return;
    btn.classList.add("used");
    btn.appendChild(el("span", "used-mark", " ✓ used"));
    btn.setAttribute("aria-label", `${btn.dataset.name || btn.textContent} (used)`);
  }

  function markUsed(text) {
    state.used.add(text);
    for (const btn of document.querySelectorAll("button.action[data-command]")) {
      if (btn.dataset.command === text) showUsed(btn);
    }
  }

  // A consent request: the owner gets Approve / Decline; everyone else reads what is asked.
  function drawNotice(m) {
    const row = el("div", "msg notice-msg");
    row.appendChild(el("div", "avatar bot", "J"));
    const body = el("div", "body");
    body.appendChild(header({ name: "Jamroom" }, m.ts, ["request"]));
    body.appendChild(el("div", "notice-text", m.text));
    const mine = state.me && (m.notify || []).some((key) => key.endsWith(`:${state.me.id}`));
    if (mine && m.buttons && m.buttons.length) {
      const box = drawButtons(m.buttons, "consent");
      for (const btn of box.querySelectorAll("button")) {
        const verb = btn.dataset.command.startsWith("/approve") ? "Approve" : "Decline";
        const words = `${verb} ${m.text.replace(/^@[^:]+:\s*/, "").split(" wants")[0]}'s request ${m.request || ""}`.trim();
        btn.dataset.name = words;
        btn.setAttribute("aria-label", words);
        btn.title = words;
        btn.addEventListener("click", () => {
          for (const other of box.querySelectorAll("button")) other.disabled = true;
        });
      }
      body.appendChild(box);
    }
    row.appendChild(body);
    return row;
  }

  function drawError(m) {
    const row = el("div", "msg error");
    row.appendChild(el("div", "avatar bot", "J"));
    const body = el("div", "body");
    body.appendChild(header({ name: "Jamroom" }, m.ts, [`for ${m.member.name}`]));
    if (m.request) {
      body.appendChild(el("div", "notice-text", m.outcome || m.text)); // a decision, not a fault
      declined(m.request, m.outcome || m.text);
    } else {
      body.appendChild(el("div", "error-msg", `✕ ${m.text}`));
    }
    row.appendChild(body);
    return row;
  }

  // ---- threads and the member ----------------------------------------------------------------

  // Titles cut short can read the same: those lead with the time their thread started (and a number when
  // that is the same too), where the sidebar's ellipsis cannot hide it.
  function titles(threads) {
    const groups = new Map();
    for (const t of threads) {
      const key = short(t.title);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(t);
    }
    const names = new Map();
    for (const group of groups.values()) {
      const oldest = [...group].sort((a, b) => a.created - b.created);
      const seen = new Map();
      for (const t of oldest) {
        if (group.length === 1) { names.set(t.id, t.title); continue; }
        const when = clock(t.created);
        seen.set(when, (seen.get(when) || 0) + 1);
        const n = seen.get(when);
        names.set(t.id, `${when}${n > 1 ? ` (${n})` : ""} · ${t.title}`);
      }
    }
    return names;
  }

  function short(title) {
    return (title || "").slice(0, 28).trim();
  }

  function drawThreads() {
    const nav = $("threads");
    nav.replaceChildren();
    const names = titles(state.threads);
    const pick = $("thread-switch");
    pick.replaceChildren();
    for (const t of state.threads) {
      const b = el("button", t.id === state.thread ? "thread active" : "thread");
      b.type = "button";
      b.appendChild(el("span", "hash", "#"));
      b.append(names.get(t.id));
      b.title = `${t.title} (${t.id})`;
      if (t.id === state.thread) b.setAttribute("aria-current", "true");
      b.addEventListener("click", () => join(t.id));
      nav.appendChild(b);
      const option = el("option", "", names.get(t.id));
      option.value = t.id;
      option.selected = t.id === state.thread;
      pick.appendChild(option);
    }
    const watched = $("community");
    watched.replaceChildren();
    $("community-box").hidden = !state.community.length;
    for (const t of state.community) {
      const b = el("button", t.id === state.thread ? "thread active" : "thread");
      b.type = "button";
      b.appendChild(el("span", "plat", t.platform));
      b.append(t.title.replace(`${t.platform} · `, ""));
      b.title = `${t.title} (read-only)`;
      b.addEventListener("click", () => join(t.id));
      watched.appendChild(b);
      const option = el("option", "", `${t.platform}: ${t.title} (read-only)`);
      option.value = t.id;
      option.selected = t.id === state.thread;
      pick.appendChild(option);
    }
    const current = state.readonly || state.threads.find((t) => t.id === state.thread);
    $("thread-title").textContent = current ? (names.get(current.id) || current.title) : "new jam";
    $("thread-sub").textContent = state.readonly
      ? `${state.readonly.platform} · read-only snapshot from the ledger`
      : `#${state.thread} · share this page's address to jam in this thread`;
    document.title = `${current ? current.title : "Jamroom"} · Jamroom studio`;
  }

  function drawComposer() {
    const box = $("command");
    box.disabled = Boolean(state.readonly);
    $("send").disabled = Boolean(state.readonly);
    $("attach").disabled = Boolean(state.readonly);
    box.placeholder = state.readonly
      ? `Read-only: this thread lives on ${state.readonly.platform}`
      : "/sketch neon koi   —   type / for commands";
  }

  function drawMe() {
    if (!state.me) return;
    $("me-name").textContent = state.me.name;
    $("me-name").setAttribute("aria-label", `Your display name: ${state.me.name}. Change it`);
    $("m-name").textContent = state.me.name;
    $("m-name").setAttribute("aria-label", `Your display name: ${state.me.name}. Change it`);
    $("me-role").textContent = state.me.moderator ? "moderator" : "member";
  }

  function join(thread) {
    if (thread === state.thread) return;
    state.thread = thread;
    post({ type: "join", thread });
  }

  function askName(error) {
    const dialog = $("name-dialog");
    $("name-input").value = state.name || localStorage.getItem("jamroom.lastName") || "";
    $("name-error").textContent = error || "";
    if (!dialog.open) dialog.showModal();
    $("name-input").select();
  }

  function nameError(text) {
    askName(text);
  }

  function setName(name) {
    state.name = name.trim();
    sessionStorage.setItem("jamroom.name", state.name);
    localStorage.setItem("jamroom.lastName", state.name);
    if (state.me) post({ type: "rename", name: state.name });
    else hello();
  }

  // ---- sending -------------------------------------------------------------------------------

  function commandOf(text) {
    const head = text.trim().split(/\s+/)[0].replace(/^\//, "").toLowerCase();
    return state.catalog.commands.find((c) => c.name === head);
  }

  // The free text of a command (its prompt), without the name:value options the catalog knows.
  function promptOf(cmd, text) {
    const names = new Set(cmd.options.map((o) => o.name));
    return text.trim().replace(/^\S+\s*/, "")
      .replace(/(^|\s)([A-Za-z][\w-]*):("[^"]*"|\S*)/g, (all, lead, key) => (names.has(key.toLowerCase()) ? lead : all))
      .replace(/\s--\S+(\s+\S+)?/g, "")
      .trim();
  }

  // The same limits and words as /help and the parser, said before anything is sent.
  function tooLong(text) {
    const cmd = commandOf(text);
    const free = cmd && cmd.options.find((o) => o.type === "string" && o.required && o.max_length);
    if (free) {
      const size = promptOf(cmd, text).length;
      if (size > free.max_length) {
        return `${free.name} is too long: ${size.toLocaleString("en")} characters (limit ${free.max_length.toLocaleString("en")}, as /help ${cmd.name} says); your text is still in the box`;
      }
    }
    if (text.length > MAX_TEXT) {
      return `command is too long: ${text.length.toLocaleString("en")} characters (limit ${MAX_TEXT.toLocaleString("en")}); your text is still in the box`;
    }
    return null;
  }

  // A pressed button keeps the page still (a second click of a double click must not land on what scrolled
  // under the pointer); a typed command scrolls to its echo.
  function sendText(text, typed, still) {
    text = text.trim();
    if (!text) return false;
    if (!state.me) { askName(); return false; }
    if (!text.startsWith("/")) text = `/${text}`;
    const refusal = tooLong(text);
    if (refusal) { notice(refusal); return false; }
    notice("");
    const id = uuid();
    const data = { type: "send", id, text };
    const cmd = commandOf(text);
    if (state.upload && cmd && cmd.file) {
      data.upload = state.upload.upload;
      setUpload(null);
    }
    state.pending.set(id, text);
    state.sent.set(id, typed || text);
    const empty = $("empty");
    if (empty) empty.remove();
    $("messages").appendChild(echo(id, text)); // at once, before the server answers
    if (!still) scrollDown(true);
    if (!post(data)) notice("not connected — your command goes out when the connection is back");
    return true;
  }

  function submit() {
    const box = $("command");
    const text = box.value;
    if (!text.trim()) return;
    if (!sendText(text, text)) return; // refused here: the text stays in the box
    box.value = "";
    closeCompletion();
    updateHint();
  }

  // ---- uploads -------------------------------------------------------------------------------

  function setUpload(info) {
    state.upload = info;
    const chip = $("upload-chip");
    chip.replaceChildren();
    chip.hidden = !info;
    if (!info) return;
    chip.appendChild(el("span", "", `Attached ${info.name} (${kib(info.size)}) — goes with your next command that takes a file`));
    const x = el("button", "", "✕");
    x.type = "button";
    x.title = "Remove";
    x.setAttribute("aria-label", `Remove the attached file ${info.name}`);
    x.addEventListener("click", () => setUpload(null));
    chip.appendChild(x);
  }

  const EXTENSIONS = { mid: "audio/midi", midi: "audio/midi", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
    webp: "image/webp", gif: "image/gif", wav: "audio/wav", mp3: "audio/mpeg", ogg: "audio/ogg", flac: "audio/flac",
    txt: "text/plain", pdf: "application/pdf" };

  function fileCommands() {
    return state.catalog.commands.filter((c) => c.file)
      .map((c) => ({ cmd: c, opt: c.options.find((o) => o.name === c.file) }));
  }

  // Which command takes a file of this type, or a one-line refusal naming what the commands do take.
  function fitFor(name, mime) {
    const takers = fileCommands();
    const fits = takers.find((t) => (t.opt.mimes || []).includes(mime));
    if (fits || !takers.length) return { fits: fits && fits.cmd };
    const family = mime.startsWith("text/") ? "a text file" : mime.startsWith("image/") ? "a picture"
      : mime.startsWith("audio/") ? "a sound file" : mime.startsWith("video/") ? "a video" : `a ${mime} file`;
    const what = takers.map((t) => `/${t.cmd.name} takes ${t.opt.allowed.replace(/^an attached /, "")}`)
      .filter((v, i, all) => all.indexOf(v) === i).join("; ");
    return { refusal: `${name} is ${family}, and no command takes that: ${what}` };
  }

  function guessMime(file) {
    const ext = (/\.([A-Za-z0-9]+)$/.exec(file.name) || [])[1];
    return file.type || (ext && EXTENSIONS[ext.toLowerCase()]) || "";
  }

  async function upload(file) {
    if (!file) return;
    const guess = guessMime(file);
    if (guess && guess !== "application/octet-stream") {
      const early = fitFor(file.name, guess);
      if (early.refusal) return notice(early.refusal);
    }
    if (file.size > UPLOAD_LIMIT) {
      notice(`that file is too large: ${(file.size / 1e6).toFixed(1)} MB (the studio takes files up to 10 MB)`);
      return;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const response = await fetch("/studio/upload", { method: "POST", body: form, credentials: "same-origin" });
      const data = await response.json();
      if (!response.ok) return notice(data.error || `upload failed (${response.status})`);
      const found = fitFor(data.name, data.mime);
      if (found.refusal) return notice(found.refusal);
      setUpload(data);
      const box = $("command");
      if (!box.value.trim() && found.fits) box.value = `/${found.fits.name} `;
      box.focus();
      updateHint();
    } catch (err) {
      notice(`upload failed: ${err.message}`);
    }
  }

  // ---- completion and help (from /studio/catalog.json) ---------------------------------------

  async function loadCatalog() {
    try {
      const response = await fetch("/studio/catalog.json", { credentials: "same-origin" });
      state.catalog = await response.json();
    } catch (err) {
      notice("could not load the command list; /help still works");
      return;
    }
    drawHelp();
    updateHint();
  }

  function suggestions(text) {
    const trimmed = text.replace(/^\s+/, "");
    if (!trimmed.startsWith("/")) return [];
    const space = trimmed.indexOf(" ");
    if (space < 0) {
      const prefix = trimmed.slice(1).toLowerCase();
      return state.catalog.commands
        .filter((c) => c.name.startsWith(prefix))
        .map((c) => ({ key: `/${c.name}`, desc: c.description, insert: `/${c.name} ` }));
    }
    const cmd = commandOf(trimmed);
    if (!cmd) return [];
    const words = trimmed.slice(space + 1);
    const current = /(\S*)$/.exec(words)[1];
    const before = trimmed.slice(0, trimmed.length - current.length);
    const colon = current.indexOf(":");
    if (colon > 0) {
      const opt = cmd.options.find((o) => o.name === current.slice(0, colon).toLowerCase());
      if (!opt || !opt.choices.length) return [];
      const part = current.slice(colon + 1).toLowerCase();
      return opt.choices
        .filter((c) => c.toLowerCase().startsWith(part))
        .map((c) => ({ key: `${opt.name}:${c}`, desc: opt.description, insert: `${before}${opt.name}:${quote(c)} ` }));
    }
    const used = new Set([...words.matchAll(/([A-Za-z][\w-]*):/g)].map((x) => x[1].toLowerCase()));
    return cmd.options
      .filter((o) => !used.has(o.name) && o.name.startsWith(current.toLowerCase()) && o.type !== "file")
      .map((o) => ({ key: `${o.name}:`, desc: `${o.description} — ${o.allowed}`, insert: `${before}${o.name}:` }));
  }

  function quote(value) {
    return /\s/.test(value) ? `"${value}"` : value;
  }

  function openCompletion() {
    const items = suggestions($("command").value);
    const list = $("complete");
    state.completion = { items, index: items.length ? 0 : -1 };
    list.replaceChildren();
    if (!items.length) {
      list.hidden = true;
      return;
    }
    items.slice(0, 40).forEach((item, i) => {
      const li = el("li", i === 0 ? "sel" : "");
      li.setAttribute("role", "option");
      li.appendChild(el("span", "k", item.key));
      li.appendChild(el("span", "d", item.desc));
      li.addEventListener("mousedown", (e) => {
        e.preventDefault();
        accept(i);
      });
      list.appendChild(li);
    });
    list.hidden = false;
  }

  function closeCompletion() {
    $("complete").hidden = true;
    state.completion = { items: [], index: -1 };
  }

  function moveCompletion(step) {
    const { items } = state.completion;
    if (!items.length) return;
    const count = Math.min(items.length, 40);
    state.completion.index = (state.completion.index + step + count) % count;
    [...$("complete").children].forEach((li, i) => li.classList.toggle("sel", i === state.completion.index));
    $("complete").children[state.completion.index].scrollIntoView({ block: "nearest" });
  }

  function accept(index) {
    const item = state.completion.items[index];
    if (!item) return;
    const box = $("command");
    box.value = item.insert;
    box.focus();
    openCompletion();
    updateHint();
  }

  function updateHint() {
    const cmd = commandOf($("command").value);
    $("hint").textContent = cmd ? `${cmd.usage}  —  ${cmd.description}`
      : "Enter sends · Tab completes · /help lists every command";
  }

  function drawHelp() {
    const body = $("help-body");
    body.replaceChildren();
    let group = null;
    for (const c of state.catalog.commands) {
      if (c.group !== group) {
        group = c.group;
        body.appendChild(el("h3", "", group));
      }
      const item = el("div", "help-cmd");
      item.appendChild(el("div", "n", `/${c.name}${c.moderator ? "  (moderators)" : ""}`));
      item.appendChild(el("div", "d", c.description));
      for (const ex of c.examples) {
        const chip = el("button", "ex", ex);
        chip.type = "button";
        chip.title = "Put this in the command box";
        chip.setAttribute("aria-label", `Put the example ${ex} in the command box`);
        chip.addEventListener("click", () => {
          $("command").value = ex.includes("<") ? `/${c.name} ` : ex;
          $("command").focus();
          updateHint();
        });
        item.appendChild(chip);
      }
      body.appendChild(item);
    }
  }

  // ---- wiring --------------------------------------------------------------------------------

  function wire() {
    const box = $("command");
    box.addEventListener("input", () => { openCompletion(); updateHint(); });
    box.addEventListener("keydown", (e) => {
      const open = !$("complete").hidden && state.completion.items.length;
      if (e.key === "ArrowDown" && open) { e.preventDefault(); moveCompletion(1); }
      else if (e.key === "ArrowUp" && open) { e.preventDefault(); moveCompletion(-1); }
      else if (e.key === "Tab" && open) { e.preventDefault(); accept(state.completion.index); }
      else if (e.key === "Escape") closeCompletion();
      else if (e.key === "Enter") { e.preventDefault(); submit(); }
    });
    box.addEventListener("blur", () => setTimeout(closeCompletion, 150));
    $("send").addEventListener("click", submit);
    $("new-thread").addEventListener("click", () => post({ type: "new_thread" }));
    $("m-new").addEventListener("click", () => post({ type: "new_thread" }));
    $("me-name").addEventListener("click", () => askName());
    $("m-name").addEventListener("click", () => askName());
    $("thread-switch").addEventListener("change", (e) => join(e.target.value));
    const toggleHelp = (open) => {
      $("help").hidden = !open;
      $("help-toggle").setAttribute("aria-expanded", String(open));
      if (open) $("help-close").focus(); else $("help-toggle").focus();
    };
    $("help-toggle").addEventListener("click", () => toggleHelp($("help").hidden));
    $("help-close").addEventListener("click", () => toggleHelp(false));
    $("notice-close").addEventListener("click", () => { notice(""); $("command").focus(); });
    $("viewer-close").addEventListener("click", () => $("viewer").close());
    $("viewer").addEventListener("click", (e) => { if (e.target === $("viewer")) $("viewer").close(); });
    // Only the member scrolling up lets go of the newest message; pictures growing below it never do.
    $("messages").addEventListener("scroll", () => {
      const box = $("messages");
      if (atBottom()) state.stick = true;
      else if (box.scrollTop < state.autoTop - 4) state.stick = false;
      state.autoTop = Math.min(state.autoTop, box.scrollTop);
    }, { passive: true });
    $("attach").addEventListener("click", () => $("file").click());
    $("file").addEventListener("change", (e) => { upload(e.target.files[0]); e.target.value = ""; });
    $("name-form").addEventListener("submit", (e) => {
      const name = $("name-input").value.trim();
      if (!name) { e.preventDefault(); $("name-error").textContent = "choose a display name"; return; }
      setName(name);
    });
    $("name-dialog").addEventListener("cancel", (e) => { if (!state.name) e.preventDefault(); });
    window.addEventListener("hashchange", () => {
      const wanted = threadFromHash();
      if (wanted && wanted !== state.thread) join(wanted);
    });
    const main = $("main");
    let depth = 0;
    main.addEventListener("dragenter", (e) => { e.preventDefault(); depth += 1; $("drop").hidden = false; });
    main.addEventListener("dragover", (e) => e.preventDefault());
    main.addEventListener("dragleave", () => { depth -= 1; if (depth <= 0) { depth = 0; $("drop").hidden = true; } });
    main.addEventListener("drop", (e) => {
      e.preventDefault();
      depth = 0;
      $("drop").hidden = true;
      if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
    });
  }

  wire();
  updateHint();
  loadCatalog();
  if (!state.name) askName();
  connect();
})();
