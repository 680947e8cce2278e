import { afterAll } from "bun:test";
import { RedisStore } from "@harpia/store-redis";
import { describeReadingApi } from "../test/support/reading-suite";
import { REDIS_URL, uniquePrefix } from "../test/support/test-support";

const store = new RedisStore({ url: REDIS_URL }, { prefix: uniquePrefix("telemetry-reading") });

afterAll(async () => {
  await store.clear();
  await store.close();
});

describeReadingApi("RedisStore", () => store);
