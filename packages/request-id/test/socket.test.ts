// Over a real socket: `listen()` hands plain routes to Bun's native router, static files go out
// through Bun's file path, and the client's bytes reach the app without `Headers` checks.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import harpia, { type ServerHandle } from "@harpia/core";
import { requestId } from "../src/index";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const dir = mkdtempSync(path.join(tmpdir(), "request-id-socket-"));
writeFileSync(path.join(dir, "hello.txt"), "hello");

const app = harpia({ logErrors: false });
app.use(requestId());
app.get("/id", (req) => req.state.requestId);
app.get("/users/:id", (req) => `${req.params.id} ${req.state.requestId}`);
app.static(dir, { prefix: "/files" });
let server: ServerHandle;
let base: string;

beforeAll(() => {
  server = app.listen({ port: 0, hostname: "127.0.0.1" });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await app.close({ timeout: 1000 });
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `head` as raw bytes (one byte per character) and returns the whole answer (the server closes the connection). */
async function raw(head: string): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  let answer = "";
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port: server.port!,
    socket: {
      data(_socket, chunk) {
        answer += chunk.toString("latin1");
      },
      close: () => resolve(answer),
      error: (_socket, error) => reject(error),
    },
  });
  socket.write(Buffer.from(head, "latin1"));
  const timer = setTimeout(() => socket.end(), 2000);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
  }
}

/** The value of `name` in a raw HTTP answer, or null. */
function headerOf(answer: string, name: string): string | null {
  const line = answer
    .split("\r\n\r\n")[0]!
    .split("\r\n")
    .find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line === undefined ? null : line.slice(name.length + 1).trim();
}

describe("over a socket", () => {
  test("a valid id is kept on a route (native router) and one with params", async () => {
    const res = await fetch(`${base}/id`, { headers: { "x-request-id": "wire-1" } });
    expect(await res.text()).toBe("wire-1");
    expect(res.headers.get("x-request-id")).toBe("wire-1");
    const user = await fetch(`${base}/users/7`, { headers: { "x-request-id": "wire-2" } });
    expect(await user.text()).toBe("7 wire-2");
    expect(user.headers.get("x-request-id")).toBe("wire-2");
  });

  test("no id: a UUIDv7 on the response and in the handler", async () => {
    const res = await fetch(`${base}/id`);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(UUID_V7);
    expect(await res.text()).toBe(id!);
  });

  test("a static file and a 404", async () => {
    const file = await fetch(`${base}/files/hello.txt`, { headers: { "x-request-id": "file-1" } });
    expect(await file.text()).toBe("hello");
    expect(file.headers.get("x-request-id")).toBe("file-1");
    const missing = await fetch(`${base}/nope`, { headers: { "x-request-id": "miss-1" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toBe("miss-1");
  });

  test("an oversized id sent raw is replaced", async () => {
    const answer = await raw(
      `GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${"z".repeat(5000)}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toStartWith("HTTP/1.1 200");
    expect(headerOf(answer, "x-request-id")).toMatch(UUID_V7);
    expect(answer).not.toContain("zzzz");
  });

  test("bytes outside the id alphabet sent raw are replaced, never echoed", async () => {
    // DEL, a Latin-1 byte, UTF-8 bytes, a tab and a space all reach the app; none is echoed.
    for (const bad of ["a\x7fb", "caf\xe9", "caf\xc3\xa9", "a\tb", "a b"]) {
      const answer = await raw(
        `GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${bad}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toStartWith("HTTP/1.1 200");
      expect(headerOf(answer, "x-request-id")).toMatch(UUID_V7);
    }
  });

  test("CR, LF and other control bytes never reach the response", async () => {
    // Bun's parser refuses them (400) before the app runs: nothing injected, nothing echoed.
    for (const bad of ["abc\rSet-Cookie: evil=1", "abc\nSet-Cookie: evil=1", "a\x00b", "a\x01b"]) {
      const answer = await raw(
        `GET /id HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${bad}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toStartWith("HTTP/1.1 400");
      expect(answer.toLowerCase()).not.toContain("evil");
      expect(headerOf(answer, "x-request-id")).toBeNull();
    }
  });
});
