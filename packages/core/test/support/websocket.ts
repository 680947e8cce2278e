/**
 * Test helpers for WebSocket routes: a client that queues what it receives, and raw handshakes
 * for checking status lines and headers the browser API hides. Used by tests only.
 */

/** Headers of a valid RFC 6455 handshake (the key is the RFC's sample nonce). */
export const HANDSHAKE_HEADERS = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
} as const;

/** A WebSocket client whose messages can be awaited one at a time, in order. */
export class TestSocket {
  readonly socket: WebSocket;
  /** Resolves when the connection opens; rejects if it fails to. */
  readonly opened: Promise<void>;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly received: string[] = [];
  private readonly waiting: ((message: string) => void)[] = [];

  constructor(url: string, headers?: Record<string, string>) {
    // Bun's client accepts headers (a Bun extension of the standard constructor).
    this.socket = new WebSocket(url, { headers } as unknown as string[]);
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve());
      this.socket.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
    });
    this.socket.addEventListener("message", (event) => {
      const text = typeof event.data === "string" ? event.data : `<binary ${String(event.data)}>`;
      const waiter = this.waiting.shift();
      if (waiter) waiter(text);
      else this.received.push(text);
    });
  }

  /** The next message, in arrival order; rejects after `timeoutMs` so a test never hangs. */
  next(timeoutMs = 3000): Promise<string> {
    const queued = this.received.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(waiter);
        if (index !== -1) this.waiting.splice(index, 1);
        reject(new Error("No WebSocket message arrived in time"));
      }, timeoutMs);
      const waiter = (message: string) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiting.push(waiter);
    });
  }

  send(message: string | Uint8Array<ArrayBuffer>): void {
    this.socket.send(message);
  }

  close(): void {
    this.socket.close();
  }
}

/** Opens a client and waits for the connection. */
export async function openSocket(url: string, headers?: Record<string, string>): Promise<TestSocket> {
  const client = new TestSocket(url, headers);
  await client.opened;
  return client;
}

/**
 * Sends a handshake over a raw TCP socket and returns the response head (status line and
 * headers), which the WebSocket API does not expose.
 */
export async function rawHandshake(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers }> {
  let buffer = "";
  const head = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("No handshake response in time")), 3000);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          const lines = Object.entries({ host: `127.0.0.1:${port}`, ...HANDSHAKE_HEADERS, ...headers }).map(
            ([name, value]) => `${name}: ${value}`,
          );
          socket.write(`GET ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
        },
        data(socket, data) {
          buffer += data.toString("latin1");
          const end = buffer.indexOf("\r\n\r\n");
          if (end !== -1) {
            clearTimeout(timer);
            socket.end();
            resolve(buffer.slice(0, end));
          }
        },
        error(_socket, error) {
          clearTimeout(timer);
          reject(error);
        },
      },
    }).catch(reject);
  });
  const [statusLine, ...lines] = head.split("\r\n");
  const out = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    out.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine!.split(" ")[1]), headers: out };
}
