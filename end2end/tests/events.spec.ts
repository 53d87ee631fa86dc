import { test, expect, type Page, type Locator } from "@playwright/test";
import { addField, commit, hydrated, newWizard, register, signIn, startHttpbin } from "./helpers";

// The builder's event editor, through the UI only (issue 13): a new builder wires an apply
// button to a JavaScript transform (a syntax error is refused beside the code, then fixed),
// a message whose template names a later action (refused until the actions are reordered),
// a set-field, and a table render; tests the transform with the Test button; publishes;
// runs it and sees every effect. Then two tabs edit the same event: the second save gets
// the conflict banner and keeps its edits. Last, an API configuration with a bearer token
// (typed once, shown as set ever after), its Test connection, and an api_call through it
// tested in the editor, against httpbin on 127.0.0.1 (which accounts.spec's admin allow-lists).
// The editor's phone layout, keyboard use and conditions. Last, MCP: a configuration, an
// mcp_call whose arguments come from the form generated from the tool's inputSchema, checked
// live before saving, tested, published and run; and a publish refused by name when a field
// an event renders into is deleted.
const stamp = Date.now();
const who = { email: `events-${stamp}@example.com`, name: "Eve Events" };
const wizardName = `Greeter ${stamp}`;
let wizardUrl = "";

const draftSaved = (page: Page) =>
  expect(page.getByTestId("builder-save-status")).toHaveAttribute("data-state", "saved");
const card = (editor: Locator, name: string) => editor.locator(`[data-testid="action-card"][data-name="${name}"]`);

