// The seed's Test Client examples, as written there with TestClient from @harpia/test-client,
// against a Harpia app (the seed's `import { app } from "start/server"`). They live here
// because core already depends on the test client for its tests (the reverse would be a cycle).
import { describe, expect, test } from "bun:test";
import path from "node:path";
import harpia from "@harpia/core";
import { TestClient } from "@harpia/test-client";

const uploads = path.join(import.meta.dir, "..", "..", "test-client", "src", "fixtures");

const app = harpia();
app.get("/hello", (req, res) => {
  if (req.header("authorization") !== "Bearer token123")
    return res.status(401).json({ message: "Unauthorized" });
  res.json({ number: req.query.number });
});
app.post("/user", (req, res) => res.status(201).json({ id: 1, ...(req.body as object) }));
app.post("/upload", (req, res) =>
  res.json({
    fields: req.body,
    files: req.files.map((f) => ({ field: f.fieldname, name: f.originalname, type: f.mimetype })),
  }),
);
app.get("/protected", (req, res) =>
  req.header("authorization") === "Bearer token123" ? res.send("ok") : res.status(401).send("no"),
);
app.post("/raw", async (req, res) => res.send(String(req.body)));

describe("seed: Test Client", () => {
  test("GET /hello returns status 401", async () => {
    const request = new TestClient(app).get("/hello").query("number", "123456"); // Add query parameter

    const response = await request.execute();

    // Validate the response
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "Unauthorized" });
  });

  test("POST /user returns status 201", async () => {
    const request = new TestClient(app).post("/user").json({ name: "John", age: 30 }); // Send JSON data

    const response = await request.execute();

    // Validate the response
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: 1, name: "John", age: 30 });
  });

  test("POST /user with the payload as a JSON string, as the original accepted", async () => {
    const response = await new TestClient(app).post("/user").json('{"name":"John","age":30}').execute();
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: 1, name: "John", age: 30 });
  });

  test("POST /upload handles file upload", async () => {
    const filePath = path.resolve(uploads, "./image1.jpg");

    const request = new TestClient(app)
      .post("/upload")
      .file({ file: filePath }) // Upload a single file
      .formData({ username: "example" }); // Add form data

    const response = await request.execute();
    expect(await response.json()).toEqual({
      fields: { username: "example" },
      files: [{ field: "file", name: "image1.jpg", type: "image/jpeg" }],
    });
  });

  test("POST /upload handles multiple files", async () => {
    const filePath1 = path.resolve(uploads, "./image1.jpg");
    const filePath2 = path.resolve(uploads, "./image2.jpg");

    const request = new TestClient(app).post("/upload").files({ files: [filePath1, filePath2] }); // Upload multiple files

    const response = await request.execute();
    expect((await response.json()).files).toEqual([
      { field: "files", name: "image1.jpg", type: "image/jpeg" },
      { field: "files", name: "image2.jpg", type: "image/jpeg" },
    ]);
  });

  test("GET /protected requires authorization", async () => {
    const request = new TestClient(app).get("/protected").set("Authorization", "Bearer token123"); // Set custom header

    const response = await request.execute();

    expect(response.status).toBe(200);
  });

  test("POST /raw sends raw data", async () => {
    const request = new TestClient(app).post("/raw").send("raw data"); // Send raw data

    const response = await request.execute();

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("raw data");
  });

  test("mixing body kinds and missing files are errors, as the seed says", () => {
    expect(() => new TestClient(app).post("/user").formData({ a: "1" }).json({ b: 2 })).toThrow(
      /one body kind/,
    );
    expect(() =>
      new TestClient(app).post("/upload").file({ file: path.resolve(uploads, "nope.jpg") }),
    ).toThrow(/file not found/);
  });
});
