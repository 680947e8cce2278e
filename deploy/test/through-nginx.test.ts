import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ChatClient } from "./support/chat";
import { User } from "./support/client";
import { type Deployment, INSTANCES, startDeployment } from "./support/deployment";
import { waitUntil } from "./support/processes";

/**
 * Three instances of the example app behind nginx (round robin, no sticky sessions), on a
 * Redis Cluster: whatever instance answers, the user sees one app.
 */
const API_LIMIT = 30;
let deployment: Deployment;

beforeAll(async () => {
  deployment = await startDeployment({ apiLimit: API_LIMIT });
}, 60_000);

afterAll(async () => {
  await deployment?.stop();
}, 30_000);

/** Counts of answers per instance. */
function tally(responses: Response[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const res of responses) {
    const id = res.headers.get("x-instance") ?? "?";
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("through nginx", () => {
  test("requests are spread round robin over every instance", async () => {
    const responses: Response[] = [];
    for (let i = 0; i < 3 * INSTANCES; i++) responses.push(await fetch(`${deployment.base}/`));
    expect(responses.every((res) => res.status === 200)).toBe(true);
    expect([...tally(responses).entries()].sort()).toEqual(deployment.ids.map((id) => [id, 3]));
  });

  test("a session created through one instance is read through the others", async () => {
    const user = new User(deployment.base, "ada");
    const loggedInBy = await user.login();
    const seen = new Map<string, string | null>();
    for (let i = 0; i < 2 * INSTANCES && seen.size < INSTANCES; i++) {
      const { user: name, instance } = await user.refreshToken();
      seen.set(instance, name);
    }
    expect(deployment.ids).toContain(loggedInBy);
    expect([...seen.keys()].sort()).toEqual(deployment.ids);
    expect([...seen.values()]).toEqual(["ada", "ada", "ada"]);

    // Signing out through one instance signs out everywhere.
    const out = await user.request("/logout", { method: "POST" });
    expect(out.status).toBe(200);
    seen.clear();
    for (let i = 0; i < 2 * INSTANCES && seen.size < INSTANCES; i++) {
      const { user: name, instance } = await user.refreshToken();
      seen.set(instance, name);
    }
    expect([...seen.values()]).toEqual([null, null, null]);
  });

  test("req.ip and req.protocol are nginx's word, not the client's headers", async () => {
    const forged = { "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https" };
    const answers = await Promise.all(
      Array.from({ length: INSTANCES }, () => fetch(`${deployment.base}/whoami`, { headers: forged })),
    );
    const bodies = (await Promise.all(answers.map((res) => res.json()))) as {
      ip: string;
      protocol: string;
    }[];
    expect(tally(answers).size).toBe(INSTANCES);
    for (const body of bodies) expect(body).toMatchObject({ ip: "127.0.0.1", protocol: "http" });
  });

  test("a chat message published on one instance reaches every client once, whichever instance holds it", async () => {
    const user = new User(deployment.base, "grace");
    await user.login();
    const url = `${deployment.base.replace("http", "ws")}/chat/lobby`;
    const clients: ChatClient[] = [];
    try {
      // Round robin puts consecutive handshakes on different instances: two clients on each.
      for (let i = 0; i < 4 * INSTANCES; i++) {
        const perInstance = tally([]);
        for (const client of clients)
          perInstance.set(client.instance!, (perInstance.get(client.instance!) ?? 0) + 1);
        if (deployment.ids.every((id) => (perInstance.get(id) ?? 0) >= 2)) break;
        const client = new ChatClient(url, user.cookieHeader);
        await client.connect();
        clients.push(client);
      }
      for (const id of deployment.ids) expect(clients.some((client) => client.instance === id)).toBe(true);

      // One message published through each instance (HTTP), one from a socket.
      const ids: string[] = [];
      const publishedBy = new Set<string>();
      for (let i = 0; i < INSTANCES; i++) {
        const res = await user.request("/chat/lobby", { method: "POST", json: { text: `hello ${i}` } });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { id: string; instance: string };
        ids.push(body.id);
        publishedBy.add(body.instance);
      }
      expect(publishedBy.size).toBe(INSTANCES);
      const sender = new WebSocket(url, { headers: { cookie: user.cookieHeader } } as any);
      await new Promise((resolve) => sender.addEventListener("message", resolve, { once: true }));
      sender.send("from a socket");
      await waitUntil(
        "the socket's message",
        () => clients[0]!.messages.some((m) => m.text === "from a socket"),
        5_000,
      );
      ids.push(clients[0]!.messages.find((m) => m.text === "from a socket")!.id);
      sender.close();

      await waitUntil(
        "every client to have every message",
        () => clients.every((c) => ids.every((id) => c.copies(id) >= 1)),
        5_000,
      );
      await Bun.sleep(200); // a duplicate would arrive within this
      for (const client of clients) {
        expect(ids.map((id) => client.copies(id))).toEqual(ids.map(() => 1));
        expect(client.failures).toEqual([]);
      }
    } finally {
      for (const client of clients) client.close();
    }
  });

  test("a page of the app's own origin may open a socket through nginx; another site's may not", async () => {
    const user = new User(deployment.base, "ada");
    await user.login();
    const url = `${deployment.base.replace("http", "ws")}/chat/lobby`;
    /** "open" once the socket sent its first message, else the close code. */
    const handshake = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url, { headers: { cookie: user.cookieHeader, origin } } as any);
        socket.addEventListener("message", () => {
          resolve("open");
          socket.close();
        });
        socket.addEventListener("close", (event) => resolve(`closed ${event.code}`));
      });
    // The origin the browser addressed includes nginx's port: the app must see it
    // (X-Forwarded-Host $http_host), or its own pages would be refused as another site.
    for (let i = 0; i < INSTANCES; i++) expect(await handshake(deployment.base)).toBe("open");
    expect(await handshake("https://evil.example")).not.toBe("open");
  });

  test(`the rate limit is exact across instances: ${API_LIMIT} of ${2 * API_LIMIT} concurrent requests pass`, async () => {
    const responses = await Promise.all(
      Array.from({ length: 2 * API_LIMIT }, () => fetch(`${deployment.base}/api/report`)),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 200).length).toBe(API_LIMIT);
    expect(statuses.filter((status) => status === 429).length).toBe(API_LIMIT);
    // Spread over every instance (a limit per instance would have let all 60 through).
    const perInstance = tally(responses);
    expect([...perInstance.keys()].sort()).toEqual(deployment.ids);
    for (const count of perInstance.values()) expect(count).toBeGreaterThanOrEqual(10);
  });

  test("telemetry totals are exact across instances", async () => {
    const read = async () => {
      const res = await fetch(`${deployment.base}/admin/stats?path=/`);
      expect(res.status).toBe(200);
      return (await res.json()) as { summary: { totalRequests: number }; page: { views: number } };
    };
    // Earlier tests' recordings are written after their responses: wait until the totals settle.
    let before = await read();
    for (let i = 0; i < 50; i++) {
      await Bun.sleep(100);
      const again = await read();
      if (again.summary.totalRequests === before.summary.totalRequests) break;
      before = again;
    }
    const requests = 30 * INSTANCES;
    const responses = await Promise.all(Array.from({ length: requests }, () => fetch(`${deployment.base}/`)));
    expect(responses.every((res) => res.status === 200)).toBe(true);
    expect(tally(responses).size).toBe(INSTANCES);

    let after = await read();
    await waitUntil(
      "telemetry to count every request",
      async () => {
        after = await read();
        return after.page.views - before.page.views >= requests;
      },
      5_000,
      50,
    );
    await Bun.sleep(300); // an extra count would land within this
    after = await read();
    expect(after.page.views - before.page.views).toBe(requests);
    expect(after.summary.totalRequests - before.summary.totalRequests).toBe(requests);
  });
});
