import { expect, test } from "bun:test";
import { WebSocketHub } from "./hub";

/** What the hub needs of a request and a response to prepare an upgrade. */
const fakeRequest = (server: object) => ({ params: {}, query: {}, cookies: {}, raw: {}, server }) as any;
const fakeResponse = () => ({ status: () => {} }) as any;

test("a connection that opens after closeAll() is closed at once with the same code", () => {
  const hub = new WebSocketHub(() => {});
  const opened: string[] = [];
  let data: unknown;
  const server = {
    upgrade: (_raw: unknown, options: { data: unknown }) => {
      data = options.data;
      return true;
    },
  };
  const req = fakeRequest(server);
  const handlers = { open: () => void opened.push("open"), close: () => void opened.push("close") };
  hub.prepare(req, fakeResponse(), handlers, undefined);
  expect(hub.upgrade(req, fakeResponse())).toBe(true);
  hub.closeAll(1001, "Server shutting down");
  // Bun calls `open` for the upgraded connection only now (a handshake that was under way).
  const closes: [number, string][] = [];
  hub.handler.open!({
    data,
    close: (code: number, reason: string) => void closes.push([code, reason]),
  } as any);
  expect(closes).toEqual([[1001, "Server shutting down"]]);
  expect(opened).toEqual([]);
});
