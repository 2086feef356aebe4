/* The ward's web chat page (/chat, and /chat?embed=1 inside the widget's frame).

   Served by handlers/webchat.py as /chat/app.js; plain JavaScript, no build step, no
   library. The page's own texts come from the JSON block #ui (wardbot.messages.web_ui);
   everything from the server is drawn with textContent and createElement, never as HTML.

   - The browser is an anonymous session: 32 random bytes (base64url) kept in
     localStorage (else sessionStorage, else this page view only). The id is the only key
     to the conversation, so it never goes into a URL (proxies and CDNs log URLs): it
     travels in the X-Ward-Session header, or in a message's JSON body.
   - On load the history is fetched (poll without wait) and drawn; new messages arrive by
     server-sent events with a cursor (read from a fetch() response: EventSource cannot
     send a header), or by long polling when events do not work. A stream that reconnects
     resumes after the page's cursor; an id already shown is never drawn twice. A request
     not answered in time (a connection gone without a word) is given up and made again.
   - A message sent is shown at once, then matched with the stored entry's id (from the
     send's answer, or from the event that brings it first, which carries the message's
     key). When its answer does not come back (the network went, a proxy says the bot is
     restarting), it is sent again with the same key until it gets through: the bot
     stores and answers each key once, so a retry never asks twice. The messages not yet
     through are kept in the tab's sessionStorage: a reload (the reflex when a page seems
     stuck) sends again those the history does not hold answered.
   - Inside the widget's frame, "Mở toàn trang" opens the full page in a new tab as
     /chat#continue=TOKEN: a single-use token (api/handoff) that the page exchanges for
     the frame's session (api/join). A browser may keep a frame's storage apart from the
     bot's own pages (the bot on another site than the portal): without it the full page
     would start another conversation. The token is in the fragment (never sent to a
     server) and leaves the address bar at once.
   - Inside the widget's frame on a portal on another site, the browser gives the frame no
     storage that outlives the portal's page. The widget keeps a resume handle in the
     portal's own storage and answers the frame's "ready" with it (postMessage, from an
     origin of ui.origins only); the frame exchanges it (api/resume) for its session and a
     new handle, which it gives back to the widget's origin alone. A conversation without
     a handle gets one once it has begun. A phone showing the portal's page zoomed out
     (no viewport meta tag) opens the chat as a page of its own: the widget asks its
     (hidden) frame for a handoff token, as "Mở toàn trang" does.
*/
(() => {
  "use strict";

  const BATCH = 200; // the server's largest page of messages
  const MAX_PAGES = 50; // history pages fetched at most in one go
  const SSE_FAILURES = 3; // event streams failing in a row before falling back to polling
  const SSE_RETRY = 2000; // ms before an event stream that ended is opened again
  // ms: a stream open this long that brought something worked (it ended, it did not fail).
  // One that brought nothing failed, however long it was held (a proxy keeping a streamed
  // response until it ends: the bot's first line never arrives).
  const SSE_LASTED = 10000;
  // ms without a byte (the bot sends a comment every 15 s) before a stream counts as cut:
  // a connection lost without a word (a phone leaving Wi-Fi) would otherwise wait forever.
  const SSE_SILENCE = 40000;
  // ms: a stream heard from this recently is alive (the bot's comment comes every 15 s).
  const SSE_ALIVE = 20000;
  // A send answered so (a proxy while the bot restarts) is tried again, as when the
  // network fails; the longest pause between tries (ms).
  const RETRY_STATUS = new Set([502, 503, 504]);
  const RETRY_LONGEST = 30000;
  // ms without the whole answer before a request counts as cut, as a silent stream does
  // (SSE_SILENCE): a connection gone without a word (a phone moving from Wi-Fi to mobile
  // data) never fails by itself, and a send or poll waiting on it would hold every
  // message after it. A long poll is answered within 25 s (handlers/webchat.py LONG_POLL).
  const REQUEST_GIVE_UP = 30000;
  const LONG_POLL_GIVE_UP = 40000;
  const SESSION_KEY = "wardbot.chat.session";
  const PENDING_KEY = "wardbot.chat.pending"; // in sessionStorage: this tab's unsent messages
  const SESSION_HEADER = "X-Ward-Session"; // handlers/webchat.py
  const SESSION_RE = /^[A-Za-z0-9_-]{22,64}$/;
  const TOKEN_RE = /^[A-Za-z0-9_-]{22,64}$/; // a handoff token, a resume handle
  const WIDGET_WAIT = 3000; // ms for the widget's answer to "ready" (its resume handle)
  const API = "/chat/api/";
  // A web address: with its scheme, or a bare host name under a usual top-level domain,
  // as ward staff write one ("Cổng Dịch vụ công (dichvucong.gov.vn)") and as Telegram and
  // Zalo make it a link; with its path, if any.
  const URL_RE =
    /\bhttps?:\/\/[^\s<>"'“”‘’]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:vn|com|net|org|gov|edu|info|me)\b(?:\/[^\s<>"'“”‘’]*)?/gi;
  const SCHEME_RE = /^https?:\/\//i;
  // The English line under a reply to a message in another language starts its own
  // paragraph so (wardbot.messages.in_vietnamese_only).
  const ENGLISH_MARK = "(English) ";
  const ENGLISH_PARAGRAPH = /\n\n(?=\(English\) )/;
  // Not a bare host name when just after this: the end of a word ("Phường.vn": JavaScript's
  // \b knows no accented letter), an e-mail address's @, a longer name or a path.
  const NOT_BEFORE_HOST = /[\p{L}\p{N}@._\/-]/u;

  const ui = JSON.parse(document.getElementById("ui").textContent);
  // The longest message the server takes (Conversation.longest_message: more for one to
  // ward staff); a longer question is refused by the server, in the chat, as elsewhere.
  const MAX_CHARS = ui.max_chars;
  const embed = document.documentElement.dataset.mode === "embed";
  const byId = (id) => document.getElementById(id);
  const log = byId("chat-log");
  const form = byId("chat-form");
  const input = byId("chat-input");
  const sendButton = byId("chat-send");
  const offline = byId("chat-offline");
  const jump = byId("chat-new");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const timeFormat = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit" });

  // --- the session --------------------------------------------------------------------

  /** `size` random bytes in base64url: a session's id (32), a message's key (16). */
  function randomId(size) {
    const bytes = new Uint8Array(size);
    crypto.getRandomValues(bytes);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function sessionId() {
    for (const name of ["localStorage", "sessionStorage"]) {
      try {
        const storage = window[name];
        let id = storage.getItem(SESSION_KEY);
        if (!id || !SESSION_RE.test(id)) {
          id = randomId(32);
          storage.setItem(SESSION_KEY, id);
        }
        if (storage.getItem(SESSION_KEY) === id) return id;
      } catch (error) {
        // Storage blocked (private mode, a sandboxed frame): try the next one.
      }
    }
    return randomId(32); // kept in memory: this page view only
  }

  let session = sessionId();
  const sessionHeaders = { [SESSION_HEADER]: session };

  /** The session the full page continues (see api/join), kept as this browser's own. */
  function adopt(id) {
    session = id;
    sessionHeaders[SESSION_HEADER] = id;
    for (const name of ["localStorage", "sessionStorage"]) {
      try {
        window[name].setItem(SESSION_KEY, id);
        if (window[name].getItem(SESSION_KEY) === id) return;
      } catch (error) {
        // Storage blocked: this page view only.
      }
    }
  }

  // Opened from the widget's "Mở toàn trang": its token, out of the address bar at once.
  const handed = /^#continue=([A-Za-z0-9_-]{22,64})$/.exec(window.location.hash);
  if (handed) {
    try {
      history.replaceState(history.state, "", window.location.pathname + window.location.search);
    } catch (error) {
      // a sandboxed page may refuse: the token is single-use anyway
    }
  }

  /** A POST of the chat's API with a small JSON body: its response and JSON answer. */
  function postJson(name, body) {
    return request(
      API + name,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Ward-Chat": "1" },
        body: JSON.stringify(body),
      },
      REQUEST_GIVE_UP,
    );
  }

  /** The widget's conversation, taken over with the token; a note when it is no longer good. */
  async function join(token) {
    try {
      const { response, data } = await postJson("join", { token });
      if (response.ok && data && typeof data.session === "string" && SESSION_RE.test(data.session)) {
        adopt(data.session);
      } else if (response.status === 404) {
        notice(ui.handoff_expired);
      }
    } catch (error) {
      // Not reached: this browser's own conversation, as before.
    }
  }

  /** In the widget's frame: the same conversation as a page of its own, in a new tab. The
      tab is opened at once (a browser lets a tap open one, not a script later on), then
      sent to the page with the token. */
  async function openFullPage() {
    const tab = window.open("", "_blank");
    const token = await handoffToken();
    // Without one, the full page opens the conversation of the bot's own pages.
    const address = token ? "/chat#continue=" + token : "/chat";
    if (!tab) {
      window.open(address, "_blank", "noopener");
      return;
    }
    tab.opener = null;
    tab.location.replace(address);
  }

  /** A single-use token for the full page to continue this conversation; null if none. */
  async function handoffToken() {
    try {
      const { response, data } = await postJson("handoff", { session });
      if (response.ok && data && typeof data.token === "string" && TOKEN_RE.test(data.token)) {
        return data.token;
      }
    } catch (error) {
      // Not reached.
    }
    return null;
  }

  // --- the widget's resume handle (embed only) ------------------------------------------

  const widgetOrigins = embed && Array.isArray(ui.origins) ? ui.origins.map(String) : [];
  let widgetOrigin = null; // the portal's origin, once its widget has answered "ready"
  let handleKept = false; // the widget holds a handle for this session

  /** A message from the widget: the page holding this frame, on an allowed site. */
  function fromWidget(event) {
    return (
      event.source === window.parent &&
      widgetOrigins.includes(event.origin) &&
      Boolean(event.data) &&
      typeof event.data === "object"
    );
  }

  // The widget's handle ("" when it has none; null when no widget answered in time).
  const offered = new Promise((resolve) => {
    if (!embed || window.parent === window) {
      resolve(null); // not in the widget's frame: no widget to wait for
      return;
    }
    const timer = setTimeout(() => resolve(null), WIDGET_WAIT);
    window.addEventListener("message", (event) => {
      if (widgetOrigin || !fromWidget(event) || event.data.wardChat !== "resume") return;
      clearTimeout(timer);
      widgetOrigin = event.origin;
      const handle = event.data.handle;
      resolve(typeof handle === "string" && TOKEN_RE.test(handle) ? handle : "");
    });
  });

  /** A new handle for the widget to keep: posted to its origin alone. */
  function tellWidget(handle) {
    if (!widgetOrigin || typeof handle !== "string" || !TOKEN_RE.test(handle)) return;
    handleKept = true;
    window.parent.postMessage({ wardChat: "handle", handle }, widgetOrigin);
  }

  /** The conversation the widget's handle opens, taken over; the new handle to the widget.
      A handle that opens nothing (used, expired, /forget): this frame's own session. An
      answer lost on the way is asked for once more: a handle traded once still opens its
      conversation for a while (RESUME_GRACE in handlers/web_resume.py). */
  async function resume(handle) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const { response, data } = await postJson("resume", { handle });
        if (response.ok && data && typeof data.session === "string" && SESSION_RE.test(data.session)) {
          adopt(data.session);
          tellWidget(data.handle);
        }
        return;
      } catch (error) {
        // No answer (the network, a timeout): once more, else this frame's own session.
      }
    }
  }

  let remembering = false;

  /** A handle for this session, once its conversation has begun, for the widget to keep. */
  async function remember() {
    if (!widgetOrigin || handleKept || remembering) return;
    remembering = true;
    try {
      const { response, data } = await postJson("resume", { session });
      if (response.ok && data) tellWidget(data.handle);
    } catch (error) {
      // Asked again with the next reply.
    } finally {
      remembering = false;
    }
  }

  // The handle exchanged (or none to exchange): the session is the one to show.
  const resumed = (async () => {
    const handle = await offered;
    if (handle) await resume(handle);
  })();

  // --- state ---------------------------------------------------------------------------

  const shown = new Map(); // entry id -> its element
  const drawnAt = new WeakMap(); // element drawn from an entry -> when (a count of drawings)
  let drawings = 0;
  let cursor = 0; // the highest entry id received
  // Messages sent, not yet answered: {key, message (what is posted), text, action, pressed
  // (a choice's action), id, el, answered, mark: drawings then}.
  const inFlight = [];
  let sending = Promise.resolve(); // sends go one after another, in order
  let pausedUntil = 0; // after a 429: no sending before this time (ms)
  let typing = null; // the "typing" bubble, while shown
  const seenKeys = new Map(); // the keys of the resident's messages the history holds -> ids
  const forgotKeys = new Set(); // the keys of /forget messages done (their entry deleted)
  let lastBotId = 0; // the bot's latest entry received: what came before it is answered
  let loaded = false; // the history the page opened with is drawn: what comes now is new
  const pageTitle = document.title;
  let unread = 0; // replies that came while the page's tab was not the one shown

  // --- drawing -------------------------------------------------------------------------

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(String(url));
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  /** The site a link leads to, as people read it: "dichvucong.gov.vn". */
  function hostOf(url) {
    const href = safeUrl(url);
    return href ? new URL(href).hostname.replace(/^www\./, "") : "";
  }

  /** A link opening in a new tab; `named`: one labelled by what it holds ("Xem thêm")
      says which site it opens too, as a phone shows no address on hover (and a resident
      should see that a ward's link goes to dichvucong.gov.vn before tapping it). */
  function link(url, label, named = false) {
    const href = safeUrl(url);
    if (!href) return document.createTextNode(String(label));
    const anchor = make("a", "msg-link", label);
    const host = hostOf(href);
    if (named && host && !String(label).includes(host)) {
      anchor.append(make("span", "msg-link-host", " (" + host + ")"));
    }
    anchor.href = href;
    anchor.rel = "noopener noreferrer";
    anchor.target = "_blank";
    anchor.append(make("span", "visually-hidden", " " + ui.new_tab));
    return anchor;
  }

  /** The ward's hotline, a number to tap on a phone. */
  function call(number) {
    const anchor = make("a", "chat-call", number);
    anchor.href = "tel:" + number.replace(/[^\d+]/g, "");
    return anchor;
  }

  /** Plain text into `block`, the ward's hotline in it made a number to call. */
  function appendText(block, text) {
    const number = ui.hotline_number;
    const parts = number ? text.split(number) : [text];
    parts.forEach((part, index) => {
      if (index > 0) block.append(call(number));
      block.append(part);
    });
  }

  /** Text with its web addresses made into links; line breaks kept by the CSS. */
  function richText(className, text) {
    const block = make("p", className);
    const value = String(text);
    let last = 0;
    for (const match of value.matchAll(URL_RE)) {
      let url = match[0];
      const bare = !SCHEME_RE.test(url);
      if (bare && match.index > 0 && NOT_BEFORE_HOST.test(value[match.index - 1])) continue;
      const trailing = /[.,;:!?)\]}]+$/.exec(url);
      if (trailing) url = url.slice(0, -trailing[0].length);
      appendText(block, value.slice(last, match.index));
      block.append(link(bare ? "https://" + url : url, url));
      last = match.index + url.length;
    }
    appendText(block, value.slice(last));
    return block;
  }

  /** A reply's text; a paragraph of it in English (the "Vietnamese only" line under a
      message in another language, "(English) Sorry, ...") marked as English, so that a
      screen reader reads it with an English voice, not the page's Vietnamese one. */
  function botText(text) {
    return String(text)
      .split(ENGLISH_PARAGRAPH)
      .map((part) => {
        const block = richText("msg-text", part);
        if (part.startsWith(ENGLISH_MARK)) block.lang = "en";
        return block;
      });
  }

  /** When a message was said: its time, and its day when that is not today (a reload
      shows the last days' messages, and a staff answer may come a day after the
      question: "16:45" above "14:02" would read as answered before it was asked). */
  function timeOf(at) {
    const date = new Date(typeof at === "number" ? at * 1000 : Date.now());
    const today = new Date();
    let said = timeFormat.format(date);
    if (date.toDateString() !== today.toDateString()) {
      // As residents write it, 28/11 (Intl's vi-VN gives 28-11).
      const two = (number) => String(number).padStart(2, "0");
      said += ` ${two(date.getDate())}/${two(date.getMonth() + 1)}`;
      if (date.getFullYear() !== today.getFullYear()) said += "/" + date.getFullYear();
    }
    const stamp = make("time", "msg-time", said);
    stamp.dateTime = date.toISOString();
    stamp.setAttribute("aria-hidden", "true");
    return stamp;
  }

  /** One message of the history (or one being sent) as an element. */
  function drawEntry(entry) {
    const mine = entry.from === "resident";
    const item = make("div", mine ? "msg msg-you" : "msg msg-bot");
    if (mine && entry.action) item.classList.add("msg-choice");
    const bubble = make("div", "msg-bubble");
    bubble.append(make("span", "visually-hidden", (mine ? ui.you : ui.bot) + ": "));
    if (entry.title) bubble.append(make("p", "msg-title", entry.title));
    if (entry.text && mine) bubble.append(make("p", "msg-text", entry.text));
    else if (entry.text) bubble.append(...botText(entry.text));
    if (entry.footer) bubble.append(richText("msg-footer", entry.footer));
    if (Array.isArray(entry.links) && entry.links.length) {
      const list = make("ul", "msg-links");
      list.setAttribute("aria-label", ui.links);
      for (const item of entry.links) {
        if (!item || !item.url) continue;
        const row = make("li");
        row.append(link(item.url, item.label || item.url, true));
        list.append(row);
      }
      bubble.append(list);
    }
    // The reply's own actions ("read it all") first, apart from the titled choices.
    if (Array.isArray(entry.actions) && entry.actions.length) {
      bubble.append(choiceGroup(entry.actions, ui.choices));
    }
    if (Array.isArray(entry.buttons) && entry.buttons.length) {
      const heading = entry.buttons_title || ui.choices;
      if (entry.buttons_title) bubble.append(make("p", "msg-choices-title", entry.buttons_title));
      bubble.append(choiceGroup(entry.buttons, heading));
    }
    item.append(bubble, timeOf(entry.at));
    return item;
  }

  /** Buttons that send their choice, as a group named `heading` for screen readers. */
  function choiceGroup(choices, heading) {
    const group = make("div", "msg-choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", heading);
    for (const choice of choices) {
      if (!choice || typeof choice.action !== "string") continue;
      const button = make("button", "msg-choice-button", choice.label);
      button.type = "button";
      button.addEventListener("click", () => press(choice));
      group.append(button);
    }
    return group;
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollTo(top) {
    log.scrollTo({ top, behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  /** Add `node` at the end of the log (before the typing bubble); `follow`: scroll to it. */
  function place(node, follow) {
    const wasNearBottom = nearBottom();
    log.insertBefore(node, typing && typing.parentNode === log ? typing : null);
    if (!follow && !wasNearBottom) {
      // The resident is reading further up: a reply that came meanwhile (a staff answer)
      // is not scrolled to, and a button over the box says it is there.
      if (loaded && node.classList.contains("msg-bot") && !unseen) {
        unseen = node;
        jump.hidden = false;
      }
      return;
    }
    showFrom(node);
  }

  /** Scroll so that `node` shows: a long reply from its start, else the end of the log. */
  function showFrom(node) {
    const start = node.offsetTop - log.offsetTop - 8;
    const end = log.scrollHeight - log.clientHeight;
    scrollTo(node.offsetHeight > log.clientHeight ? start : end);
  }

  let unseen = null; // the first reply that came while the resident read further up

  function seen() {
    unseen = null;
    jump.hidden = true;
  }

  jump.addEventListener("click", () => {
    if (unseen && unseen.parentNode === log) showFrom(unseen);
    seen();
    input.focus();
  });
  log.addEventListener("scroll", () => {
    if (unseen && nearBottom()) seen();
  });

  /** A note from the page itself (an error, a refusal): in the log, so it is read out. */
  function notice(text) {
    const last = log.lastElementChild === typing ? typing?.previousElementSibling : log.lastElementChild;
    if (last && last.classList.contains("notice") && last.textContent === text) last.remove();
    place(make("p", "notice", text), true);
  }

  function clearLog() {
    seen();
    for (const node of [...log.children]) if (node !== typing) node.remove();
  }

  /** "Trợ lý đang trả lời…" while the bot has a message of ours and has not answered it;
      not for one still on its way ("Đang gửi…", the phone offline, say). */
  function showTyping() {
    const waiting = inFlight.some((sent) => sent.id !== null && !sent.answered);
    if (waiting && !typing) {
      typing = make("div", "msg msg-bot msg-typing");
      const bubble = make("div", "msg-bubble");
      const dots = make("span", "typing-dots");
      dots.setAttribute("aria-hidden", "true");
      dots.append(make("span"), make("span"), make("span"));
      bubble.append(dots, make("span", "typing-text", ui.typing));
      typing.append(bubble);
      log.append(typing);
      scrollTo(log.scrollHeight);
    } else if (!waiting && typing) {
      typing.remove();
      typing = null;
    }
  }

  // --- receiving -----------------------------------------------------------------------

  /** Entries from the server, in id order: each drawn once. */
  function receive(entries) {
    for (const entry of entries) {
      if (!entry || typeof entry.id !== "number") continue;
      if (entry.id > cursor) cursor = entry.id;
      if (shown.has(entry.id)) continue;
      if (entry.reset) {
        clearLog(); // /forget: the earlier messages are gone
        handleKept = false; // and the widget's handle with them
        if (typeof entry.forgot === "string") {
          // Done: never sent again (a reload, or its send's answer lost), which would
          // forget again and say there is nothing to delete.
          forgotKeys.add(entry.forgot);
          for (const sent of inFlight) if (sent.key === entry.forgot) sent.answered = true;
          keepPending();
        }
      }
      if (entry.from === "resident") {
        if (typeof entry.key === "string") seenKeys.set(entry.key, entry.id);
        const sent = inFlight.find(
          (one) => one.id === entry.id || (one.id === null && one.key === entry.key),
        );
        if (sent) {
          sent.id = entry.id;
          sent.el.classList.remove("is-sending");
          sent.el.querySelector(".msg-status")?.remove(); // the bot has it
          shown.set(entry.id, sent.el);
          keepPending();
          showTyping();
          continue;
        }
      }
      const node = drawEntry(entry);
      shown.set(entry.id, node);
      drawings += 1;
      drawnAt.set(node, drawings);
      place(node, entry.from === "bot" && inFlight.length > 0);
      if (entry.from === "bot") {
        // The widget marks its button with it while its panel is closed (a staff answer);
        // the page's tab, its title, while the resident is in another tab.
        if (embed && loaded) window.parent.postMessage({ wardChat: "message" }, "*");
        if (!embed && loaded && document.visibilityState === "hidden") {
          unread += 1;
          document.title = `(${unread}) ${pageTitle}`;
        }
        lastBotId = Math.max(lastBotId, entry.id);
        if (!entry.reset) remember();
        for (const sent of inFlight) if (sent.id !== null && sent.id < entry.id) sent.answered = true;
        showTyping();
      }
    }
  }

  /** fetch() and its JSON answer (null when it is none), given up after `ms` (it throws,
      as when the network fails): see REQUEST_GIVE_UP. */
  async function request(url, options, ms) {
    const control = new AbortController();
    const timer = setTimeout(() => control.abort(), ms);
    try {
      const response = await fetch(url, { ...options, cache: "no-store", signal: control.signal });
      const data = await response.json().catch((error) => {
        if (control.signal.aborted) throw error;
        return null;
      });
      return { response, data };
    } finally {
      clearTimeout(timer);
    }
  }

  async function fetchAfter(wait) {
    const query = new URLSearchParams({ after: String(cursor) });
    if (wait) query.set("wait", "1");
    const { response, data } = await request(
      API + "poll?" + query,
      { headers: sessionHeaders },
      wait ? LONG_POLL_GIVE_UP : REQUEST_GIVE_UP,
    );
    if (!response.ok || !data) throw new Error("poll: " + response.status);
    reachable();
    return Array.isArray(data.messages) ? data.messages : [];
  }

  let catching = null;
  let catchAgain = false;

  /** Fetch and draw everything after the cursor (again if asked meanwhile). */
  function catchUp() {
    if (catching) {
      catchAgain = true;
      return catching;
    }
    catching = (async () => {
      try {
        do {
          catchAgain = false;
          for (let page = 0; page < MAX_PAGES; page += 1) {
            const entries = await fetchAfter(false);
            receive(entries);
            if (entries.length < BATCH) break;
          }
        } while (catchAgain);
      } finally {
        catching = null;
      }
    })();
    return catching;
  }

  /** The "connection lost" note, in a status region: screen readers hear it come and go. */
  function setOffline(isOffline) {
    offline.hidden = !isOffline;
    offline.textContent = isOffline ? ui.offline : "";
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  const napping = new Set(); // ends the current naps early (the stream's, a send's)

  /** A pause of about `ms` before trying to reach the bot again, cut short once it is
      reachable. Between half and all of `ms`, at random: the pages a bot restart cut off
      at the same instant do not all come back at the same instant. */
  function nap(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms / 2 + (Math.random() * ms) / 2);
      function done() {
        clearTimeout(timer);
        napping.delete(done);
        resolve();
      }
      napping.add(done);
    });
  }

  function wakeUp() {
    for (const done of [...napping]) done();
  }

  /** Any answer from the bot: the connection is back; whoever waits to retry, retries now.
      Not while the device says it is offline: that answer was on its way before. */
  function reachable() {
    if (navigator.onLine === false) return;
    setOffline(false);
    wakeUp();
  }

  // The device says it lost or found its network: say so at once; once back, whoever waits
  // retries now, and the event stream (perhaps cut without a word) is opened again.
  window.addEventListener("offline", () => setOffline(true));
  window.addEventListener("online", () => {
    wakeUp();
    if (stream) {
      reopening = true;
      stream.abort();
    }
  });

  // Back on the tab (Android freezes a page in the background, and its stream may have
  // died without a word): what came meanwhile is fetched at once, and a stream not heard
  // from lately is opened again, rather than waiting out SSE_SILENCE.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    unread = 0;
    document.title = pageTitle;
    catchUp().catch(() => setOffline(true));
    wakeUp();
    if (stream && Date.now() - (stream.heardAt || 0) > SSE_ALIVE) {
      reopening = true;
      stream.abort();
    }
  });

  /** Read server-sent events from the stream of messages after the cursor, drawing
      each; returns when the stream ends, throws when it cannot be opened. */
  async function readEvents(control) {
    const query = new URLSearchParams({ after: String(cursor) });
    let silence = setTimeout(() => control.abort(), SSE_SILENCE);
    try {
      const response = await fetch(API + "events?" + query, {
        headers: sessionHeaders,
        cache: "no-store",
        signal: control.signal,
      });
      if (!response.ok || !response.body) throw new Error("events: " + response.status);
      reachable();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let data = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        control.heard = true;
        control.heardAt = Date.now();
        clearTimeout(silence);
        silence = setTimeout(() => control.abort(), SSE_SILENCE);
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, end).replace(/\r$/, "");
          buffer = buffer.slice(end + 1);
          if (line.startsWith("data:")) {
            data.push(line.slice(5).replace(/^ /, ""));
          } else if (line === "" && data.length) {
            const text = data.join("\n");
            data = [];
            try {
              receive([JSON.parse(text)]);
            } catch (error) {
              // not an entry: ignored
            }
          }
          // "id:", "retry:" and ": ping" lines: the entry carries its id; retries are ours.
        }
      }
    } finally {
      clearTimeout(silence);
    }
  }

  let stream = null; // the open event stream's AbortController
  let reopening = false; // the stream was cut on purpose, to resume after a new cursor

  /** Server-sent events, opened again when they end; long polling once they keep failing. */
  async function listen() {
    if (typeof ReadableStream !== "function" || typeof TextDecoder !== "function") {
      poll();
      return;
    }
    let failures = 0;
    for (;;) {
      const opened = Date.now();
      const control = new AbortController();
      stream = control;
      try {
        await readEvents(control);
      } catch (error) {
        // not opened, or cut: as an ended stream
      }
      stream = null;
      if (reopening) {
        reopening = false;
        continue;
      }
      if (control.heard && Date.now() - opened >= SSE_LASTED) failures = 0;
      failures += 1;
      setOffline(true);
      if (failures >= SSE_FAILURES) {
        poll();
        return;
      }
      await nap(SSE_RETRY);
    }
  }

  /** Long polling, when server-sent events do not get through. */
  async function poll() {
    let delay = 1000;
    for (;;) {
      const started = Date.now();
      try {
        const entries = await fetchAfter(true);
        delay = 1000;
        receive(entries);
        if (!entries.length && Date.now() - started < 1000) await sleep(1000);
      } catch (error) {
        setOffline(true);
        await nap(delay);
        delay = Math.min(delay * 2, 30000);
      }
    }
  }

  // --- sending -------------------------------------------------------------------------

  function paused() {
    return Date.now() < pausedUntil;
  }

  function updateSend() {
    sendButton.disabled = !input.value.trim() || paused();
  }

  function pause(seconds) {
    pausedUntil = Date.now() + seconds * 1000;
    updateSend();
    setTimeout(updateSend, seconds * 1000 + 50);
  }

  function resize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 160) + "px";
  }

  /** How long the bot counts `text`: its characters, written the usual way (NFC), as
      handlers/webchat.py measures them (a letter with its accents written apart, as a
      PDF's copied text has it, counts once; so does an emoji). */
  function lengthOf(text) {
    return [...text.normalize("NFC")].length;
  }

  function submitText() {
    const text = input.value.trim();
    if (!text || paused()) return;
    if (lengthOf(text) > MAX_CHARS) {
      notice(ui.too_long);
      return;
    }
    input.value = "";
    resize();
    updateSend();
    send({ text }, text, false);
  }

  function press(choice) {
    if (paused()) {
      notice(ui.failed);
      return;
    }
    // Tapped again while that choice is still being sent or answered (a slow phone):
    // once is enough.
    if (inFlight.some((sent) => sent.pressed === choice.action)) return;
    send({ action: choice.action, label: choice.label }, String(choice.label), true);
  }

  /** Show the message at once, then send it after the ones before it. `stored`: the id
      of the history's entry for it, already drawn (a reload, see `resumePending`). */
  function send(message, text, action, key = randomId(16), stored = null) {
    const sent = { key, message, text, action, id: null, answered: false, el: null, mark: drawings };
    sent.pressed = action ? message.action : null;
    if (stored !== null && shown.has(stored)) {
      sent.id = stored;
      sent.el = shown.get(stored);
    } else {
      sent.el = drawEntry({ from: "resident", text, action });
      sent.el.classList.add("is-sending");
      const status = make("span", "msg-status", ui.sending);
      status.setAttribute("aria-hidden", "true");
      sent.el.append(status);
      place(sent.el, true);
    }
    inFlight.push(sent);
    keepPending();
    showTyping();
    sending = sending.then(() => deliver(sent, message));
  }

  /** This tab's messages not yet through (their send not answered: the bot may have
      stored one and stopped before answering it), kept for a reload (`resumePending`). */
  function keepPending() {
    try {
      const waiting = inFlight
        .filter((one) => !one.answered)
        .map(({ key, message, text, action }) => ({ key, message, text, action }));
      if (waiting.length) {
        sessionStorage.setItem(PENDING_KEY, JSON.stringify({ session, waiting }));
      } else {
        sessionStorage.removeItem(PENDING_KEY);
      }
    } catch (error) {
      // Storage blocked: a reload loses them, as before.
    }
  }

  /** After a reload: send again what the last page view had not got through, unless the
      history holds it with an answer after it. One it holds unanswered (the bot stopped
      while answering it; or its answer is on its way) is sent again as it is drawn: the
      bot answers it then, or only says it has it. */
  function resumePending() {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null");
    } catch (error) {
      return;
    }
    if (!kept || kept.session !== session || !Array.isArray(kept.waiting)) return;
    for (const one of kept.waiting) {
      if (!one || typeof one.key !== "string" || !one.message) continue;
      // Sent from this page already: typed while its history was still loading (a slow
      // connection), it is on its way, not left over from the page before.
      if (inFlight.some((sent) => sent.key === one.key)) continue;
      if (forgotKeys.has(one.key)) continue; // a /forget the history says is done
      const stored = seenKeys.has(one.key) ? seenKeys.get(one.key) : null;
      if (stored !== null && stored < lastBotId) continue;
      send(one.message, String(one.text), Boolean(one.action), one.key, stored);
    }
    keepPending();
  }

  /** Send until the bot answers (the same key each time), then match the answer. */
  async function deliver(sent, message) {
    if (paused() && sent.id === null) {
      // The one before was refused as too many (429): this one waits in the box with it,
      // rather than being sent into the wait, refused too, and lost. (One the bot has
      // stored already is never refused: it goes.)
      failed(sent, null, message.text);
      return;
    }
    let response;
    let data = null;
    for (let delay = 1000; ; delay = Math.min(delay * 2, RETRY_LONGEST)) {
      try {
        ({ response, data } = await request(
          API + "send",
          {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Ward-Chat": "1" },
            body: JSON.stringify({ session, key: sent.key, ...message }),
          },
          REQUEST_GIVE_UP,
        ));
        if (!RETRY_STATUS.has(response.status)) break;
      } catch (error) {
        // The network failed, or the request was given up: whether the bot got the
        // message is unknown.
      }
      setOffline(true);
      await nap(delay);
    }
    if (response.ok) reachable(); // the bot is back: no need to wait for a poll to say so
    if (!response.ok || !data || data.ok !== true || typeof data.id !== "number") {
      if (response.status === 429) {
        const seconds = parseInt(response.headers.get("Retry-After") || "", 10);
        pause(Number.isFinite(seconds) && seconds > 0 ? seconds : 5);
      }
      const text = data && typeof data.error === "string" ? data.error : ui.failed;
      failed(sent, text, message.text);
      return;
    }
    const drawn = shown.get(data.id);
    if (data.id <= cursor && sent.id !== data.id && !(drawn && drawnAt.get(drawn) > sent.mark)) {
      // An id the page has passed, yet not this message's (its event would have said so):
      // the bot's database started afresh (reinstalled, an older backup) and counts from 1
      // again. Show the conversation as the database has it now, as a reload would.
      sent.id = -1; // drawn again from the history, not matched
      sent.el.remove();
      try {
        await startAfresh();
      } catch (error) {
        setOffline(true);
      }
      finish(sent);
      return;
    }
    // The stored entry: drawn already if its event came first, else this bubble is it.
    if (drawn && drawn !== sent.el) sent.el.remove();
    else shown.set(data.id, sent.el);
    sent.id = data.id;
    sent.el.classList.remove("is-sending");
    sent.el.querySelector(".msg-status")?.remove();
    // The replies were stored before the answer came: fetch them if no event brought them.
    try {
      await catchUp();
    } catch (error) {
      setOffline(true);
    }
    finish(sent);
  }

  /** Forget what was shown and fetch the history from the start; the event stream
      resumes after the new cursor. */
  async function startAfresh() {
    const waiting = inFlight.filter((one) => one.id === null).map((one) => one.el);
    cursor = 0;
    shown.clear();
    clearLog();
    await catchUp();
    for (const node of waiting) place(node, true); // messages still being sent: last
    if (stream) {
      reopening = true;
      stream.abort();
    }
  }

  function finish(sent) {
    sent.answered = true;
    const at = inFlight.indexOf(sent);
    if (at >= 0) inFlight.splice(at, 1);
    keepPending();
    sent.el.querySelector(".msg-status")?.remove();
    showTyping();
  }

  /** `sent` did not go: `text` says why (none: said already), and `restore` (its text)
      is put back in the box, after the messages put back before it. */
  function failed(sent, text, restore) {
    if (sent.id === null) sent.el.remove();
    finish(sent);
    if (text) notice(text);
    if (restore) {
      input.value = input.value ? input.value + "\n" + restore : restore;
      resize();
      updateSend();
    }
  }

  // --- the form ------------------------------------------------------------------------

  let newLine = false; // the Enter being pressed asks for a new line (Shift+Enter)

  // Enter sends; not while an input method is composing (the Enter that ends a word on a
  // computer's Vietnamese or Chinese keyboard only puts the word in), nor Shift+Enter.
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    newLine = event.shiftKey;
    if (event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submitText();
  });

  input.addEventListener("beforeinput", (event) => {
    // A phone's keyboard keeps the word being typed open (composing) until a space, and
    // its Enter ("send") key comes while composing: the keyboard puts the word in and asks
    // for a line break. That is Enter pressed: it sends, as on a computer.
    if (event.inputType === "insertLineBreak" || event.inputType === "insertParagraph") {
      if (newLine || event.isComposing) return;
      event.preventDefault();
      submitText();
      return;
    }
    // Pasting or typing past the limit: the browser cuts the text; say why.
    const adding = event.data ?? event.dataTransfer?.getData("text/plain") ?? "";
    if (!adding) return;
    const selected = input.selectionEnd - input.selectionStart;
    // Pasted with its accents written apart (NFD: copied from a PDF), the text is put in
    // written the usual way, so the box's limit counts its letters, not its accents.
    // Never while an input method composes: it keeps track of what it put in.
    const usual = event.isComposing ? adding : adding.normalize("NFC");
    if (usual !== adding) {
      event.preventDefault();
      const room = Math.max(0, MAX_CHARS - (input.value.length - selected));
      let fits = usual.slice(0, room);
      if (/[\uD800-\uDBFF]$/.test(fits)) fits = fits.slice(0, -1); // no half an emoji
      input.setRangeText(fits, input.selectionStart, input.selectionEnd, "end");
      input.dispatchEvent(new Event("input"));
      if (usual.length > room) notice(ui.too_long);
      return;
    }
    if (input.value.length - selected + adding.length > MAX_CHARS) notice(ui.too_long);
  });

  input.addEventListener("input", () => {
    resize();
    updateSend();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitText();
    // Sent with the button: back in the box for the next question. The button, disabled
    // once the box is empty, would drop the focus to the page's body: a keyboard or
    // screen-reader user lost at the top, a phone's keyboard closed after each message.
    input.focus();
  });
  // Tapped or clicked, the button does not take the focus from the box meanwhile (a
  // phone's keyboard would close and open again).
  sendButton.addEventListener("mousedown", (event) => event.preventDefault());

  const fullPage = byId("chat-full");
  if (embed) {
    fullPage.hidden = false;
    fullPage.addEventListener("click", (event) => {
      event.preventDefault();
      openFullPage();
    });
    // Inside the widget's frame: the widget learns that the chat is here (not an error
    // page: it loads the frame again then), Escape closes the panel (the host page cannot
    // see keys pressed in here), and the frame's focus goes to the question box.
    window.parent.postMessage({ wardChat: "ready" }, "*");
    // A phone showing the portal zoomed out opens the chat as a page of its own: the
    // widget asks for a token that carries this conversation there.
    window.addEventListener("message", async (event) => {
      if (!fromWidget(event) || event.data.wardChat !== "handoff") return;
      await resumed;
      const token = await handoffToken();
      window.parent.postMessage({ wardChat: "continue", token }, event.origin);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") window.parent.postMessage({ wardChat: "close" }, "*");
    });
    window.addEventListener("focus", () => {
      if (!document.activeElement || document.activeElement === document.body) input.focus();
    });
  }

  // --- start ---------------------------------------------------------------------------

  function fillTexts() {
    byId("chat-unloaded")?.remove(); // the script runs
    byId("chat-intro").textContent = ui.intro;
    fullPage.textContent = ui.full_page;
    byId("chat-input-label").textContent = ui.input_label;
    input.placeholder = ui.placeholder;
    input.maxLength = MAX_CHARS;
    sendButton.textContent = ui.send;
    jump.append(ui.new_below, make("span", "chat-new-arrow", " ↓"));
    jump.lastChild.setAttribute("aria-hidden", "true");
    log.setAttribute("aria-label", ui.log_label);
    appendText(byId("chat-contact"), ui.contact);
  }

  async function start() {
    fillTexts();
    updateSend();
    if (!embed && window.matchMedia("(pointer: fine)").matches) input.focus();
    if (embed && document.hasFocus()) input.focus();
    if (handed && !embed) await join(handed[1]);
    await resumed;
    try {
      await catchUp();
    } catch (error) {
      setOffline(true);
    }
    loaded = true;
    log.setAttribute("aria-busy", "false");
    log.scrollTop = log.scrollHeight;
    resumePending();
    listen();
  }

  start();
})();
