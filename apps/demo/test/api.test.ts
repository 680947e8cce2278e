import { afterAll, describe, expect, test } from "bun:test";
import { TestClient } from "@harpia/test-client";
import { app } from "../src/app";

describe("demo API", () => {
  const client = new TestClient(app);

  test("GET / says hello", async () => {
    const res = await client.get("/").execute();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Hello from Harpia");
  });

  test("a param route", async () => {
    expect(await (await client.get("/hello/Ada").execute()).json()).toEqual({ message: "Hello, Ada!" });
  });

  test("the prefixed books router: create, read, update, delete", async () => {
    const created = await client
      .post("/api/books")
      .json({ title: "Dune", author: "Frank Herbert" })
      .execute();
    expect(created.status).toBe(201);
    const book = await created.json();
    expect(created.headers.get("location")).toBe(`/api/books/${book.id}`);
    expect(await (await client.get(`/api/books/${book.id}`).execute()).json()).toEqual(book);
    const updated = await client
      .put(`/api/books/${book.id}`)
      .json({ title: "Dune Messiah", author: "Frank Herbert" })
      .execute();
    expect((await updated.json()).title).toBe("Dune Messiah");
    expect((await client.get("/api/books").query("q", "messiah").execute()).status).toBe(200);
    expect((await client.delete(`/api/books/${book.id}`).execute()).status).toBe(204);
    expect((await client.get(`/api/books/${book.id}`).execute()).status).toBe(404);
  });

  test("bad input gets 422 with the problems listed, wrong types 415", async () => {
    const res = await client.post("/api/books").json({ title: "" }).execute();
    expect(res.status).toBe(422);
    expect((await res.json()).details.problems).toEqual(["title is required", "author is required"]);
    expect((await client.put("/api/books/1").send("title=x").execute()).status).toBe(415);
  });

  test("a non-numeric id does not match the route", async () => {
    expect((await client.get("/api/books/abc").execute()).status).toBe(404);
  });
});

describe("bun run demo", () => {
  const proc = Bun.spawn(["bun", "run", "start"], {
    cwd: `${import.meta.dir}/..`,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdout: "pipe",
    stderr: "inherit",
  });
  afterAll(() => proc.kill());

  test("starts and answers on the announced port", async () => {
    const reader = proc.stdout.getReader();
    let output = "";
    while (!output.includes("listening on")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    const url = output.match(/listening on (\S+)/)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(url!)).status).toBe(200);
  });
});
