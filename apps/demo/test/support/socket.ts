/** A WebSocket client for tests: collects JSON messages and waits for one that matches. */
export interface TestSocket {
  readonly messages: any[];
  /** Resolves with the first message (already received or to come) matching `match`. */
  next(match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  send(text: string): void;
  close(): void;
  /** Calls `listener` with the close code once the socket is closed (by either side). */
  onClose(listener: (code: number) => void): void;
}

/** Opens a socket and waits until it is open (rejects on a refused upgrade). */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers } as any);
  const messages: any[] = [];
  const waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const socket: TestSocket = {
    messages,
    next(match, timeoutMs = 5000) {
      const seen = messages.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
      });
    },
    send: (text) => ws.send(text),
    close: () => ws.close(),
    onClose: (listener) => ws.addEventListener("close", (event) => listener(event.code), { once: true }),
  };
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(socket), { once: true });
    ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)), { once: true });
  });
}

/** Sends a WebSocket handshake with `fetch` to read the HTTP answer of a refused upgrade. */
export function handshake(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": btoa("0123456789abcdef"),
      ...headers,
    },
  });
}
