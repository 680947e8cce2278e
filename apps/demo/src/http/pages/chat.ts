import type { HarpiaResponse } from "@harpia/core";
import type { FileRequest } from "@harpia/file-router";
import { pageMiddleware } from "../../middleware/pages";
import { isRoom, MAX_MESSAGE_LENGTH, ROOMS } from "../../services/chat-history";

/** `GET /chat?room=lobby`: the chat page; `public/js/chat.js` connects to `ws /chat/:room`. */
export default class ChatPage {
  routes = { "get /chat": "chat" };
  middleware = { "*": pageMiddleware };

  async chat(req: FileRequest, res: HarpiaResponse) {
    const room = isRoom(req.query.room) ? req.query.room : "lobby";
    await res.render("chat", { room, rooms: ROOMS, maxLength: MAX_MESSAGE_LENGTH });
  }
}
