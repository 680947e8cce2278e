import { afterAll } from "bun:test";
import { RedisStore } from "@harpia/store-redis";
import { testRedis } from "../../store-redis/test/support/target";
import { describeReadingApi } from "../test/support/reading-suite";
import { uniquePrefix } from "../test/support/test-support";

const store = new RedisStore(testRedis.connection(), { prefix: uniquePrefix("telemetry-reading") });

afterAll(async () => {
  await store.clear();
  await store.close();
});

describeReadingApi("RedisStore", () => store);
