import { describe, expect, expectTypeOf, test } from "bun:test";
import { harpia } from "../app";
import type { RequestCookies } from "../cookies";
import { Router } from "../group";
import type { HarpiaWebSocket, WsData } from "./types";

// These tests are checked by `tsc` (the package's type check); at run time they only register routes.

describe("ws.data types", () => {
  test("params come from the path, data from the upgrade hook's result", () => {
    const app = harpia();
    app.ws("/rooms/:room/users/:id", {
      upgrade(req) {
        expectTypeOf(req.params).toEqualTypeOf<{ room: string; id: string }>();
        return { user: "alice", admin: false };
      },
      open(ws) {
        expectTypeOf(ws.data.params).toEqualTypeOf<{ room: string; id: string }>();
        expectTypeOf(ws.data.user).toEqualTypeOf<string>();
        expectTypeOf(ws.data.admin).toEqualTypeOf<boolean>();
        expectTypeOf(ws.data.query).toEqualTypeOf<Record<string, string>>();
        expectTypeOf(ws.data.cookies).toEqualTypeOf<RequestCookies>();
        // @ts-expect-error: no such param in the path
        void ws.data.params.name;
        // @ts-expect-error: the upgrade hook returned no such field
        void ws.data.missing;
      },
      message(ws, message) {
        expectTypeOf(message).toEqualTypeOf<string | Buffer<ArrayBuffer>>();
        expectTypeOf(ws.data.user).toEqualTypeOf<string>();
      },
      close(_ws, code, reason) {
        expectTypeOf(code).toEqualTypeOf<number>();
        expectTypeOf(reason).toEqualTypeOf<string>();
      },
    });
    expect(app.wsList().length).toBe(1);
  });

  test("the seed's explicit generic types ws.data", () => {
    type CustomWebSocketData = { userId: string; username: string; sessionId: string };
    const routes = Router();
    routes.ws<CustomWebSocketData>("/chat", {
      open(ws) {
        expectTypeOf(ws).toEqualTypeOf<HarpiaWebSocket<WsData & CustomWebSocketData>>();
        ws.data.userId = "123";
        // @ts-expect-error: userId is a string
        ws.data.userId = 123;
      },
      error(_ws, error) {
        expectTypeOf(error).toEqualTypeOf<unknown>();
      },
    });
    expect(routes.wsList().length).toBe(1);
  });

  test("a router prefix's params are part of ws.data.params", () => {
    const org = Router("orgs/:org");
    org.ws("/feed/:feed", {
      open(ws) {
        expectTypeOf(ws.data.params).toEqualTypeOf<{ org: string; feed: string }>();
      },
    });
    expect(org.wsList().length).toBe(1);
  });

  test("a data declaration types ws.data without a generic", () => {
    const app = harpia();
    app.ws("/declared/:id", {
      data: {} as { score: number },
      open(ws) {
        expectTypeOf(ws.data.score).toEqualTypeOf<number>();
        expectTypeOf(ws.data.params.id).toEqualTypeOf<string>();
      },
    });
    // @ts-expect-error: upgrade must return connection data (an object), not a number
    app.ws("/wrong", { upgrade: () => 42 });
    expect(app.wsList().length).toBe(2);
  });
});
