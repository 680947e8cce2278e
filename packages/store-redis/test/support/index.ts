// Helpers for the Redis tests of every package (not shipped): a real Redis, never a mock.

export * from "./clients";
export * from "./durability";
export * from "./failover";
export * from "./load";
export * from "./redis";
export * from "./target";
export * from "./topology";
export * from "./ws";
