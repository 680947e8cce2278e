import { MemoryStore } from "@harpia/core";
import { describeReadingApi } from "../test/support/reading-suite";

describeReadingApi("MemoryStore", () => new MemoryStore({ sweepIntervalSeconds: 0 }));
