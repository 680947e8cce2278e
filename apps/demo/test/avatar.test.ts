import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdir } from "node:fs/promises";
import { TestClient } from "@harpia/test-client";
import { AVATAR_MAX_BYTES } from "../src/services";
import { startDemo } from "./support/demo";
import { csrfTokenOf, form } from "./support/forms";
import { makePng } from "./support/png";

type StartedDemo = Awaited<ReturnType<typeof startDemo>>;

let demo: StartedDemo;
let client: TestClient;
let token: string;

async function page(path: string): Promise<string> {
  return (await client.get(path).set("accept", "text/html").execute()).text();
}

function upload(file: File, csrf: string | null = token) {
  return client
    .post("/account/avatar")
    .set("accept", "application/json")
    .formData(csrf === null ? { avatar: file } : { _csrf: csrf, avatar: file })
    .execute();
}

const saved = () => readdir(demo.services.settings.uploadDir);

beforeAll(async () => {
  demo = await startDemo();
  client = new TestClient(demo.app, { cookies: true });
  const signupToken = csrfTokenOf(await page("/signup"));
  await client
    .post("/signup")
    .send(form({ _csrf: signupToken, username: "painter", password: "correct horse battery" }))
    .execute();
  token = csrfTokenOf(await page("/account"));
});
afterAll(() => demo.cleanup());

describe("profile picture upload", () => {
  test("a PNG is saved, shown on the account page and served back byte for byte", async () => {
    const png = makePng(48, [107, 79, 224], [255, 180, 90]);
    const res = await upload(new File([png], "me.png", { type: "image/png" }));
    expect(res.status).toBe(303);
    const account = await page("/account");
    const src = /<img class="avatar large" src="(\/avatars\/avatar-[\w.-]+\.png)"/.exec(account)?.[1];
    expect(src).toBeDefined();
    const image = await client.get(src!).execute();
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("cache-control")).toContain("immutable");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(png);
  });

  test("a new picture replaces the old one on disk", async () => {
    const before = await saved();
    expect(before).toHaveLength(1);
    const res = await upload(
      new File([makePng(16, [0, 0, 0], [255, 255, 255])], "two.png", { type: "image/png" }),
    );
    expect(res.status).toBe(303);
    const after = await saved();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect((await client.get(`/avatars/${before[0]}`).execute()).status).toBe(404);
  });

  test("a text file named .png is refused (415): the bytes are checked", async () => {
    const res = await upload(new File(["<svg onload=alert(1)>"], "evil.png", { type: "image/png" }));
    expect(res.status).toBe(415);
    expect((await res.json()).code).toBe("FILE_CONTENT_MISMATCH");
  });

  test("other formats are refused (415) and big pictures too (413)", async () => {
    const svg = await upload(new File(["<svg/>"], "logo.svg", { type: "image/svg+xml" }));
    expect(svg.status).toBe(415);
    const big = new Uint8Array(AVATAR_MAX_BYTES + 1);
    big.set(makePng(2, [0, 0, 0], [0, 0, 0]));
    const tooBig = await upload(new File([big], "big.png", { type: "image/png" }));
    expect(tooBig.status).toBe(413);
  });

  test("without the CSRF token nothing is written (403)", async () => {
    const before = await saved();
    const res = await upload(
      new File([makePng(8, [1, 2, 3], [4, 5, 6])], "x.png", { type: "image/png" }),
      null,
    );
    expect(res.status).toBe(403);
    expect(await saved()).toEqual(before);
  });

  test("signed-out visitors cannot upload (401)", async () => {
    const stranger = new TestClient(demo.app, { cookies: true });
    const strangerToken = csrfTokenOf(await (await stranger.get("/login").execute()).text());
    const res = await stranger
      .post("/account/avatar")
      .set("accept", "application/json")
      .formData({ _csrf: strangerToken, avatar: new File([makePng(8, [0, 0, 0], [0, 0, 0])], "a.png") })
      .execute();
    expect(res.status).toBe(401);
  });
});
