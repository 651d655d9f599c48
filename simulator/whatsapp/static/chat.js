// The WhatsApp simulator page: pick a phone, chat, see the bot's replies rendered like WhatsApp.
// Runs under `Content-Security-Policy: default-src 'self'`: no inline code, no innerHTML; every
// text from the bot or the user becomes DOM text nodes, so nothing it contains can run.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { phone: "", name: "", after: 0, generation: 0, bubbles: new Map() };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- WhatsApp text formatting: *bold* _italic_ ~strike~ `code` ```mono``` -------------------
  // A marker only counts at a word boundary with no space just inside it, as in WhatsApp:
  // "2*3*4" and "snake_case_name" stay plain.
  const MARKERS = [
    { open: "```", tag: "code", cls: "mono", nested: false },
    { open: "`", tag: "code", cls: "code", nested: false },
    { open: "*", tag: "strong", cls: "", nested: true },
    { open: "_", tag: "em", cls: "", nested: true },
    { open: "~", tag: "s", cls: "", nested: true },
  ];
  const WORD = /[\p{L}\p{N}]/u;

  // Where the marker opened at `start` closes: not after a space, not inside a word, and on the
  // same line (except ``` blocks); -1 when it never closes.
  function closeAt(text, start, open) {
    let end = text.indexOf(open, start);
    while (end !== -1) {
      if (open !== "```" && text.slice(start, end).includes("\n")) return -1;
      const after = text[end + open.length];
      if (end > start && !/\s/.test(text[end - 1]) && (after === undefined || !WORD.test(after))) {
        return end;
      }
      end = text.indexOf(open, end + 1);
    }
    return -1;
  }

  function findSpan(text, from) {
    for (let i = from; i < text.length; i++) {
      if (i > 0 && WORD.test(text[i - 1])) continue;
      for (const m of MARKERS) {
        if (!text.startsWith(m.open, i)) continue;
        const start = i + m.open.length;
        if (start >= text.length || /\s/.test(text[start])) continue;
        const end = closeAt(text, start, m.open);
        if (end !== -1) return { at: i, start, end, marker: m };
      }
    }
    return null;
  }

  function formatInto(parent, text) {
    let pos = 0;
    while (pos < text.length) {
      const span = findSpan(text, pos);
      if (!span) break;
      if (span.at > pos) parent.appendChild(document.createTextNode(text.slice(pos, span.at)));
      const node = el(span.marker.tag, span.marker.cls);
      const inner = text.slice(span.start, span.end);
      if (span.marker.nested) formatInto(node, inner);
      else node.textContent = inner;
      parent.appendChild(node);
      pos = span.end + span.marker.open.length;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
    return parent;
  }

  // ---- talking to the simulator ----------------------------------------------------------------
  async function postJSON(url, body) {
    const resp = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await resp.json(); } catch (_) { data = null; }
    return { ok: resp.ok, status: resp.status, data };
  }

  async function send(extra) {
    if (!state.phone) return;
    const result = await postJSON("/__wa__/send", { phone: state.phone, name: state.name, ...extra });
    if (!result.ok && result.status === 400) {
      systemNote("⚠ " + ((result.data && result.data.error) || "could not send"));
    }
  }

  async function poll(generation) {
    while (generation === state.generation) {
      const url = "/__wa__/transcript?phone=" + encodeURIComponent(state.phone) +
        "&after=" + state.after + "&wait=20";
      try {
        const resp = await fetch(url);
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        const data = await resp.json();
        if (generation !== state.generation) return;
        handleEntries(data.entries);
      } catch (_) {
        if (generation !== state.generation) return;
        setSubtitle("simulator unreachable, retrying…");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  function handleEntries(entries) {
    let botArrived = false;
    for (const entry of entries) {
      state.after = Math.max(state.after, entry.seq);
      if (entry.kind === "user") renderUser(entry);
      else if (entry.kind === "bot") { renderBot(entry); botArrived = true; }
      else if (entry.kind === "delivery") renderDelivery(entry);
      else if (entry.kind === "read") renderRead(entry);
      else if (entry.kind === "rejected") renderRejected(entry);
    }
    if (botArrived) {
      setSubtitle("online");
      postJSON("/__wa__/seen", { phone: state.phone }).catch(() => {});
    }
  }

  // ---- rendering -------------------------------------------------------------------------------
  function clock(seconds) {
    const d = new Date(seconds * 1000);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function addBubble(side, entry) {
    const item = el("li", "bubble " + side);
    item.dataset.kind = side;
    item.dataset.wamid = entry.wamid || "";
    const body = el("div", "content");
    item.appendChild(body);
    const foot = el("div", "foot");
    foot.appendChild(el("span", "time", clock(entry.received_at)));
    item.appendChild(foot);
    $("messages").appendChild(item);
    if (entry.wamid) state.bubbles.set(entry.wamid, item);
    item.scrollIntoView({ block: "end" });
    return { item, body, foot };
  }

  function systemNote(text) {
    const item = el("li", "system", text);
    $("messages").appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function describeUser(message) {
    const kind = message.type;
    if (kind === "text") return message.text.body;
    if (kind === "interactive") {
      const reply = message.interactive.button_reply || message.interactive.list_reply || {};
      return reply.title || reply.id || "(interactive)";
    }
    if (kind === "button") return message.button.text;
    if (kind === "location") return "📍 " + (message.location.name || "Location");
    if (kind === "reaction") return (message.reaction.emoji || "") + " reacted";
    if (kind === "contacts") return "👤 Contact card";
    if (kind === "unsupported") return "Unsupported message";
    const icons = { image: "📷 Photo", video: "🎥 Video", document: "📄 Document",
      sticker: "💟 Sticker" };
    if (kind === "audio") return message.audio.voice ? "🎤 Voice message" : "🎵 Audio";
    return icons[kind] || kind;
  }

  function renderUser(entry) {
    const message = entry.payload;
    const { item, body, foot } = addBubble("user", entry);
    item.dataset.type = message.type;
    if (message.context && message.context.id) quote(body, message.context.id);
    body.appendChild(formatInto(el("div", "text"), describeUser(message)));
    foot.appendChild(el("span", "tick pending", "🕓"));
  }

  function setTick(item, text, cls, title) {
    const tick = item.querySelector(".tick");
    if (!tick) return;
    tick.textContent = text;
    tick.className = "tick " + cls;
    tick.title = title || "";
  }

  function renderDelivery(entry) {
    const item = state.bubbles.get(entry.wamid);
    if (!item) return;
    const status = entry.payload.status;
    // The bot may mark a message read before its webhook answer arrives: ticks never go back.
    if (status === 200 && item.querySelector(".tick.read")) return;
    if (status === 200) setTick(item, "✓", "sent", "the bot acknowledged the webhook");
    else setTick(item, "⚠ " + (status === null ? "unreachable" : status), "failed",
      entry.payload.detail || "");
  }

  function renderRead(entry) {
    // Marking one message read marks every earlier one read, as in WhatsApp.
    for (const item of document.querySelectorAll("#messages .bubble.user")) {
      setTick(item, "✓✓", "read", "read by the bot");
      if (item.dataset.wamid === entry.wamid) break;
    }
    if (entry.payload.typing) setSubtitle("typing…");
  }

  function renderRejected(entry) {
    const note = systemNote("⚠ Graph API refused a bot message: " +
      entry.payload.problems.join("; "));
    note.classList.add("rejected");
    const details = el("details");
    details.appendChild(el("summary", "", "payload"));
    details.appendChild(el("pre", "", JSON.stringify(entry.payload.payload, null, 2)));
    note.appendChild(details);
  }

  function quote(body, wamid) {
    const quoted = state.bubbles.get(wamid);
    if (!quoted) return;
    const text = quoted.querySelector(".content .text, .content .body");
    const full = text ? text.textContent.replace(/\s+/g, " ").trim() : "";
    body.appendChild(el("div", "quote", full.length > 90 ? full.slice(0, 90) + "…" : full || "…"));
  }

  function renderBot(entry) {
    const payload = entry.payload;
    const { item, body } = addBubble("bot", entry);
    item.dataset.type = payload.type;
    if (payload.context && payload.context.message_id) quote(body, payload.context.message_id);
    if (payload.type === "text") {
      body.appendChild(formatInto(el("div", "text"), payload.text.body));
    } else if (payload.type === "interactive") {
      renderInteractive(item, body, payload.interactive, entry.wamid);
    } else if (payload.type === "template") {
      renderTemplate(body, payload.template);
    } else if (payload.type === "image" || payload.type === "document") {
      renderMedia(body, payload.type, payload[payload.type] || {});
    } else {
      body.appendChild(el("div", "text", "[" + payload.type + " message]"));
      body.appendChild(el("pre", "raw", JSON.stringify(payload[payload.type], null, 2)));
    }
  }

  // Media go by an uploaded id; the fake Cloud API serves the bytes at /__wa__/media/<id>.
  function renderMedia(body, type, media) {
    const url = "/__wa__/media/" + encodeURIComponent(media.id || "");
    if (type === "image") {
      const img = el("img", "media-image");
      img.src = url;
      img.alt = media.caption || "image";
      body.appendChild(img);
    } else {
      const a = el("a", "media-document", "📄 " + (media.filename || "document"));
      a.href = url;
      a.download = media.filename || "document";
      body.appendChild(a);
    }
    if (media.caption) body.appendChild(formatInto(el("div", "text"), media.caption));
  }

  function renderInteractive(item, body, inter, wamid) {
    item.dataset.interactive = inter.type;
    if (inter.header && inter.header.type === "text") {
      body.appendChild(formatInto(el("div", "header"), inter.header.text));
    } else if (inter.header) {
      body.appendChild(el("div", "header", "[" + inter.header.type + " header]"));
    }
    if (inter.body) body.appendChild(formatInto(el("div", "text"), inter.body.text));
    if (inter.footer) body.appendChild(el("div", "footer", inter.footer.text));
    const action = inter.action || {};
    const actions = el("div", "actions");
    if (inter.type === "button") {
      for (const button of action.buttons || []) {
        const reply = button.reply || {};
        const b = el("button", "reply-button", reply.title);
        b.type = "button";
        b.dataset.id = reply.id;
        b.addEventListener("click", () =>
          send({ button_id: reply.id, button_title: reply.title, context_id: wamid }));
        actions.appendChild(b);
      }
    } else if (inter.type === "list") {
      const b = el("button", "list-open", "☰ " + action.button);
      b.type = "button";
      b.addEventListener("click", () => openList(inter, wamid));
      actions.appendChild(b);
    } else if (inter.type === "cta_url") {
      const params = action.parameters || {};
      const a = el("a", "reply-button", params.display_text || "Open");
      a.href = params.url || "#";
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      actions.appendChild(a);
    } else {
      const label = (action.parameters && action.parameters.flow_cta) || inter.type;
      const b = el("button", "reply-button", label);
      b.type = "button";
      b.disabled = true;
      b.title = "not simulated";
      actions.appendChild(b);
    }
    item.appendChild(actions);
  }

  function renderTemplate(body, template) {
    body.appendChild(el("div", "header", "📄 Template: " + template.name));
    const language = template.language ? template.language.code : "";
    body.appendChild(el("div", "footer", "language " + language));
    const params = el("ol", "params");
    for (const component of template.components || []) {
      for (const param of component.parameters || []) {
        const text = param.text !== undefined ? param.text : JSON.stringify(param);
        params.appendChild(el("li", "param", text));
      }
    }
    body.appendChild(params);
  }

  function openList(inter, wamid) {
    const sheetBody = $("sheet-body");
    sheetBody.replaceChildren();
    $("sheet-title").textContent = inter.action.button;
    for (const section of inter.action.sections || []) {
      const group = el("section", "list-section");
      if (section.title) group.appendChild(el("h3", "", section.title));
      for (const row of section.rows || []) {
        const b = el("button", "list-row");
        b.type = "button";
        b.dataset.id = row.id;
        b.appendChild(el("span", "row-title", row.title));
        if (row.description) b.appendChild(el("span", "row-description", row.description));
        b.addEventListener("click", () => {
          closeList();
          send({ list_id: row.id, list_title: row.title, context_id: wamid });
        });
        group.appendChild(b);
      }
      sheetBody.appendChild(group);
    }
    $("sheet").hidden = false;
  }

  function closeList() {
    $("sheet").hidden = true;
  }

  function setSubtitle(text) {
    $("subtitle").textContent = text;
  }

  // ---- choosing who chats ----------------------------------------------------------------------
  function openChat(phone, name) {
    const digits = phone.replace(/[\s+-]/g, "");
    if (!/^\d{7,15}$/.test(digits)) {
      systemNote("⚠ a phone is 7 to 15 digits, e.g. 263771000001");
      return;
    }
    state.phone = digits;
    state.name = name || "Demo User";
    state.after = 0;
    state.generation += 1;
    state.bubbles.clear();
    $("messages").replaceChildren();
    $("phone").value = digits;
    $("name").value = state.name;
    $("me").textContent = state.name + " · +" + digits;
    $("text").disabled = false;
    $("send").disabled = false;
    setSubtitle("online");
    try { localStorage.setItem("wa-sim-who", JSON.stringify([digits, state.name])); } catch (_) {}
    for (const li of document.querySelectorAll("#members li")) {
      li.classList.toggle("active", li.dataset.phone === digits);
    }
    poll(state.generation);
    $("text").focus();
  }

  function memberItem(member, label) {
    const li = el("li");
    li.dataset.phone = member.phone;
    const b = el("button", "member");
    b.type = "button";
    b.appendChild(el("span", "member-name", member.name + (label ? " " + label : "")));
    b.appendChild(el("span", "member-phone", "+" + member.phone));
    b.addEventListener("click", () => openChat(member.phone, member.name));
    li.appendChild(b);
    return li;
  }

  async function start() {
    const config = await (await fetch("/__wa__/config")).json();
    const people = [...config.members, config.new_user];
    const names = new Map(people.map((m) => [m.phone, m.name]));
    for (const member of people) {
      const option = el("option");
      option.value = member.phone;
      option.label = member.name;
      $("member-phones").appendChild(option);
      $("members").appendChild(memberItem(member, member === config.new_user ? "(no account)" : ""));
    }
    $("business").textContent = "Bot number +" + config.display_phone_number +
      " · phone_number_id " + config.phone_number_id;
    for (const kind of config.kinds) $("attach").appendChild(el("option", "", kind)).value = kind;

    $("phone").addEventListener("change", () => {
      const known = names.get($("phone").value.trim());
      if (known) $("name").value = known;
    });
    $("who").addEventListener("submit", (event) => {
      event.preventDefault();
      openChat($("phone").value.trim(), $("name").value.trim());
    });
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("text").value;
      if (!text.trim()) return;
      $("text").value = "";
      send({ text });
    });
    $("attach").addEventListener("change", () => {
      const kind = $("attach").value;
      $("attach").value = "";
      if (kind) send({ kind });
    });
    $("sheet-close").addEventListener("click", closeList);
    $("sheet").addEventListener("click", (event) => { if (event.target === $("sheet")) closeList(); });
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeList(); });

    let who = null;
    try { who = JSON.parse(localStorage.getItem("wa-sim-who") || "null"); } catch (_) {}
    const params = new URLSearchParams(location.search);
    if (params.get("phone")) openChat(params.get("phone"), params.get("name") || names.get(params.get("phone")));
    else if (who) openChat(who[0], who[1]);
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
