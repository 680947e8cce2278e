/**
 * A chat client through nginx that reconnects when its connection closes, as a browser client
 * would on a 1001 ("going away"), and records what happened: messages, closes, reconnect
 * times, and any attempt that failed.
 */
import type { ChatMessage } from "../../app/chat";

const RECONNECT_ATTEMPTS = 20;
const RETRY_DELAY_MS = 100;

/** One reconnection: from the close to the next server greeting. */
export interface Reconnect {
  code: number;
  from: string | undefined;
  to: string;
  ms: number;
}

export class ChatClient {
  /** The instance of the current connection (from the server's greeting). */
  instance: string | undefined;
  readonly messages: ChatMessage[] = [];
  readonly reconnects: Reconnect[] = [];
  /** Connection attempts that failed, and closes other than 1001 (goal: none). */
  readonly failures: string[] = [];
  private socket: WebSocket | undefined;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {}

  /** Opens a connection; resolves with the instance that greeted it. */
  connect(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, { headers: { cookie: this.cookie } } as any);
      this.socket = socket;
      let greeted = false;
      socket.addEventListener("message", (event) => {
        const data = JSON.parse(String(event.data));
        if (data.type === "welcome") {
          greeted = true;
          this.instance = data.instance;
          resolve(data.instance);
        } else if (data.type === "message") this.messages.push(data);
      });
      socket.addEventListener("close", (event) => {
        if (!greeted) {
          reject(new Error(`closed before the greeting (${event.code})`));
          return;
        }
        if (socket === this.socket) void this.onClose(event.code);
      });
      socket.addEventListener("error", () => {
        if (!greeted) reject(new Error("connection failed"));
      });
    });
  }

  private async onClose(code: number): Promise<void> {
    if (this.stopped) return;
    const closedAt = performance.now();
    const from = this.instance;
    this.instance = undefined;
    if (code !== 1001) this.failures.push(`closed with ${code} by ${from}`);
    for (let attempt = 1; attempt <= RECONNECT_ATTEMPTS && !this.stopped; attempt++) {
      try {
        const to = await this.connect();
        this.reconnects.push({ code, from, to, ms: performance.now() - closedAt });
        return;
      } catch (error) {
        this.failures.push(`reconnect attempt ${attempt}: ${(error as Error).message}`);
        await Bun.sleep(RETRY_DELAY_MS);
      }
    }
  }

  /** How many times a message with this id arrived. */
  copies(id: string): number {
    return this.messages.filter((message) => message.id === id).length;
  }

  /** Closes for good (no reconnection). */
  close(): void {
    this.stopped = true;
    this.socket?.close(1000);
  }
}