// Starts a run of the live version from My Runs and waits for the player.
async function startRun(page: Page) {
  await page.goto("/runs");
  await hydrated(page);
  await page.getByRole("button", { name: `Start ${wizardName}`, exact: true }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await hydrated(page);
}

async function addAction(editor: Locator, type: RegExp) {
  await editor.getByTestId("add-action").click();
  await editor.getByTestId("action-types").getByRole("button", { name: type }).click();
}

test.describe.serial("events in the builder", () => {
  test("an apply button's event: transform, message, set-field and a table, tested, published and run", async ({ page }) => {
    test.setTimeout(180_000);
    await register(page, who);
    wizardUrl = await newWizard(page, wizardName, "Greeting");
    await addField(page, "text_input", "Name", "name");
    await addField(page, "text_input", "Greeting", "greeting");
    const button = await addField(page, "apply_button", "Greet me", "greet_me");
    await addField(page, "output", "Letters", "letters");
    await draftSaved(page);

    // The button's panel offers only what a button does.
    const panel = button.getByTestId(/^events-os-/);
    await expect(panel.getByTestId("add-event-trigger").locator("option")).toHaveText([
      "When the button is pressed",
      "When the field appears",
    ]);
    await commit(panel.getByTestId("add-event-name"), "Greet");
    await panel.getByTestId("add-event-submit").click();
    const editor = page.getByTestId("event-editor");
    await expect(editor.getByTestId("event-where")).toHaveText("Field Greet me");
    await expect(panel.getByTestId("event-row")).toHaveCount(1);
    await expect(page.getByTestId("events-overview").getByTestId("overview-event")).toHaveText([
      "Greet — When the button is pressed",
    ]);

    // A message naming an action that runs after it, and JavaScript with a syntax error.
    await addAction(editor, /Show a message/);
    const message = card(editor, "message");
    await message.getByTestId("message-level").selectOption("success");
    // `{{` offers the paths that exist here, from the keyboard: fields, and no action
    // output yet (none runs before the message).
    const text = message.getByTestId("message-text");
    await text.click();
    await text.pressSequentially("Hi {{ na");
    const offered = message.getByTestId("template-paths");
    await expect(offered.getByRole("option")).toHaveText(["fields.name"]);
    await expect(text).toHaveAttribute("aria-expanded", "true");
    await page.keyboard.press("Enter");
    await expect(text).toHaveValue("Hi {{ fields.name }}");
    await expect(offered).toBeHidden();
    await text.pressSequentially(" {{ actions.");
    await expect(offered).toBeHidden();
    await commit(message.getByTestId("message-text"), "{{ fields.name }} has {{ actions.transform.output | length }} letters");
    await expect(message.getByTestId("message-preview")).toContainText("has {{ actions.transform.output");
    await addAction(editor, /Transform data/);
    const transform = card(editor, "transform");
    await transform.getByTestId("transform-language").selectOption("javascript");
    await commit(
      transform.getByTestId("transform-expression"),
      "const name = input.fields.name;\nreturn name.split('').map((l, i) => ({ position: i + 1, letter: l });",
    );
    await expect(editor.getByTestId("event-save-status")).toHaveText("Unsaved changes");
    await editor.getByTestId("event-save").click();
    await expect(editor.getByTestId("event-errors")).toBeVisible();
    await expect(transform.getByTestId("field-error")).toContainText(/SyntaxError.*line 2/);
    // The code area numbers its lines and marks the one the error names.
    const gutter = transform.locator(".code-area", { has: page.getByTestId("transform-expression") }).getByTestId("code-gutter");
    await expect(gutter.locator("span")).toHaveText(["1", "2"]);
    await expect(gutter.locator(".error-line")).toHaveText("2");
    await expect(message.locator(".field-error").first()).toContainText("transform");
    await page.screenshot({ path: "artifacts/event-editor-errors.png", fullPage: true });

    // Fixed: the closing parenthesis, and the message moved after the transform (keyboard).
    await commit(
      transform.getByTestId("transform-expression"),
      "const name = input.fields.name;\nreturn name.split('').map((l, i) => ({ position: i + 1, letter: l }));",
    );
    const down = message.getByRole("button", { name: "Move action message down" });
    await down.focus();
    await page.keyboard.press("Enter");
    await expect(editor.getByTestId("action-card")).toHaveCount(2);
    await expect(editor.getByTestId("action-card").first()).toHaveAttribute("data-name", "transform");
    // The server's problems named actions by position: after the move they are dropped
    // rather than shown on the wrong card; the next save reports what still holds.
    await expect(editor.getByTestId("event-errors")).toHaveCount(0);
    await expect(message.getByTestId("field-error")).toHaveCount(0);

    // The transform's output is shown as a table in the Letters slot.
    await transform.getByTestId("output-slot").selectOption("letters");
    await expect(transform.getByTestId("output-renderer")).toHaveValue("table");

    // Test the transform against sample answers, before saving.
    await transform.getByText("Test this action").click();
    await commit(transform.getByTestId("test-answers"), '{"name": "Ada"}');
    await transform.getByTestId("test-action").click();
    await expect(transform.getByTestId("test-outcome")).toHaveAttribute("data-status", "success");
    await expect(transform.getByTestId("test-output")).toContainText('"letter": "A"');
    await expect(transform.getByTestId("test-effects")).toContainText("shows a table in letters");
    // The output editor previews on that output, with the player's own table: all three
    // letters, then only what an extract expression keeps, then all again.
    const preview = transform.getByTestId("output-preview");
    await expect(preview.getByTestId("preview-render").locator("tbody tr")).toHaveCount(3);
    await commit(transform.getByTestId("output-extract"), "[?letter == 'A']");
    await expect(preview.getByTestId("preview-extracted")).toContainText('"position": 1');
    await expect(preview.getByTestId("preview-extracted")).not.toContainText('"d"');
    await expect(preview.getByTestId("preview-render").locator("tbody tr")).toHaveCount(1);
    await commit(transform.getByTestId("output-extract"), "[?letter ==");
    await expect(preview.getByTestId("preview-extract-error")).toBeVisible();
    await page.screenshot({ path: "artifacts/output-preview.png", fullPage: true });
    await commit(transform.getByTestId("output-extract"), "");
    await expect(preview.getByTestId("preview-render").locator("tbody tr")).toHaveCount(3);
    // A chart of the same output, drawn by the server as a run would, previewed in place.
    await transform.getByTestId("output-renderer").selectOption("chart");
    // Its settings from the typed form; the JSON below follows.
    const settings = transform.getByTestId("renderer-settings");
    const setting = (name: string) =>
      settings.locator(`[data-testid="render-setting"][data-name="${name}"]`).getByTestId("render-setting-input");
    await setting("kind").selectOption("line");
    await commit(setting("title"), "Letters");
    await commit(setting("x"), "position");
    await commit(setting("y"), '["position"]');
    await expect(transform.getByTestId("output-render-config")).toHaveValue(/"kind": "line"/);
    await expect(preview.getByTestId("preview-render").locator(".chart-svg svg")).toBeVisible();
    await expect(preview.getByTestId("preview-render").locator(".chart-svg")).toHaveAttribute("aria-label", /Letters/);
    await page.screenshot({ path: "artifacts/output-preview-chart.png", fullPage: true });
    await transform.getByTestId("output-renderer").selectOption("table");
    await expect(preview.getByTestId("preview-render").locator("tbody tr")).toHaveCount(3);

    // A set-field from a template.
    await addAction(editor, /Set a field/);
    const setField = card(editor, "set_field");
    await setField.getByTestId("set-field-field").selectOption("greeting");
    await commit(setField.getByTestId("set-field-value"), "Hello {{ fields.name }}");
    await expect(setField.getByTestId("action-summary")).toHaveText('greeting ← "Hello {{ fields.name }}"');
    // Dragged by its header onto the first card, it takes that place (cards closed, so both
    // are on screen).
    for (const name of ["transform", "message", "set_field"]) {
      const toggle = card(editor, name).getByTestId("action-toggle");
      if ((await toggle.getAttribute("aria-expanded")) === "true") await toggle.click();
    }
    await setField.locator(".action-head").dragTo(card(editor, "transform").locator(".action-head"));
    await expect(editor.getByTestId("action-card")).toHaveCount(3);
    const order = () => editor.getByTestId("action-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-name")));
    await expect.poll(order).toEqual(["set_field", "transform", "message"]);
    await page.screenshot({ path: "artifacts/event-editor.png", fullPage: true });

    await editor.getByTestId("event-save").click();
    await expect(editor.getByTestId("event-save-status")).toHaveText("Saved");
    await expect(editor.getByTestId("event-errors")).toHaveCount(0);
    await expect(panel.getByTestId("event-row")).toContainText("3 actions");

    // Publish and run it.
    await page.getByTestId("publish").click();
    await expect(page.getByTestId("live-version")).toHaveText("Live: version 1");
    await startRun(page);
    await page.getByLabel("Name").fill("Ada");
    await page.getByTestId("apply-greet_me").click();
    await expect(page.getByTestId("toast").filter({ hasText: "Ada has 3 letters" })).toHaveCount(1);
    await expect(page.getByLabel("Greeting")).toHaveValue("Hello Ada");
    await expect(page.getByTestId("render-letters").locator("tbody tr")).toHaveCount(3);
  });

  test("two tabs edit one event: the second save is refused with the banner and keeps its edits", async ({ browser }) => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await signIn(first, who.email);
    const second = await context.newPage();
    for (const page of [first, second]) {
      await page.goto(wizardUrl);
      await hydrated(page);
      await page.getByTestId("events-overview").getByTestId("overview-event").click();
      await expect(page.getByTestId("event-editor")).toBeVisible();
    }
    const one = first.getByTestId("event-editor");
    await commit(one.getByTestId("event-name"), "Greet the runner");
    await one.getByTestId("event-save").click();
    await expect(one.getByTestId("event-save-status")).toHaveText("Saved");

    const two = second.getByTestId("event-editor");
    await commit(two.getByTestId("event-description"), "Says hello");
    await two.getByTestId("event-save").click();
    await expect(two.getByTestId("event-conflict")).toBeVisible();
    await expect(two.getByTestId("event-description")).toHaveValue("Says hello");
    await two.getByTestId("event-reload").click();
    await expect(two.getByTestId("event-conflict")).toHaveCount(0);
    await expect(two.getByTestId("event-name")).toHaveValue("Greet the runner");
    await context.close();
  });

  test("an API configuration with a write-only bearer token, its Test connection, and an api_call through it", async ({ page }) => {
    const httpbin = await startHttpbin();
    try {
      await signIn(page, who.email);
      await page.goto(wizardUrl);
      await hydrated(page);
      const configs = page.getByTestId("api-configs");
      await configs.getByTestId("api-config-new").click();
      const form = configs.getByTestId("api-config-form");
      await commit(form.getByTestId("api-config-name"), "bin");
      await commit(form.getByTestId("api-config-base-url"), "ftp://nowhere");
      await form.getByTestId("api-config-auth").selectOption("bearer");
      await form.getByTestId("api-config-save").click();
      // The server's rules, beside their inputs: a bearer needs its token, the URL its scheme.
      await expect(form.locator("#api-config-secret-errors")).toContainText("is required");
      await expect(form.locator("#api-config-base-url-errors")).not.toBeEmpty();
      await commit(form.getByTestId("api-config-base-url"), httpbin.url);
      await commit(form.getByTestId("api-config-secret"), "s3cret-token-123");
      await form.getByTestId("api-config-save").click();
      await expect(configs.getByTestId("api-config-status")).toHaveText("Saved bin.");
      await expect(form.getByTestId("secret-set")).toBeVisible();
      await expect(form.getByTestId("api-config-secret")).toHaveCount(0);
      await expect(configs.getByTestId("api-config-row")).toContainText("credential set");
      await page.screenshot({ path: "artifacts/api-config-editor.png", fullPage: true });

      // Test connection: httpbin's /bearer answers 200 only with the token.
      await commit(form.getByTestId("api-config-test-path"), "/bearer");
      await form.getByTestId("api-config-test").click();
      await expect(form.getByTestId("api-config-test-result")).toContainText("Reached · HTTP 200");

      // After a reload the token is still only "set": it never reaches the page.
      await page.reload();
      await hydrated(page);
      await configs.getByRole("button", { name: "Edit API configuration bin" }).click();
      await expect(configs.getByTestId("secret-set")).toBeVisible();
      expect(await page.content()).not.toContain("s3cret-token-123");

      // An api_call through it, tested from the event editor before it is saved.
      await page.getByTestId("events-overview").getByTestId("overview-event").click();
      const editor = page.getByTestId("event-editor");
      await addAction(editor, /Call a REST API/);
      const call = card(editor, "call_api");
      await call.getByTestId("api-config").selectOption({ label: `bin (${httpbin.url})` });
      await commit(call.getByTestId("api-url"), "/bearer");
      await commit(call.getByTestId("api-success-path"), "authenticated");
      await expect(call.getByTestId("action-summary")).toHaveText("GET /bearer via bin");
      await call.getByText("Test this action").click();
      await call.getByTestId("test-action").click();
      await expect(call.getByTestId("test-outcome")).toHaveAttribute("data-status", "success");
      await expect(call.getByTestId("test-output")).toHaveText("true");
      await editor.getByTestId("event-save").click();
      await expect(editor.getByTestId("event-save-status")).toHaveText("Saved");
    } finally {
      httpbin.stop();
    }
  });

  test("the event editor fits a phone, works from the keyboard, and its conditions keep it from firing", async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, who.email);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(wizardUrl);
    await hydrated(page);
    await page.getByTestId("events-overview").getByTestId("overview-event").click();
    const editor = page.getByTestId("event-editor");
    // Opening an event moves focus to its editor's heading.
    await expect(editor.getByRole("heading", { name: "Event: Greet the runner" })).toBeFocused();
    for (const toggle of await editor.getByTestId("action-toggle").all()) await toggle.click();
    await expect(editor.getByTestId("output-editor")).toHaveCount(4);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/event-editor-phone.png", fullPage: true });

    // Keyboard only: open the type chooser and add a message.
    await editor.getByTestId("add-action").focus();
    await page.keyboard.press("Enter");
    await editor.getByTestId("action-types").getByRole("button", { name: /Show a message/ }).focus();
    await page.keyboard.press("Enter");
    await expect(editor.getByTestId("action-name").last()).toBeFocused();
    await expect(editor.getByTestId("action-name").last()).toHaveValue("message_2");
    await editor.getByRole("button", { name: "Delete action message_2" }).click();
    await editor.getByTestId("confirm-delete").click();
    await expect(editor.getByTestId("action-card")).toHaveCount(4);
    // The navigate editor: next, previous, a step, complete.
    await addAction(editor, /Navigate/);
    const nav = card(editor, "navigate");
    await expect(nav.getByTestId("navigate-target").locator("option")).toContainText(["The next step", "Step 1: Greeting"]);
    await nav.screenshot({ path: "artifacts/event-editor-navigate.png" });
    await editor.getByRole("button", { name: "Delete action navigate" }).click();
    await editor.getByTestId("confirm-delete").click();
    await expect(editor.getByTestId("action-card")).toHaveCount(4);

    // The API call (its httpbin is gone by now) is retried twice before it gives up.
    await card(editor, "call_api").getByTestId("action-on-error").selectOption("retry");

    // Runs only when the name is not Bob.
    await page.setViewportSize({ width: 1280, height: 900 });
    const when = editor.getByTestId("condition-event");
    await when.getByTestId("cond-add-rule").click();
    await when.getByTestId("cond-field").selectOption("name");
    await when.getByTestId("cond-op").selectOption({ label: "is not" });
    await commit(when.getByTestId("cond-value"), "Bob");
    await editor.getByTestId("event-save").click();
    await expect(editor.getByTestId("event-save-status")).toHaveText("Saved");
    await expect(page.getByTestId("events-overview")).toBeVisible();

    // Tested whole from the editor: the conditions against the sample answers, then every
    // action in order, with the effects a run would have.
    const whole = editor.getByTestId("event-test-panel");
    await whole.getByText("Test the whole event").click();
    await commit(whole.getByTestId("test-answers"), '{"name": "Bob"}');
    await whole.getByTestId("test-event").click();
    const wholeResult = editor.getByTestId("event-test-result");
    await expect(wholeResult.getByTestId("test-refused")).toContainText("would not fire");
    await commit(whole.getByTestId("test-answers"), '{"name": "Ada"}');
    await whole.getByTestId("test-event").click();
    await expect(wholeResult.getByTestId("test-outcome")).toHaveCount(4, { timeout: 30_000 });
    await expect(wholeResult.getByTestId("test-effects")).toContainText('sets greeting to "Hello Ada"');
    await expect(wholeResult.getByTestId("test-effects")).toContainText("Ada has 3 letters");
    await page.screenshot({ path: "artifacts/event-test-whole.png", fullPage: true });
    await page.getByTestId("publish").click();
    await expect(page.getByTestId("live-version")).toHaveText("Live: version 2");

    await startRun(page);
    await page.getByLabel("Name").fill("Bob");
    await page.getByTestId("apply-greet_me").click();
    // Nothing may happen, so there is nothing to wait for: give a wrongly firing event
    // (about 0.1 s here) ample time to show itself.
    await page.waitForTimeout(1500);
    await expect(page.getByTestId("apply-greet_me")).toBeEnabled();
    await expect(page.getByLabel("Greeting")).toHaveValue("");
    await expect(page.getByTestId("toast").filter({ hasText: "Bob" })).toHaveCount(0);
    await page.getByLabel("Name").fill("Ada");
    await page.getByTestId("apply-greet_me").click();
    await expect(page.getByTestId("toast").filter({ hasText: "Ada has 3 letters" })).toHaveCount(1);
    await expect(page.getByLabel("Greeting")).toHaveValue("Hello Ada");
    // Activity shows each attempt of the failing call.
    const activity = page.getByTestId("activity");
    await activity.locator("summary").first().click();
    await expect(activity).toContainText(/retry\s*call_api\s*error\s*\(attempt 3\)/);
    await expect(activity).not.toContainText("(attempt 4)");
    await page.screenshot({ path: "artifacts/player-activity-retries.png", fullPage: true });
  });
  // The MCP part of the editor, against mcp-server-time (registered as `time` by
  // accounts.spec's admin): an MCP configuration picking the tool, an mcp_call whose
  // arguments come from the form generated from the tool's inputSchema, a template naming
  // no earlier action marked before saving, the Test button, and the result in the player.
  test("an MCP call from the tool's generated form: checked live, tested, published and run", async ({ page }) => {
    test.setTimeout(150_000);
    await signIn(page, who.email);
    await page.goto(wizardUrl);
    await hydrated(page);
    const configs = page.getByTestId("mcp-configs");
    await configs.getByTestId("mcp-config-new").click();
    const form = configs.getByTestId("mcp-config-form");
    await commit(form.getByTestId("mcp-config-name"), "clock");
    await form.getByTestId("mcp-config-server").selectOption("time");
    const tools = form.getByTestId("mcp-config-tools");
    await tools.getByRole("checkbox", { name: /get_current_time/ }).check({ timeout: 30_000 });
    await form.getByTestId("mcp-config-save").click();
    await expect(configs.getByTestId("mcp-config-status")).toHaveText("Saved clock.");
    await page.screenshot({ path: "artifacts/mcp-config-editor.png", fullPage: true });
    await expect(configs.getByTestId("mcp-config-row")).toContainText("get_current_time");

    await page.getByTestId("events-overview").getByTestId("overview-event").click();
    const editor = page.getByTestId("event-editor");
    // The API call (retried, then stopping, in the last test) goes back to continuing, so
    // the actions after it run.
    const api = card(editor, "call_api");
    const apiToggle = api.getByTestId("action-toggle");
    if ((await apiToggle.getAttribute("aria-expanded")) !== "true") await apiToggle.click();
    await api.getByTestId("action-on-error").selectOption("continue");
    await addAction(editor, /Call an MCP tool/);
    const call = card(editor, "call_tool");
    await expect(call.getByTestId("mcp-call-tool")).toHaveValue("get_current_time");
    await expect(call.getByTestId("mcp-call-tool-description")).not.toBeEmpty({ timeout: 30_000 });
    const timezone = call.locator('[data-testid="mcp-argument"][data-name="timezone"]');
    await expect(timezone.locator("label").first()).toContainText("timezone *");
    // Required: left empty, the live check marks it beside the input before any save.
    await expect(timezone.getByTestId("field-error")).toContainText("is required", { timeout: 15_000 });
    await expect(editor.getByTestId("event-save-status")).toHaveText("Unsaved changes");
    // A template naming an action that does not run before this one: marked before saving.
    await commit(timezone.getByTestId("mcp-arg"), "{{ actions.later.output }}");
    await expect(timezone.getByTestId("field-error")).toContainText("not an earlier action", { timeout: 15_000 });
    await expect(editor.getByTestId("event-check-status")).toContainText("problem");
    await commit(timezone.getByTestId("mcp-arg"), "Europe/Paris");
    await expect(timezone.getByTestId("field-error")).toHaveCount(0);
    await expect(editor.getByTestId("event-check-status")).toHaveText("Checked: no problems", { timeout: 15_000 });
    await expect(call.getByTestId("action-summary")).toHaveText("tool get_current_time on time");

    await commit(call.getByTestId("output-extract"), "timezone");
    await call.getByTestId("output-set-field").selectOption("greeting");
    await call.getByText("Test this action").click();
    await call.getByTestId("test-action").click();
    await expect(call.getByTestId("test-outcome")).toHaveAttribute("data-status", "success", { timeout: 30_000 });
    await expect(call.getByTestId("test-output")).toContainText("Europe/Paris");
    await page.screenshot({ path: "artifacts/event-editor-mcp.png", fullPage: true });

    // A script reaches the tool only through an MCP configuration it ticks.
    await addAction(editor, /Run a script/);
    const script = card(editor, "script");
    await commit(
      script.getByTestId("script-code"),
      "const r = await callTool('clock', 'get_current_time', {timezone: 'Asia/Tokyo'});\nreturn r;",
    );
    const scriptGutter = script.locator(".code-area", { has: page.getByTestId("script-code") }).getByTestId("code-gutter");
    await expect(scriptGutter.locator("span")).toHaveText(["1", "2"]);
    await script.getByText("Test this action").click();
    await script.getByTestId("test-action").click();
    await expect(script.getByTestId("test-error")).toContainText("not an MCP configuration this script may use");
    await script.getByTestId("script-mcp-config").check();
    await script.getByTestId("test-action").click();
    await expect(script.getByTestId("test-outcome")).toHaveAttribute("data-status", "success", { timeout: 30_000 });
    await expect(script.getByTestId("test-output")).toContainText("Asia/Tokyo");
    await page.screenshot({ path: "artifacts/event-editor-script.png", fullPage: true });
    await editor.getByRole("button", { name: "Delete action script" }).click();
    await editor.getByTestId("confirm-delete").click();
    await expect(card(editor, "script")).toHaveCount(0);
    await editor.getByTestId("event-save").click();
    await expect(editor.getByTestId("event-save-status")).toHaveText("Saved");
    await page.getByTestId("publish").click();
    await expect(page.getByTestId("live-version")).toHaveText("Live: version 3");

    await startRun(page);
    await page.getByLabel("Name").fill("Ada");
    await page.getByTestId("apply-greet_me").click();
    await expect(page.getByTestId("toast").filter({ hasText: "Ada has 3 letters" })).toHaveCount(1);
    // The set-field wrote "Hello Ada"; the MCP call, after it, wrote the time zone.
    await expect(page.getByLabel("Greeting")).toHaveValue("Europe/Paris", { timeout: 30_000 });

    // The field the transform renders into goes away: publishing names the event that no
    // longer fits, by name and path, and opens it from the summary.
    await page.goto(wizardUrl);
    await hydrated(page);
    const letters = page.getByTestId("step-editor").locator('[data-testid="option-set"][data-key="letters"]');
    await letters.getByTestId("os-delete").click();
    await letters.getByTestId("confirm-delete").click();
    await draftSaved(page);
    await page.getByTestId("publish").click();
    const problem = page.getByTestId("error-summary").getByTestId("event-problem").first();
    await expect(problem).toContainText("Event “Greet the runner”");
    await expect(problem.locator("code")).toContainText("actions[");
    await expect(page.getByTestId("event-editor")).toHaveCount(0);
    await problem.getByRole("button", { name: "Open event Greet the runner" }).click();
    await expect(page.getByTestId("event-editor")).toBeVisible();
  });
});
