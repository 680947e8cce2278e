import { MemoryStore } from "@harpia/core";
import { describeReadingApi } from "./reading-suite";

describeReadingApi("MemoryStore", () => new MemoryStore({ sweepIntervalSeconds: 0 }));
