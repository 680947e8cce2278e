/** @harpia/test-client — in-process requests to a Harpia app, like Supertest, through `app.fetch`. */
export {
  type AddressSource,
  type FetchTarget,
  type RequestBody,
  TestClient,
  type TestClientOptions,
  TestRequest,
} from "./test-client";
