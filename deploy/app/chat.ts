import { type Harpia, type HarpiaRequest, HttpError } from "@harpia/core";

const ROOM = /^[a-z0-9-]{1,32}$/;
const MAX_TEXT = 1000;
/** Messages one connection may send per {@link BURST_WINDOW_MS}; more are refused, not queued. */
const BURST_MESSAGES = 20;
const BURST_WINDOW_MS = 1_000;

/** What a chat connection keeps (`ws.data`). */
interface ChatConnection {
  user: string;
  recent: number[];
}

/** A chat message as every subscriber receives it. */
export interface ChatMessage {
  type: "message";
  id: string;
  room: string;
  from: string;
  text: string;
  /** The instance that published it. */
  via: string;
}

const topic = (room: string) => `room:${room}`;

function roomOf(req: HarpiaRequest<any>): string {
  const room = String(req.params.room);
  if (!ROOM.test(room))
    throw new HttpError(404, "Rooms are 1 to 32 of a-z, 0-9 and '-'", { code: "NO_ROOM" });
  return room;
}

function textOf(value: unknown): string {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "" || text.length > MAX_TEXT)
    throw new HttpError(422, `Messages are 1 to ${MAX_TEXT} characters of text`, { code: "INVALID_TEXT" });
  return text;
}

function signedIn(req: HarpiaRequest<any>): string {
  const user = req.session.user;
  if (user === undefined) throw new HttpError(401, "Sign in first", { code: "SIGNED_OUT" });
  return user;
}

/**
 * `ws /chat/:room` for signed-in users, and `POST /chat/:room` to speak from HTTP. Messages go
 * out with `app.publish`, which the Redis fan-out carries to every instance: each subscriber
 * gets each message once, whichever instance it is connected to.
 */
export function registerChat(app: Harpia, instanceId: string): void {
  const publish = (room: string, from: string, text: string): ChatMessage => {
    const message: ChatMessage = {
      type: "message",
      id: crypto.randomUUID(),
      room,
      from,
      text,
      via: instanceId,
    };
    app.publish(topic(room), JSON.stringify(message));
    return message;
  };

  // Core refuses handshakes from other sites' pages (403 WS_ORIGIN_REFUSED) before this runs:
  // browsers would send the visitor's cookies with them.
  app.ws("/chat/:room", {
    upgrade(req): ChatConnection {
      roomOf(req);
      return { user: signedIn(req), recent: [] };
    },
    open(ws) {
      ws.subscribe(topic(ws.data.params.room));
      ws.send(
        JSON.stringify({
          type: "welcome",
          room: ws.data.params.room,
          user: ws.data.user,
          instance: instanceId,
        }),
      );
    },
    message(ws, raw) {
      const { user, recent } = ws.data;
      const now = Date.now();
      while (recent.length > 0 && now - recent[0]! > BURST_WINDOW_MS) recent.shift();
      if (recent.length >= BURST_MESSAGES) {
        ws.send(JSON.stringify({ type: "error", message: "Slow down" }));
        return;
      }
      let text: string;
      try {
        text = textOf(typeof raw === "string" ? raw : undefined);
      } catch (error) {
        ws.send(JSON.stringify({ type: "error", message: (error as Error).message }));
        return;
      }
      recent.push(now);
      publish(ws.data.params.room, user, text);
    },
  });

  app.post("/chat/:room", (req) => {
    const room = roomOf(req);
    const user = signedIn(req);
    const message = publish(room, user, textOf((req.body as { text?: unknown } | undefined)?.text));
    return { id: message.id, instance: instanceId };
  });
}
