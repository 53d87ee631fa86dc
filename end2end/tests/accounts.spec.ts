import { test, expect, type APIResponse, type Page } from "@playwright/test";
import { hydrated, password, register, rememberAdmin, signIn, startHttpbin } from "./helpers";

// One run against a fresh data directory: the first account registered becomes admin.
const stamp = Date.now();
const admin = { email: `admin-${stamp}@example.com`, name: "Ada Admin" };
const second = { email: `bob-${stamp}@example.com`, name: "Bob Builder" };

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("whoami")).toHaveCount(0);
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

test.describe.serial("accounts", () => {
  test("the first account is admin, sees Admin, signs out and back in", async ({ page }) => {
    await register(page, admin);
    rememberAdmin(admin.email);
    await expect(page).toHaveURL(/\/$/);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toBeVisible();
    for (const item of ["Gallery", "My Wizards", "My Runs", "Store"]) {
      await expect(nav(page).getByRole("link", { name: item })).toBeVisible();
    }
    // The gallery opens with the seeded templates.
    await expect(page.getByTestId("template-card").first()).toBeVisible();
    await page.screenshot({ path: "artifacts/layout-signed-in.png", fullPage: true });

    await signOut(page);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await signIn(page, admin.email);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toBeVisible();
  });

  test("a wrong password is refused with a message on the form", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("form-error")).toContainText("email or password is not right");
    await expect(page.getByLabel("Email")).toHaveValue(admin.email);
  });

  test("registration errors show next to their fields", async ({ page }) => {
    await page.goto("/register");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#f-email-error")).toContainText("not an email address");
    await expect(page.locator("#f-password-error")).toContainText("at least 10 characters");
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  });

  test("a second user does not see Admin and cannot use it", async ({ page }) => {
    await register(page, second);
    await expect(nav(page).getByRole("link", { name: "My Runs" })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "Admin" })).toHaveCount(0);
    await page.goto("/admin");
    await expect(page.getByRole("alert")).toContainText("needs the admin role");
    await expect(page.getByTestId("users-table")).toHaveCount(0);
  });

  test("the admin changes a role in the hydrated admin page", async ({ page }) => {
    await signIn(page, admin.email);
    await page.goto("/admin");
    const table = page.getByTestId("users-table");
    await expect(table).toContainText(second.email);
    // Wait for hydration so the form submits through the server function.
    await expect(page.locator('main[data-hydrated="true"]')).toBeVisible();
    await page.getByLabel(`Role of ${second.email}`).selectOption("runner");
    await page
      .getByRole("row", { name: new RegExp(second.email) })
      .getByRole("button", { name: "Save" })
      .click();
    await expect(page.getByRole("status")).toContainText(`${second.email} is now runner`);
    await page.reload();
    await expect(page.getByLabel(`Role of ${second.email}`)).toHaveValue("runner");
  });

  test("sign-in works without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, second.email);
    await expect(page.getByTestId("whoami")).toContainText("runner");
    await context.close();
  });

  test("keyboard and phone-sized screens", async ({ page }) => {
    await signIn(page, admin.email);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect(nav(page).getByRole("link", { name: "Gallery" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(nav(page).getByRole("link", { name: "Admin" })).toBeVisible();
    await page.screenshot({ path: "artifacts/layout-phone.png", fullPage: true });
  });

  test("the admin edits the outbound allow-list, with the server's validation beside the input", async ({ page }) => {
    await signIn(page, admin.email);
    await page.goto("/admin");
    await hydrated(page);
    const pattern = page.getByLabel("Host, IP address or CIDR block");
    await pattern.fill("10.0.0.0/99");
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page.getByTestId("allow-pattern-error")).toContainText("prefix length must be 0..=32");
    await expect(pattern).toHaveAttribute("aria-invalid", "true");

    await pattern.fill("10.20.0.0/16");
    await page.getByLabel("Note").fill("the lab network");
    await pattern.press("Enter");
    const table = page.getByTestId("allowlist-table");
    await expect(table.getByRole("row").filter({ hasText: "10.20.0.0/16" })).toContainText("the lab network");
    await expect(page.getByTestId("allowlist-status")).toContainText("10.20.0.0/16 is allowed now.");
    await page.screenshot({ path: "artifacts/admin-allowlist.png", fullPage: true });
    await expect(pattern).toHaveValue("");
    await expect(page.getByTestId("allow-pattern-error")).toBeEmpty();

    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Remove 10.20.0.0/16" }).click();
    await expect(page.getByTestId("allowlist-status")).toContainText("10.20.0.0/16 is no longer allowed.");
    await expect(page.getByText("10.20.0.0/16", { exact: true })).toHaveCount(0);
    // The same list through the API (the page is a view of it, not a copy).
    const listed = await ok(page.request.get("/api/v1/admin/outbound-allowlist"));
    expect(listed.map((e: { pattern: string }) => e.pattern)).not.toContain("10.20.0.0/16");
  });

  test("the admin registers an MCP server: validation beside the inputs, write-only env, status and tools", async ({ page }) => {
    const timeServer = process.env.WP_PEER_MCP_TIME;
    if (!timeServer) throw new Error("run through scripts/test, which installs the peers (WP_PEER_*)");
    await signIn(page, admin.email);
    await page.goto("/admin");
    await hydrated(page);
    const registry = page.getByTestId("mcp-servers");
    await registry.getByTestId("mcp-new").click();
    const form = registry.getByTestId("mcp-form");
    await expect(form.getByTestId("mcp-name")).toBeFocused();
    await form.getByTestId("mcp-name").fill("clock ui");
    await form.getByTestId("mcp-save").click();
    // The server's rules, each beside its input.
    await expect(form.locator("#mcp-name-errors")).toContainText("may contain only letters");
    await expect(form.locator("#mcp-command-errors")).toContainText("needs the command");

    await form.getByTestId("mcp-name").fill("clock-ui");
    await form.getByTestId("mcp-description").fill("The time, registered through the admin screen");
    await form.getByTestId("mcp-command").fill(timeServer);
    await form.getByTestId("mcp-args").fill("--local-timezone\nUTC");
    await form.getByRole("button", { name: "+ Environment variables" }).click();
    await form.getByLabel("Environment variables: name").fill("TZ_SECRET_PROBE");
    await form.getByLabel("Environment variables: value").fill("env-value-never-shown");
    await form.getByTestId("mcp-save").click();
    await expect(registry.getByTestId("mcp-status")).toHaveText("Saved clock-ui.");
    // Write-only: the name shows as set, the value never comes back.
    await expect(form.getByTestId("mcp-secrets-set")).toContainText("TZ_SECRET_PROBE");
    await expect(form.getByLabel("Environment variables: value")).toHaveCount(0);
    const row = registry.getByTestId("mcp-server-row").filter({ hasText: "clock-ui" });
    await expect(row.getByTestId("mcp-server-state")).toHaveText("not started (starts on first use)");

    await form.getByTestId("mcp-list-tools").click();
    await expect(form.getByTestId("mcp-tool").filter({ hasText: "get_current_time" })).toHaveCount(1, { timeout: 30_000 });
    await expect(row.getByTestId("mcp-server-state")).toHaveText(/^running \(process \d+\)$/);
    await page.screenshot({ path: "artifacts/admin-mcp-servers.png", fullPage: true });

    await page.reload();
    await hydrated(page);
    expect(await page.content()).not.toContain("env-value-never-shown");
    const listed = await ok(page.request.get("/api/v1/mcp/servers"));
    const mine = listed.find((s: { name: string }) => s.name === "clock-ui");
    expect(mine.secret_keys).toEqual(["TZ_SECRET_PROBE"]);
    expect(JSON.stringify(listed)).not.toContain("env-value-never-shown");

    // "Replace or clear" with no rows clears the env; a save keeps the rest.
    await registry.getByRole("button", { name: "Edit MCP server clock-ui" }).click();
    await form.getByTestId("mcp-secrets-replace").click();
    await form.getByTestId("mcp-save").click();
    await expect(registry.getByTestId("mcp-status")).toHaveText("Saved clock-ui.");
    await expect(form.getByTestId("mcp-secrets-set")).toHaveCount(0);
    const after = await ok(page.request.get("/api/v1/mcp/servers"));
    expect(after.find((s: { name: string }) => s.name === "clock-ui").secret_keys).toEqual([]);
  });

  // Admin powers at work in the player: 127.0.0.1 allowed, mcp-server-time registered,
  // and an apply button that calls httpbin (under gunicorn, started here) through an API
  // configuration and the time server through MCP.
  test("an apply button calls httpbin and mcp-server-time; the spinner follows each action", async ({ page }) => {
    const timeServer = process.env.WP_PEER_MCP_TIME;
    if (!timeServer) throw new Error("run through scripts/test, which installs the peers (WP_PEER_*)");
    const httpbin = await startHttpbin();
    try {
      await signIn(page, admin.email);
      const api = page.request;
      await ok(api.post("/api/v1/admin/outbound-allowlist", { data: { pattern: "127.0.0.1", note: "e2e peers" } }));
      await ok(api.post("/api/v1/mcp/servers", {
        data: { name: "time", transport: "stdio", command: timeServer, args: ["--local-timezone", "UTC"] },
      }));
      const created = await ok(api.post("/api/v1/wizards", { data: { name: "Peers at work" } }));
      const definition = {
        name: "Peers at work",
        steps: [{ title: "Ask", option_sets: [
          { key: "go", label: "Ask the peers", selection_type: "apply_button" },
          { key: "slides", label: "Slides", selection_type: "output" },
          { key: "slide", label: "Slide", selection_type: "single_select", settings: { dynamic_options: true, display: "dropdown" } },
          { key: "now", label: "Time in UTC", selection_type: "text_input" },
        ] }],
      };
      const draft = await ok(api.put(`/api/v1/wizards/${created.id}`, { data: { version: created.version, definition } }));
      const go = draft.definition.steps[0].option_sets[0].id;
      const bin = await ok(api.post(`/api/v1/wizards/${created.id}/api-configs`, {
        data: { name: "httpbin", base_url: httpbin.url },
      }));
      const clock = await ok(api.post(`/api/v1/wizards/${created.id}/mcp-configs`, { data: { name: "clock", server: "time" } }));
      await ok(api.post(`/api/v1/wizards/${created.id}/events`, { data: {
        name: "ask", trigger: "optionSet.onApply", target_id: go, actions: [
          { name: "wait", action_type: "api_call", loading_message: "Asking httpbin…",
            config: { api_config_id: bin.id, method: "GET", url: "/delay/1" } },
          { name: "clock", action_type: "mcp_call", loading_message: "Asking the clock…",
            config: { mcp_config_id: clock.id, tool: "get_current_time", arguments: { timezone: "UTC" } },
            output_handling: { extract: "datetime", set_field: "now" } },
          { name: "slides", action_type: "api_call", loading_message: "Reading the slides…",
            config: { api_config_id: bin.id, method: "GET", url: "/json" },
            output_handling: { extract: "slideshow.slides",
              render: { slot: "slides", renderer: "table", config: { columns: [{ path: "title", label: "Title" }, { path: "type", label: "Type" }] } },
              replace_options: { option_set: "slide", label_path: "title", value_path: "title" } } },
          { name: "say", action_type: "show_message", config: { level: "success", text: "Slides and time are in." } },
        ],
      } }));
      const current = await ok(api.get(`/api/v1/wizards/${created.id}`));
      await ok(api.post(`/api/v1/wizards/${created.id}/publish`, { data: { version: current.version } }));

      const run = await ok(api.post("/api/v1/wizard-runs", { data: { wizard_id: created.id } }));
      await page.goto(`/runs/${run.id}`);
      await hydrated(page);
      // Every message the spinner shows, as the page changes (none is missed between polls).
      await page.getByTestId("progress-go").evaluate((el) => {
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        new MutationObserver(() => {
          const text = (el.textContent ?? "").trim();
          if (text && seen[seen.length - 1] !== text) seen.push(text);
        }).observe(el, { childList: true, subtree: true, characterData: true });
      });
      const button = page.getByTestId("apply-go");
      await button.click();
      await expect(button).toBeDisabled();
      await expect(page.getByTestId("toast").filter({ hasText: "Slides and time are in." })).toHaveCount(1, { timeout: 30_000 });
      await expect(button).toBeEnabled();
      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      const at = (m: string) => seen.indexOf(m);
      expect(at("Asking httpbin…"), `spinner said ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(0);
      expect(at("Asking the clock…"), `spinner said ${JSON.stringify(seen)}`).toBeGreaterThan(at("Asking httpbin…"));

      // The table from httpbin, the options it gave, the field the time server set.
      const table = page.getByTestId("render-slides").locator("table");
      await expect(table.locator("tbody tr")).toHaveCount(2);
      await expect(table.locator("tbody tr").first()).toContainText("Wake up to WonderWidgets!");
      await page.getByLabel("Slide", { exact: true }).selectOption("Overview");
      await expect(page.getByLabel("Time in UTC")).toHaveValue(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      await expect(page.getByTestId("save-status")).toContainText("All changes saved");
      await page.reload();
      await hydrated(page);
      await expect(page.getByLabel("Slide", { exact: true })).toHaveValue("Overview");
      await expect(page.getByTestId("render-slides").locator("tbody tr")).toHaveCount(2);
    } finally {
      httpbin.stop();
    }
  });

  test("choices fire option events, wizard.onStart fires once, wizard.onComplete renders into the summary", async ({ page }) => {
    await signIn(page, admin.email);
    const api = page.request;
    const created = await ok(api.post("/api/v1/wizards", { data: { name: "Event triggers" } }));
    const definition = {
      name: "Event triggers",
      steps: [{ title: "Pick", option_sets: [
        { key: "toppings", label: "Toppings", selection_type: "multiple_select",
          options: [{ label: "Cheese", value: "cheese" }, { label: "Olives", value: "olives" }] },
        { key: "log", label: "Log", selection_type: "text_input" },
        { key: "status", label: "Status", selection_type: "output" },
        { key: "load", label: "Load plans", selection_type: "apply_button" },
        { key: "plan", label: "Plan", selection_type: "dynamic_table", settings: { selection: "single", value_path: "code" } },
      ] }],
    };
    const draft = await ok(api.put(`/api/v1/wizards/${created.id}`, { data: { version: created.version, definition } }));
    const [cheese, olives] = draft.definition.steps[0].option_sets[0].options.map((o: { id: string }) => o.id);
    const load = draft.definition.steps[0].option_sets[3].id;
    const set = (text: string) => [{ name: "log", action_type: "set_field_value", config: { field: "log", value: text } }];
    const say = (text: string) => [{ name: "say", action_type: "show_message", config: { level: "info", text } }];
    for (const event of [
      { name: "hello", trigger: "wizard.onStart", actions: say("Welcome aboard.") },
      { name: "on", trigger: "option.onSelect", target_id: olives, actions: set("olives on") },
      { name: "off", trigger: "option.onDeselect", target_id: olives, actions: set("olives off") },
      { name: "click", trigger: "option.onClick", target_id: cheese, actions: say("Cheese clicked.") },
      { name: "plans", trigger: "optionSet.onApply", target_id: load, actions: [{ name: "rows", action_type: "transform_data",
        config: { language: "jmespath", expression: "[{code: 'basic', name: 'Basic'}, {code: 'pro', name: 'Pro'}]" },
        output_handling: { render: { slot: "plan", renderer: "table", config: { columns: [{ path: "name", label: "Name" }] } } } }] },
      { name: "bye", trigger: "wizard.onComplete", actions: [{ name: "thanks", action_type: "transform_data",
        config: { language: "jmespath", expression: "'# Thank you'" },
        output_handling: { render: { slot: "status", renderer: "document" } } }] },
    ]) {
      await ok(api.post(`/api/v1/wizards/${created.id}/events`, { data: event }));
    }
    const current = await ok(api.get(`/api/v1/wizards/${created.id}`));
    await ok(api.post(`/api/v1/wizards/${created.id}/publish`, { data: { version: current.version } }));

    // Started from the page: wizard.onStart runs once, with the start.
    await page.goto("/runs");
    await hydrated(page);
    await page.getByRole("button", { name: "Start Event triggers" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await hydrated(page);
    const log = page.getByLabel("Log");
    const toasts = page.getByTestId("toast");
    const toppings = page.getByTestId("field-toppings");
    await toppings.getByLabel("Olives").check();
    await expect(log).toHaveValue("olives on");
    await toppings.getByLabel("Olives").uncheck();
    await expect(log).toHaveValue("olives off");
    await toppings.getByLabel("Cheese").check();
    await expect(toasts.filter({ hasText: "Cheese clicked." })).toHaveCount(1);

    // A dynamic table's rows are picked with the keyboard; the pick is the answer.
    await page.getByTestId("apply-load").click();
    const pro = page.getByRole("radio", { name: "Pick Pro" });
    await pro.focus();
    await page.keyboard.press("Space");
    await expect(pro).toBeChecked();
    await expect(page.getByTestId("save-status")).toContainText("All changes saved");
    await page.reload();
    await hydrated(page);
    await expect(log).toHaveValue("olives off");
    await expect(page.getByRole("radio", { name: "Pick Pro" })).toBeChecked();
    await expect(page.getByRole("radio", { name: "Pick Basic" })).not.toBeChecked();

    await page.getByTestId("run-complete").click();
    // The read-only summary shows what wizard.onComplete rendered, and the Activity has it.
    await expect(page.getByRole("heading", { name: "Thank you", exact: true })).toBeVisible();
    const events = await ok(api.get(`/api/v1/wizard-runs/${page.url().split("/").pop()}/action-logs`));
    const names = events.map((e: { name: string }) => e.name);
    expect(names.filter((n: string) => n === "hello")).toHaveLength(1);
    expect(names).toContain("bye");
  });
});

/** The JSON body of a successful API call (the test fails with the body otherwise). */
async function ok(response: Promise<APIResponse>) {
  const r = await response;
  if (!r.ok()) throw new Error(`${r.url()}: ${r.status()} ${await r.text()}`);
  return r.status() === 204 ? {} : await r.json();
}
