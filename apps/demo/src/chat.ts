import { type Harpia, HttpError } from "@harpia/core";
import type { DemoServices } from "./services";
import { type ChatMessage, isRoom, MAX_MESSAGE_LENGTH, type Room } from "./services/chat-history";

/** Messages one connection may send per {@link BURST_WINDOW_MS}; more are refused, not queued. */
const BURST_MESSAGES = 5;
const BURST_WINDOW_MS = 3_000;

/** Per-connection data, added to `ws.data` by the upgrade hook. */
interface ChatConnection {
  room: Room;
  user: string;
  member: boolean;
  /** Send times of the last messages, for the burst limit. */
  recent: number[];
}

/** The pub/sub topic of a room (Bun's topics; across processes through Redis when configured). */
const topic = (room: Room) => `room:${room}`;

/** A guest's name: random, so two guests are told apart. */
function guestName(): string {
  return `guest-${crypto.getRandomValues(new Uint16Array(1))[0]!.toString(16).padStart(4, "0")}`;
}

/**
 * `ws /chat/:room`: a chat with rooms. Signed-in visitors speak under their name (the session
 * of the upgrade request), others as a guest. Messages are published to the room's topic with
 * `app.publish`, which reaches every process when Redis fan-out is installed, and the last ones
 * are kept for people who join later.
 */
export function registerChat(app: Harpia, service: DemoServices): void {
  const worker = service.settings.workerId;
  const send = (room: Room, payload: object) => app.publish(topic(room), JSON.stringify(payload));

  // Core refuses handshakes from other sites' pages (403 WS_ORIGIN_REFUSED) before this runs:
  // browsers would send the visitor's cookies with them.
  app.ws("/chat/:room", {
    async upgrade(req): Promise<ChatConnection> {
      const room = req.params.room;
      if (!isRoom(room)) throw new HttpError(404, `No room named "${room}"`, { code: "NO_SUCH_ROOM" });
      const { userId, username } = req.session;
      const account = username === undefined ? undefined : await service.users.find(username);
      const member = account !== undefined && account.id === userId;
      return { room, user: member ? account.username : guestName(), member, recent: [] };
    },

    async open(ws) {
      const { room, user, member } = ws.data;
      ws.subscribe(topic(room));
      ws.send(JSON.stringify({ type: "welcome", room, user, member, ...(worker ? { worker } : {}) }));
      ws.send(JSON.stringify({ type: "history", messages: await service.chat.recent(room) }));
      await send(room, { type: "presence", event: "join", user, at: new Date().toISOString() });
    },

    async message(ws, message) {
      const { room, user, member, recent } = ws.data;
      const text = typeof message === "string" ? message.trim() : "";
      if (text === "" || text.length > MAX_MESSAGE_LENGTH) {
        ws.send(
          JSON.stringify({
            type: "error",
            message: `Messages are 1 to ${MAX_MESSAGE_LENGTH} characters of text`,
          }),
        );
        return;
      }
      const now = Date.now();
      while (recent.length > 0 && now - recent[0]! > BURST_WINDOW_MS) recent.shift();
      if (recent.length >= BURST_MESSAGES) {
        ws.send(JSON.stringify({ type: "error", message: "Slow down a little" }));
        return;
      }
      recent.push(now);
      const chatMessage: ChatMessage = {
        type: "message",
        id: crypto.randomUUID(),
        room,
        user,
        member,
        text,
        at: new Date(now).toISOString(),
      };
      await send(room, chatMessage);
      await service.chat.add(chatMessage);
    },

    async close(ws) {
      const { room, user } = ws.data;
      await send(room, { type: "presence", event: "leave", user, at: new Date().toISOString() });
    },

    error(ws, error) {
      console.error(`[chat] connection of ${ws.data.user} in #${ws.data.room} failed:`, error);
    },
  });
}
