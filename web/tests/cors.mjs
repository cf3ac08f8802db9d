// Cross-origin calls from a real browser, driven by hub/tests/cors.rs: a page of one origin
// (http://127.0.0.1:PORT) calls the gateway on another (http://localhost:PORT, the same server)
// as a chat front-end does (/v1 with a user's key, its request id read from the answer) and as
// the TypeScript client's browser entry does (Connect JSON to the control plane, its origin
// listed by the server); a page of an unlisted origin cannot call the control plane. Prints one
// JSON line with what it saw for the Rust side to check.
//
// Env: LISTED_URL (the origin the server's admin list names), OTHER_URL (the same server under
// another name), KEY (a relay key), ADMIN_KEY, MODEL, CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";

const WAIT_MS = 10_000;
const TOTAL_MS = 60_000;
const { LISTED_URL: listed, OTHER_URL: other, KEY: key, ADMIN_KEY: adminKey, MODEL: model } = process.env;
if (!listed || !other || !key || !adminKey || !model) {
  console.error("LISTED_URL, OTHER_URL, KEY, ADMIN_KEY and MODEL are required");
  process.exit(2);
}
const guard = setTimeout(() => {
  console.error(`the browser run took longer than ${TOTAL_MS} ms`);
  process.exit(3);
}, TOTAL_MS);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
  timeout: WAIT_MS,
});
let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);

  // A page of the listed origin (any answer of the server without a CSP will do as a page).
  await page.goto(`${listed}/api/status`);
  const chat = await page.evaluate(
    async ({ url, key, model }) => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      const body = await response.json();
      return { status: response.status, requestId: response.headers.get("x-request-id"), content: body.choices?.[0]?.message?.content ?? "" };
    },
    { url: other, key, model },
  );
  const connect = await page.evaluate(
    async ({ url, adminKey }) => {
      const response = await fetch(`${url}/aiproxy.admin.v1.GroupService/ListGroups`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json", "connect-protocol-version": "1" },
        body: "{}",
      });
      const body = await response.json();
      return { status: response.status, groups: (body.groups ?? []).map((group) => group.id) };
    },
    { url: other, adminKey },
  );

  // A page of the other origin: the control plane does not answer it, so fetch fails.
  await page.goto(`${other}/api/status`);
  const unlisted = await page.evaluate(
    async ({ url, adminKey }) => {
      try {
        await fetch(`${url}/aiproxy.admin.v1.GroupService/ListGroups`, {
          method: "POST",
          headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json", "connect-protocol-version": "1" },
          body: "{}",
        });
        return "answered";
      } catch (error) {
        return `refused: ${error.name}`;
      }
    },
    { url: listed, adminKey },
  );
  console.log(JSON.stringify({ chat, connect, unlisted }));
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  clearTimeout(guard);
  await browser.close();
}
process.exit(failed ? 1 : 0);
