/* The ward's chat widget: one tag on a page of the ward's portal,
       <script src="https://BOT/widget.js" defer></script>
   adds a chat button and a panel holding BOT/chat?embed=1 in a frame.

   Served by handlers/webchat.py, which puts its settings in place of the marker below:
   {"origins": [the sites allowed to embed it], "label", "title", "close", "unread",
   "failed", "retry", "hotline"}. On any other
   site it does nothing (the browser would refuse the frame anyway: frame-ancestors).
   Everything it draws lives in a shadow root, so the host page's styles and ours
   do not touch; the one global is window.WardChat ({open, close}).

   A bot on another site than the portal: the browser gives the frame no storage that
   outlives the portal's page, so this script (which runs in the portal's page) keeps the
   conversation's resume handle in the portal's localStorage (RESUME_KEY). It answers the
   frame's "ready" with it and keeps the new one the frame gives back (both ways only
   between this page and the bot's origin); see handlers/web_resume.py.
*/
(() => {
  "use strict";

  const config = /*{{config}}*/null;
  const script = document.currentScript;
  if (!config || !script || !script.src || window.WardChat) return;

  const botOrigin = new URL(script.src, window.location.href).origin;
  // Compared as the browser spells origins (lower case, no default port).
  const origins = (Array.isArray(config.origins) ? config.origins : []).map((origin) => {
    try {
      return new URL(String(origin)).origin;
    } catch (error) {
      return String(origin);
    }
  });
  if (!origins.includes(window.location.origin)) {
    console.warn(
      `Ward chat: ${window.location.origin} is not in the bot's WEB_ALLOWED_ORIGINS; ` +
        "the chat button is not shown.",
    );
    return;
  }

  const RESUME_KEY = "wardbot.chat.resume";
  const TOKEN_RE = /^[A-Za-z0-9_-]{22,64}$/; // a resume handle, a handoff token

  function storedHandle() {
    try {
      const handle = window.localStorage.getItem(RESUME_KEY);
      return handle && TOKEN_RE.test(handle) ? handle : null;
    } catch (error) {
      return null; // storage blocked: each page starts afresh, as before
    }
  }

  function keepHandle(handle) {
    try {
      window.localStorage.setItem(RESUME_KEY, handle);
    } catch (error) {
      // storage blocked or full: the next page starts afresh
    }
  }

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .launcher, .panel, .close, .failed {
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
    }
    .launcher {
      position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
      display: inline-flex; align-items: center; gap: 8px;
      min-height: 52px; margin: 0; padding: 0 20px 0 16px;
      border: 2px solid #fff; border-radius: 26px;
      background: #0b4a8b; color: #fff;
      font-size: 17px; font-weight: 700; line-height: 1; letter-spacing: normal;
      box-shadow: 0 4px 16px rgba(8, 30, 60, 0.35); cursor: pointer;
    }
    .launcher:hover { background: #083766; }
    .launcher svg { width: 24px; height: 24px; flex: none; }
    .unread {
      position: absolute; top: -6px; right: -6px;
      width: 18px; height: 18px; border: 2px solid #fff; border-radius: 50%;
      background: #c62828;
    }
    .unread[hidden] { display: none; }
    .hidden-text {
      position: absolute; width: 1px; height: 1px; overflow: hidden;
      clip-path: inset(50%); white-space: nowrap;
    }
    .launcher:focus { outline: none; }
    .launcher:focus-visible, .close:focus-visible {
      outline: 3px solid #1a1f25; outline-offset: 2px; box-shadow: 0 0 0 6px #ffd33d;
    }
    .panel {
      position: fixed; right: 20px; bottom: 88px; z-index: 2147483001;
      display: flex; flex-direction: column;
      width: 380px; height: 640px; max-height: calc(100vh - 108px);
      border: 1px solid #c9d3de; border-radius: 14px; overflow: hidden;
      background: #fff; box-shadow: 0 12px 40px rgba(8, 30, 60, 0.3);
    }
    .panel[hidden] { display: none; }
    .bar {
      flex: none; display: flex; align-items: center; justify-content: space-between;
      gap: 8px; min-height: 52px; padding: 6px 6px 6px 16px;
      background: #0b4a8b; color: #fff;
    }
    .title {
      margin: 0; font-size: 16px; font-weight: 700; line-height: 1.3;
      overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
    }
    .close {
      flex: none; display: inline-flex; align-items: center; gap: 6px;
      min-height: 40px; margin: 0; padding: 0 12px;
      border: 1px solid rgba(255, 255, 255, 0.7); border-radius: 20px;
      background: transparent; color: #fff; font-size: 15px; font-weight: 600; cursor: pointer;
    }
    .close:hover { background: rgba(255, 255, 255, 0.15); }
    .close:focus { outline: none; }
    .close svg { width: 14px; height: 14px; }
    .failed {
      flex: 1 1 auto; margin: 0; padding: 20px 16px;
      background: #fff; color: #1a1f25; font-size: 16px; line-height: 1.5;
    }
    .failed[hidden], iframe[hidden] { display: none; }
    .failed p { margin: 0 0 16px; }
    .failed a { color: #0b4a8b; font-weight: 700; }
    .retry {
      min-height: 44px; margin: 0; padding: 0 20px;
      border: 0; border-radius: 22px; background: #0b4a8b; color: #fff;
      font: inherit; font-weight: 700; cursor: pointer;
    }
    .retry:focus { outline: none; }
    .retry:focus-visible {
      outline: 3px solid #1a1f25; outline-offset: 2px; box-shadow: 0 0 0 6px #ffd33d;
    }
    iframe { flex: 1 1 auto; width: 100%; min-height: 0; border: 0; background: #f6f8fa; }
    @media (max-width: 520px), (max-height: 560px) {
      .panel {
        inset: 0; width: auto; height: auto; max-height: none;
        border: 0; border-radius: 0;
      }
    }
    @media (forced-colors: active) {
      .launcher, .close, .panel { border: 2px solid CanvasText; }
      .unread { forced-color-adjust: none; background: Highlight; border-color: Canvas; }
    }
  `;

  const SVG = "http://www.w3.org/2000/svg";

  function icon(paths) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    for (const d of paths) {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", "currentColor");
      path.setAttribute("stroke-width", "2.2");
      path.setAttribute("stroke-linecap", "round");
      path.setAttribute("stroke-linejoin", "round");
      svg.append(path);
    }
    return svg;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  const host = document.createElement("div");
  host.setAttribute("data-ward-chat", "");
  // Its words are Vietnamese whatever the portal's page says (templates often say "en"):
  // screen readers pick their voice by it.
  host.lang = "vi";
  const root = host.attachShadow({ mode: "open" });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (error) {
    root.append(element("style", "", CSS)); // browsers without constructable style sheets
  }

  const launcher = element("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "ward-chat-panel");
  // A reply that came while the panel was closed (a staff answer): a dot on the button,
  // its words for screen readers, said once in a status region.
  const unread = element("span", "unread");
  unread.hidden = true;
  unread.append(element("span", "hidden-text", ` (${String(config.unread || "")})`));
  const announced = element("span", "hidden-text");
  announced.setAttribute("role", "status");
  launcher.append(
    icon(["M4 5.5h16v10H9l-5 4z", "M8 9.5h8", "M8 12.5h5"]),
    element("span", "", String(config.label || "")),
    unread,
  );

  const panel = element("div", "panel");
  panel.id = "ward-chat-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", String(config.title || ""));
  const bar = element("div", "bar");
  const close = element("button", "close");
  close.type = "button";
  close.append(icon(["M6 6l12 12", "M18 6L6 18"]), element("span", "", String(config.close || "")));
  bar.append(element("p", "title", String(config.title || "")), close);
  // In place of the chat when it could not load (the network failed on the way, the bot
  // was restarting): what happened, a retry, and the ward's hotline as a number to call.
  const failedNote = element("div", "failed");
  failedNote.hidden = true;
  failedNote.setAttribute("role", "alert");
  const failedText = element("p", "");
  const hotline = String(config.hotline || "");
  String(config.failed || "").split(hotline || "\u0000").forEach((part, index) => {
    if (index > 0) {
      const call = element("a", "", hotline);
      call.href = "tel:" + hotline.replace(/[^\d+]/g, "");
      failedText.append(call);
    }
    failedText.append(part);
  });
  const retryButton = element("button", "retry", String(config.retry || ""));
  retryButton.type = "button";
  failedNote.append(failedText, retryButton);
  panel.append(bar, failedNote);
  root.append(launcher, panel, announced);

  // ms: a frame loaded without the chat saying it started holds an error page (the bot
  // was restarting, a proxy's "Bad Gateway"): it is loaded again this long after, while
  // the panel is open, and at once when the panel is opened again.
  const RETRY_MS = 5000;
  const READY_GRACE_MS = 1000; // ms after the frame's load for the chat's "ready" to arrive
  let frame = null;
  let ready = false; // the chat page in the frame has started (its "ready" message)
  let failed = false; // the frame loaded something else (an error page)
  let retry = null;

  /** The chat in a new frame, in place of the one before: a frame's own address set
      again would add a step to the tab's history (Back would show the error page). */
  function load() {
    clearTimeout(retry);
    retry = null;
    failed = false;
    const made = document.createElement("iframe");
    made.title = String(config.title || "");
    made.referrerPolicy = "no-referrer";
    made.hidden = !failedNote.hidden;
    made.addEventListener("load", () => {
      if (made !== frame) return;
      if (!panel.hidden) made.focus();
      // The chat's "ready" is posted before its frame's load event, yet may arrive just
      // after it (a busy phone): none a moment later, an error page, or the chat's page
      // without its script.
      setTimeout(() => {
        if (made !== frame || ready) return;
        if (handing) handing(null); // the chat as a page of its own, without the token
        failed = true;
        showFailed(true);
        if (!panel.hidden) retryButton.focus();
        if (!retry) retry = setTimeout(reload, RETRY_MS);
      }, READY_GRACE_MS);
    });
    made.src = `${botOrigin}/chat?embed=1`;
    const before = frame;
    frame = made;
    if (before) before.replaceWith(made);
    else panel.append(made);
  }

  /** The note in place of the chat, or the chat. */
  function showFailed(on) {
    failedNote.hidden = !on;
    if (frame) frame.hidden = on;
  }

  retryButton.addEventListener("click", () => {
    showFailed(false); // the frame loading again; the note comes back if it fails again
    load();
    frame.focus();
  });

  function reload() {
    retry = null;
    if (!ready && !panel.hidden) load(); // closed meanwhile: at the next opening
  }

  // On a phone the panel covers the whole page, so it reads as a page of its own: Back
  // (Android's button or gesture) should close it, not leave the portal. While it is open
  // full screen, one step of the tab's history is ours; closing it takes the step back.
  const fullScreen = window.matchMedia("(max-width: 520px), (max-height: 560px)");
  let stepped = false; // our step is the tab's current entry

  // A phone showing a page laid out for a desktop (an older portal without a viewport
  // meta tag: the phone lays it out 980 px wide and shows it zoomed out to a third).
  // There a panel, shown at that scale too, has text too small to read and buttons too
  // small to tap: the chat opens as its own page instead (made for phones; Back leads
  // back to the portal), and the launcher is drawn at the phone's own scale.
  const phone = Math.min(window.screen.width, window.screen.height) <= 560;
  function zoomedOut() {
    return phone && !fullScreen.matches;
  }
  function fitLauncher() {
    const scale = zoomedOut() ? document.documentElement.clientWidth / window.screen.width : 1;
    launcher.style.setProperty("zoom", scale > 1 ? scale.toFixed(2) : "");
  }
  fitLauncher();
  window.addEventListener("resize", fitLauncher);

  // ms to wait for the frame's handoff token before opening the chat's page without it.
  const HANDOFF_WAIT_MS = 8000;
  let handing = null; // while a token is awaited: called with it (null: none came)

  /** The chat as a page of its own, continuing the conversation of the widget's frame
      (loaded hidden, if it is not yet: its session is the one other phones' panels show)
      with a single-use handoff token in the address's fragment, as "Mở toàn trang" does. */
  function openAsPage() {
    if (handing) return; // tapped again while waiting
    const timer = setTimeout(() => handing && handing(null), HANDOFF_WAIT_MS);
    launcher.setAttribute("aria-busy", "true");
    handing = (token) => {
      clearTimeout(timer);
      handing = null;
      launcher.removeAttribute("aria-busy");
      const fragment = typeof token === "string" && TOKEN_RE.test(token) ? `#continue=${token}` : "";
      window.location.assign(`${botOrigin}/chat${fragment}`);
    };
    if (!frame || (failed && !ready)) load(); // its "ready" asks for the token
    else if (ready) frame.contentWindow.postMessage({ wardChat: "handoff" }, botOrigin);
  }

  function open() {
    if (zoomedOut()) {
      openAsPage();
      return;
    }
    // One still loading (a slow connection) is left to finish.
    if (!frame || (failed && !ready)) load();
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    markUnread(false);
    if (fullScreen.matches && !stepped) {
      try {
        history.pushState({ wardChat: true }, "");
        stepped = true;
      } catch (error) {
        // A sandboxed page may refuse: Back then leaves the page, as before.
      }
    }
    (failedNote.hidden ? frame : retryButton).focus();
  }

  function shut() {
    if (panel.hidden) return;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
    if (stepped) {
      stepped = false;
      history.back(); // our step goes; the popstate it fires finds nothing to do
    }
  }

  function markUnread(on) {
    unread.hidden = !on;
    announced.textContent = on ? `${String(config.label || "")}: ${String(config.unread || "")}` : "";
  }

  launcher.addEventListener("click", () => (panel.hidden ? open() : shut()));
  close.addEventListener("click", shut);
  // Escape on the panel's own controls; inside the frame, the chat page tells us.
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.stopPropagation();
      shut();
    }
  });
  window.addEventListener("popstate", (event) => {
    // Back from our step: the panel closes and the resident stays on the portal's page.
    if (!stepped || (event.state && event.state.wardChat)) return;
    stepped = false;
    shut();
  });
  window.addEventListener("message", (event) => {
    if (!frame || event.origin !== botOrigin || event.source !== frame.contentWindow) return;
    const said = event.data && event.data.wardChat;
    if (said === "ready") {
      ready = true;
      showFailed(false);
      clearTimeout(retry);
      retry = null;
      frame.contentWindow.postMessage({ wardChat: "resume", handle: storedHandle() }, botOrigin);
      if (handing) frame.contentWindow.postMessage({ wardChat: "handoff" }, botOrigin);
    } else if (said === "handle") {
      if (typeof event.data.handle === "string" && TOKEN_RE.test(event.data.handle)) {
        keepHandle(event.data.handle);
      }
    } else if (said === "continue") {
      if (handing) handing(event.data.token);
    } else if (said === "close") {
      shut();
    } else if (said === "message" && panel.hidden && unread.hidden) {
      markUnread(true);
    }
  });

  function mount() {
    document.body.append(host);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });

  window.WardChat = Object.freeze({ open, close: shut });
})();
