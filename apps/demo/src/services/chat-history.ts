import type { AtomicStore } from "@harpia/core";

/**
 * The chat's rooms. A fixed list: room names come from URLs, and a room a client could invent
 * would be a history key a client could create without limit.
 */
export const ROOMS = ["lobby", "bun", "random"] as const;
/** One of {@link ROOMS}. */
export type Room = (typeof ROOMS)[number];

/** Longest chat message, in characters. */
export const MAX_MESSAGE_LENGTH = 500;
/** Messages a room keeps for people who join later. */
const HISTORY_LENGTH = 50;
/** A quiet room forgets its history after a day. */
const HISTORY_TTL_SECONDS = 24 * 60 * 60;

/** A chat message as stored and as sent to browsers (JSON). */
export interface ChatMessage {
  type: "message";
  id: string;
  room: Room;
  user: string;
  /** Whether `user` is a signed-in account (else a guest name). */
  member: boolean;
  text: string;
  at: string;
}

/** Whether `name` is one of {@link ROOMS}. */
export function isRoom(name: string | undefined): name is Room {
  return (ROOMS as readonly string[]).includes(name ?? "");
}

/** The last messages of each room, in a bounded list per room (`LPUSH` + `LTRIM` on Redis). */
export class ChatHistory {
  constructor(private readonly store: AtomicStore) {}

  private key(room: Room): string {
    return `chat:history:${room}`;
  }

  /** Keeps a message. */
  async add(message: ChatMessage): Promise<void> {
    await this.store.listPush(this.key(message.room), [message], {
      maxLength: HISTORY_LENGTH,
      ttlSeconds: HISTORY_TTL_SECONDS,
    });
  }

  /** The room's last messages, oldest first. */
  async recent(room: Room): Promise<ChatMessage[]> {
    return (await this.store.listRange<ChatMessage>(this.key(room), 0, HISTORY_LENGTH - 1)).reverse();
  }
}
