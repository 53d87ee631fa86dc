import { expect, type Locator, type Page } from "@playwright/test";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// What several specs do the same way: accounts, signing in, and waiting for hydration.
export const password = "correct horse battery";

export async function register(page: Page, who: { email: string; name: string }) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("whoami")).toContainText(who.name);
}

export async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // On failure, say what the page said (a refused password, a rate limit) rather than only
  // that the signed-in marker is missing.
  await page.getByTestId("whoami").waitFor({ timeout: 10_000 }).catch(async () => {
    const said = (await page.locator("main").innerText().catch(() => "")).slice(0, 400);
    throw new Error(`signing in as ${email} failed; the page says: ${said}`);
  });
}

// The layout sets the marker only once the page's own chunk (lazy routes) and any
// deferred widget have arrived and hydrated (app/src/components/loading.rs). A bundle on a
// busy two-core machine can take a while to compile.
export async function hydrated(page: Page) {
  await expect(page.locator('main[data-hydrated="true"]')).toBeVisible({ timeout: 30_000 });
}

/** A free TCP port on 127.0.0.1, for a test peer. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 30 s`);
}

/** httpbin under gunicorn on a free loopback port (scripts/test installs it, WP_PEER_GUNICORN);
 *  `stop` ends it. The server under test reaches it once an admin allow-lists 127.0.0.1
 *  (accounts.spec does, and runs first). */
export async function startHttpbin(): Promise<{ url: string; stop: () => void }> {
  const gunicorn = process.env.WP_PEER_GUNICORN;
  if (!gunicorn) throw new Error("run through scripts/test, which installs the peers (WP_PEER_*)");
  const port = await freePort();
  const child = spawn(gunicorn, ["--no-control-socket", "-b", `127.0.0.1:${port}`, "-k", "gthread", "--threads", "4", "httpbin:app"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/get`);
  return { url, stop: () => child.kill() };
}

/** Types into an input and leaves it, which commits the edit (a `change` event). */
export async function commit(input: Locator, text: string) {
  await input.fill(text);
  await input.press("Tab");
}

/** Creates a wizard named `name` from the Wizards page, opens it in the builder, adds a
 *  first step titled `step`, and returns the builder's path. */
export async function newWizard(page: Page, name: string, step: string): Promise<string> {
  await page.goto("/wizards");
  await hydrated(page);
  await page.locator("#new-name").fill(name);
  await page.getByRole("button", { name: "Create wizard" }).click();
  await expect(page).toHaveURL(/\/wizards\/[0-9a-f-]{36}$/);
  const path = new URL(page.url()).pathname;
  await hydrated(page);
  await page.getByTestId("add-step").click();
  await commit(page.getByTestId("step-editor").getByTestId("step-title"), step);
  return path;
}

/** In the builder: adds a field of `type` to the selected step, labels it, checks the key
 *  derived from the label, and returns the card (addressed by that key). */
export async function addField(page: Page, type: string, label: string, key: string): Promise<Locator> {
  const editor = page.getByTestId("step-editor");
  await editor.getByTestId("add-field-type").selectOption(type);
  await editor.getByTestId("add-field").click();
  const added = editor.getByTestId("option-set").last();
  await commit(added.getByTestId("os-label"), label);
  await expect(added.getByTestId("os-key")).toHaveValue(key);
  return editor.locator(`[data-testid="option-set"][data-key="${key}"]`);
}

/** Where accounts.spec (which runs first, and registers the first account: the admin)
 *  leaves the admin's email for the specs after it, one file per server under test. */
function adminFile(): string {
  const base = process.env.WP_BASE_URL ?? "http://127.0.0.1:3000";
  return join(tmpdir(), `wp-e2e-admin-${base.replace(/[^a-z0-9]+/gi, "_")}.json`);
}

export function rememberAdmin(email: string) {
  writeFileSync(adminFile(), JSON.stringify({ email }));
}

export function adminEmail(): string {
  return JSON.parse(readFileSync(adminFile(), "utf8")).email;
}

/** A stub OpenAI-compatible language model on a free loopback port: every
 *  `POST …/chat/completions` gets `reply` as the assistant's message, and the request
 *  bodies are kept in `asked`. */
export async function startStubModel(
  reply: string,
): Promise<{ url: string; asked: unknown[]; stop: () => void }> {
  const asked: unknown[] = [];
  const server = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      asked.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        id: "chatcmpl-e2e",
        object: "chat.completion",
        choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: reply } }],
      }));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/v1`, asked, stop: () => server.close() };
}

/** A stub Salesforce REST API on a free loopback port. `POST /services/data/<v>/sobjects/<Type>`
 *  with `Authorization: Bearer <token>` and a JSON object body answers 201 with
 *  `{id, success, errors}` as Salesforce does, and keeps what it created in `created`; a
 *  wrong token gets Salesforce's 401. */
export async function startStubSalesforce(
  token: string,
): Promise<{ url: string; created: { type: string; body: unknown }[]; stop: () => void }> {
  const created: { type: string; body: unknown }[] = [];
  const server = createHttpServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) {
        json(401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
        return;
      }
      const m = /^\/services\/data\/v\d+\.\d+\/sobjects\/(\w+)$/.exec(req.url ?? "");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (req.method !== "POST" || !m || typeof body !== "object" || body === null || Array.isArray(body)) {
        json(400, [{ message: "Malformed request", errorCode: "MALFORMED_QUERY" }]);
        return;
      }
      created.push({ type: m[1], body });
      json(201, { id: `00Q${String(created.length).padStart(15, "0")}`, success: true, errors: [] });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, created, stop: () => server.close() };
}
