// The chat page: one WebSocket to /chat/<room>. Everything received is shown with textContent,
// never as HTML, so a message cannot inject markup.
const chat = document.querySelector("[data-room]");
if (chat) startChat(chat);

function startChat(root) {
  const room = root.dataset.room;
  const list = root.querySelector("[data-chat-messages]");
  const status = root.querySelector("[data-chat-status]");
  const form = root.querySelector("[data-chat-form]");
  const input = form.elements.namedItem("text");
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
  let me = null;
  let socket = null;
  let attempt = 0;
  let leaving = false;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function append(item) {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function showMessage(message) {
    const item = element("li", message.user === me ? "mine" : "");
    item.dataset.testid = "message";
    item.append(element("span", message.member ? "author" : "author guest", message.user));
    item.append(element("span", "text", message.text));
    const time = element("time", "", timeFormat.format(new Date(message.at)));
    time.dateTime = message.at;
    item.append(time);
    append(item);
  }

  function showNotice(text) {
    append(element("li", "system", text));
  }

  function receive(event) {
    if (event.type === "welcome") {
      me = event.user;
      status.textContent = `Connected as ${event.user}${event.worker ? ` · worker ${event.worker}` : ""}`;
      root.dataset.connected = "true";
    } else if (event.type === "history") {
      list.replaceChildren();
      for (const message of event.messages) showMessage(message);
    } else if (event.type === "message") {
      showMessage(event);
    } else if (event.type === "presence" && event.user !== me) {
      showNotice(`${event.user} ${event.event === "join" ? "joined" : "left"}`);
    } else if (event.type === "error") {
      showNotice(event.message);
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/chat/${encodeURIComponent(room)}`);
    socket.addEventListener("open", () => {
      attempt = 0;
    });
    socket.addEventListener("message", (event) => {
      try {
        receive(JSON.parse(event.data));
      } catch {
        // Not ours: ignore it.
      }
    });
    socket.addEventListener("close", () => {
      root.dataset.connected = "false";
      if (leaving) return;
      status.textContent = "Disconnected; reconnecting…";
      attempt += 1;
      setTimeout(connect, Math.min(10_000, 500 * 2 ** attempt));
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || socket?.readyState !== WebSocket.OPEN) return;
    socket.send(text);
    input.value = "";
    input.focus();
  });

  window.addEventListener("pagehide", () => {
    leaving = true;
    socket?.close();
  });

  connect();
}
