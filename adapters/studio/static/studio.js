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
  const FINISHED = new Set(["done", "failed", "cancelled", "answered", "refused"]);

  const state = {
    ws: null,
    me: null,
    name: sessionStorage.getItem("jamroom.name") || "",
    thread: threadFromHash(),
    threads: [],
    community: [],           // other platforms' threads (moderators only), read-only
    readonly: null,          // the watched thread when the open one is read-only
    catalog: { commands: [], follow_ups: {} },
    byJob: new Map(),        // job id -> status element
    shown: new Set(),        // message ids already drawn
    pending: new Map(),      // client event id -> text, until the server answers
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

  function notice(text) {
    const box = $("notice");
    box.textContent = text;
    box.hidden = !text;
    clearTimeout(notice.timer);
    if (text) notice.timer = setTimeout(() => { box.hidden = true; }, 8000);
  }

  function atBottom() {
    const box = $("messages");
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function scrollDown(force) {
    const box = $("messages");
    if (force || atBottom()) box.scrollTop = box.scrollHeight;
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
        if (event.event) state.pending.delete(event.event);
        if (!state.me) return nameError(event.text);
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
    state.shown.clear();
    for (const message of event.messages) addMessage(message, false);
    if (!event.messages.length) box.appendChild(emptyState());
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
    if (message.client_id) state.pending.delete(message.client_id);
    if (message.thread !== state.thread || state.shown.has(message.id)) return;
    state.shown.add(message.id);
    const empty = $("empty");
    if (empty) empty.remove();
    const stick = atBottom();
    const node = message.kind === "command" ? drawCommand(message)
      : message.kind === "result" ? drawResult(message) : drawError(message);
    node.dataset.id = message.id;
    $("messages").appendChild(node);
    if (live) scrollDown(stick || (state.me && message.member && message.member.id === state.me.id));
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
    if (m.job_id) {
      const pill = el("div", "status");
      pill.dataset.job = m.job_id;
      pill.dataset.owner = m.member.id;
      body.appendChild(pill);
      state.byJob.set(m.job_id, pill);
      paintStatus(pill, m.status.state, m.status.text);
    } else {
      const answer = el("div", m.ok ? "answer" : "answer refused", m.status.text);
      body.appendChild(answer);
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
    pill.appendChild(el("span", "st", words));
    const mine = state.me && pill.dataset.owner === state.me.id;
    if (st === "queued" && mine) {
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
    const pill = state.byJob.get(jobId);
    if (pill) paintStatus(pill, st, text);
  }

  function downloads(files) {
    const box = el("div", "downloads");
    for (const f of files) {
      const a = el("a", "download", `⬇ ${f.name}`);
      a.href = f.url;
      a.setAttribute("download", f.name);
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
    const rest = [];
    for (const f of ordered) {
      if (f.show === "image") {
        const img = el("img");
        img.src = f.url;
        img.alt = m.text || f.name;
        img.loading = "lazy";
        img.addEventListener("load", () => scrollDown(false));
        files.appendChild(img);
      } else if (f.show === "audio") {
        const audio = el("audio");
        audio.controls = true;
        audio.preload = "metadata";
        audio.src = f.url;
        files.appendChild(audio);
      }
      rest.push(f);
    }
    card.appendChild(files);
    card.appendChild(downloads(rest));
    if (m.credits) card.appendChild(el("div", "credits", m.credits));
    if (m.label) card.appendChild(el("div", "label", m.label));
    if (m.buttons && m.buttons.length) card.appendChild(drawButtons(m.buttons));
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

  function drawButtons(buttons) {
    const box = el("div", "buttons");
    const rows = new Map();
    for (const b of buttons) {
      if (!rows.has(b.row)) rows.set(b.row, el("div", "button-row"));
      const btn = el("button", "action", b.label);
      btn.type = "button";
      btn.title = b.text;
      btn.dataset.command = b.text;
      btn.addEventListener("click", () => sendText(b.text));
      rows.get(b.row).appendChild(btn);
    }
    for (const key of [...rows.keys()].sort()) box.appendChild(rows.get(key));
    return box;
  }

  function drawError(m) {
    const row = el("div", "msg error");
    row.appendChild(el("div", "avatar bot", "J"));
    const body = el("div", "body");
    body.appendChild(header({ name: "Jamroom" }, m.ts, [`for ${m.member.name}`]));
    body.appendChild(el("div", "error-msg", `✕ ${m.text}`));
    row.appendChild(body);
    return row;
  }

  // ---- threads and the member ----------------------------------------------------------------

  function drawThreads() {
    const nav = $("threads");
    nav.replaceChildren();
    for (const t of state.threads) {
      const b = el("button", t.id === state.thread ? "thread active" : "thread");
      b.type = "button";
      b.appendChild(el("span", "hash", "#"));
      b.append(t.title);
      b.title = `${t.title} (${t.id})`;
      b.addEventListener("click", () => join(t.id));
      nav.appendChild(b);
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
    }
    const current = state.readonly || state.threads.find((t) => t.id === state.thread);
    $("thread-title").textContent = current ? current.title : "new jam";
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

  function sendText(text) {
    text = text.trim();
    if (!text) return;
    if (!state.me) return askName();
    if (!text.startsWith("/")) text = `/${text}`;
    const id = uuid();
    const data = { type: "send", id, text };
    const cmd = commandOf(text);
    if (state.upload && cmd && cmd.file) {
      data.upload = state.upload.upload;
      setUpload(null);
    }
    state.pending.set(id, text);
    if (!post(data)) notice("not connected — your command goes out when the connection is back");
  }

  function submit() {
    const box = $("command");
    const text = box.value;
    if (!text.trim()) return;
    sendText(text);
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
    x.addEventListener("click", () => setUpload(null));
    chip.appendChild(x);
  }

  async function upload(file) {
    if (!file) return;
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
      setUpload(data);
      const box = $("command");
      const takes = state.catalog.commands.filter((c) => c.file);
      const fits = takes.find((c) => (c.options.find((o) => o.name === c.file).mimes || []).includes(data.mime));
      if (!box.value.trim() && (fits || takes[0])) box.value = `/${(fits || takes[0]).name} `;
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
        const chip = el("span", "ex", ex);
        chip.title = "Put this in the command box";
        chip.addEventListener("click", () => {
          $("command").value = ex.includes("<") ? `/${c.name} ` : ex;
          $("command").focus();
          updateHint();
        });
        item.appendChild(chip);
      }
      item.title = c.help;
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
    $("me-name").addEventListener("click", () => askName());
    $("help-toggle").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });
    $("help-close").addEventListener("click", () => { $("help").hidden = true; });
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
