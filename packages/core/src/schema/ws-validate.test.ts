import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { z } from "zod";
import { openSocket, rawHandshake } from "../../test/support/websocket";
import harpia, { Router, type ServerHandle } from "../index";

describe("WebSocket route schemas (real socket)", () => {
  const app = harpia({ logErrors: false });
  const received: unknown[] = [];
  app.ws("/rooms/:room", {
    schema: {
      params: z.object({ room: z.string().regex(/^[a-z]+$/) }),
      query: z.object({ as: z.string().default("guest") }),
      message: z.object({ text: z.string().max(20), to: z.string().optional() }),
    },
    open(ws) {
      ws.send(JSON.stringify({ room: ws.data.params.room, as: ws.data.query.as }));
    },
    message(ws, message) {
      received.push(message);
      ws.send(`got ${message.text}`);
    },
  });
  const api = Router("/api", { schema: { headers: v.object({ "x-tenant": v.string() }) } });
  api.ws("/live", {
    open(ws) {
      ws.send("live");
    },
  });
  app.routes(api);
  let handle: ServerHandle;
  let base: string;
  beforeAll(() => {
    handle = app.listen({ port: 0, hostname: "127.0.0.1" });
    base = `ws://127.0.0.1:${handle.port}`;
  });
  afterAll(async () => {
    await app.stop(true);
  });

  test("valid messages reach the handler as the schema's output; invalid ones get an error frame", async () => {
    const client = await openSocket(`${base}/rooms/lobby?as=ana`);
    expect(JSON.parse(await client.next())).toEqual({ room: "lobby", as: "ana" });
    client.send(JSON.stringify({ text: "hello", extra: true }));
    expect(await client.next()).toBe("got hello");
    client.send(JSON.stringify({ text: "x".repeat(30) }));
    const frame = JSON.parse(await client.next());
    expect(frame).toMatchObject({ type: "error", code: "VALIDATION_FAILED" });
    expect(frame.errors).toEqual([expect.objectContaining({ in: "message", path: "/text" })]);
    client.send("not json");
    expect(JSON.parse(await client.next()).errors[0]).toMatchObject({ in: "message", path: "" });
    client.send(JSON.stringify({ text: "bye" }));
    expect(await client.next()).toBe("got bye");
    expect(received).toEqual([{ text: "hello" }, { text: "bye" }]);
    client.close();
  });

  test("params, query and headers are checked at the handshake: 422 before any upgrade", async () => {
    const badRoom = await rawHandshake(handle.port!, "/rooms/Lobby1");
    expect(badRoom.status).toBe(422);
    const noTenant = await rawHandshake(handle.port!, "/api/live");
    expect(noTenant.status).toBe(422);
    const client = await openSocket(`${base}/api/live`, { "x-tenant": "t1" });
    expect(await client.next()).toBe("live");
    client.close();
  });
});
