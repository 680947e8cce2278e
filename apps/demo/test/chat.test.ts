import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import { startDemo } from "./support/demo";
import { csrfTokenOf, form } from "./support/forms";
import { handshake, openSocket, type TestSocket } from "./support/socket";

type StartedDemo = Awaited<ReturnType<typeof startDemo>>;

let demo: StartedDemo;
let base: string;
const sockets: TestSocket[] = [];

async function join(room: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket = await openSocket(`${base}/chat/${room}`, headers);
  sockets.push(socket);
  await socket.next((m) => m.type === "history");
  return socket;
}

beforeAll(async () => {
  demo = await startDemo({ listen: true, port: 0, hostname: "127.0.0.1" });
  base = demo.url!.href.replace(/^http/, "ws").replace(/\/$/, "");
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await demo.cleanup();
});

describe("WebSocket chat with rooms", () => {
  test("a message reaches everyone in the room, the sender included, and nobody elsewhere", async () => {
    const alice = await join("lobby");
    const bob = await join("lobby");
    const elsewhere = await join("random");
    const aliceName = (await alice.next((m) => m.type === "welcome")).user;
    expect(aliceName).toMatch(/^guest-[0-9a-f]{4}$/);
    alice.send("  hello, lobby  ");
    const received = await bob.next((m) => m.type === "message");
    expect(received).toMatchObject({ room: "lobby", user: aliceName, member: false, text: "hello, lobby" });
    await alice.next((m) => m.type === "message");
    elsewhere.send("ping");
    await elsewhere.next((m) => m.type === "message" && m.text === "ping");
    expect(elsewhere.messages.some((m) => m.text === "hello, lobby")).toBe(false);
    expect(bob.messages.some((m) => m.text === "ping")).toBe(false);
  });

  test("someone joining later gets the room's recent messages", async () => {
    const writer = await join("bun");
    writer.send("remember me");
    await writer.next((m) => m.type === "message" && m.text === "remember me");
    const late = await join("bun");
    const history = await late.next((m) => m.type === "history");
    expect(history.messages.map((m: { text: string }) => m.text)).toContain("remember me");
  });

  test("a signed-in visitor speaks under the account's name", async () => {
    const client = new TestClient(demo.app, { cookies: true });
    const token = csrfTokenOf(await (await client.get("/signup").execute()).text());
    await client
      .post("/signup")
      .send(form({ _csrf: token, username: "ada", password: "correct horse battery" }))
      .execute();
    const cookie = `harpia_demo_sid=${client.cookies.harpia_demo_sid}`;
    const ada = await join("random", { cookie });
    expect(await ada.next((m) => m.type === "welcome")).toMatchObject({ user: "ada", member: true });
    const listener = await join("random");
    ada.send("signed message");
    expect(await listener.next((m) => m.type === "message" && m.text === "signed message")).toMatchObject({
      user: "ada",
      member: true,
    });
  });

  test("empty, too long and too many messages get an error back and are not broadcast", async () => {
    const talker = await join("lobby");
    talker.send("x".repeat(501));
    expect((await talker.next((m) => m.type === "error")).message).toContain("1 to 500");
    for (let i = 0; i < 6; i++) talker.send(`burst ${i}`);
    await talker.next((m) => m.type === "error" && m.message === "Slow down a little");
    await Bun.sleep(100);
    const delivered = talker.messages.filter((m) => m.type === "message" && m.text.startsWith("burst"));
    expect(delivered.length).toBe(5);
  });

  test("an unknown room is a 404, a page of another site a 403, a plain GET a 426", async () => {
    const http = demo.url!.href.replace(/\/$/, "");
    expect((await handshake(`${http}/chat/secret-room`)).status).toBe(404);
    expect((await handshake(`${http}/chat/lobby`, { origin: "https://evil.example" })).status).toBe(403);
    expect((await fetch(`${http}/chat/lobby`)).status).toBe(426);
    const page = await fetch(`${http}/chat?room=bun`);
    expect(await page.text()).toContain('data-room="bun"');
  });
});
