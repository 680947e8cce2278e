// WebSocket clients for fan-out tests.
import type { ServerHandle } from "@harpia/core";

/** A client socket that collects what it receives, connected once the server greeted it. */
export async function connectClient(
  server: ServerHandle,
  path: string,
): Promise<{ messages: unknown[]; socket: WebSocket }> {
  const socket = new WebSocket(new URL(path, server.url.href.replace(/^http/, "ws")));
  socket.binaryType = "arraybuffer";
  const messages: unknown[] = [];
  socket.addEventListener("message", (event) => messages.push(event.data));
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("message", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("WebSocket failed")), { once: true });
  });
  messages.length = 0; // drop the greeting
  return { messages, socket };
}

/** Polls `probe` every 20 ms, at most `attempts` times; its last answer. */
export async function until(probe: () => boolean, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts && !probe(); i++) await Bun.sleep(20);
  return probe();
}
