import { test, expect, type Page } from "@playwright/test";
import {
  addField,
  adminEmail,
  commit,
  hydrated,
  newWizard,
  register,
  signIn,
  startHttpbin,
  startStubModel,
  startStubSalesforce,
} from "./helpers";

// The action library through the UI (issue 14): a builder finds the seeded hierarchy and
// its lineage, creates a child of "Generic REST API" whose code is refused beside the
// editor until it compiles, test-runs it against httpbin on 127.0.0.1 (accounts.spec's
// admin allow-lists it) and sees the output and the two-level log, approves it, and the
// page fits a phone. Then "Generate with AI": accounts.spec's admin points the platform at a
// stub OpenAI-compatible model on 127.0.0.1 through the admin screen (the key typed once,
// shown only as set), and the builder has a child of "Call Salesforce API" written from a
// description, reviews the parameter and code diff, accepts, approves, and test-runs it:
// without a Salesforce connection the error names all three levels. Last, the builder uses
// it in a wizard: an apply button's event runs it with parameters mapped from the fields
// and a bearer API configuration of the wizard; published and run, it creates the lead in a
// stub Salesforce on 127.0.0.1, and the run's Activity shows every level down to the call.
const stamp = Date.now();
const who = { email: `library-${stamp}@example.com`, name: "Lib Rarian" };
const actionName = `Echo name ${stamp}`;
const leadName = `Create Lead ${stamp}`;

async function openLibrary(page: Page) {
  await page.goto("/library");
  await hydrated(page);
  await expect(page.getByTestId("library-list")).toBeVisible();
}

test.describe.serial("the action library", () => {
  test("a child of Generic REST API: compile errors, test run, approval", async ({ page }) => {
    test.setTimeout(120_000);
    const bin = await startHttpbin();
    try {
      await register(page, who);
      await openLibrary(page);

      // The seeded hierarchy, with its lineage.
      await page.getByTestId("library-search").fill("Salesforce Contact");
      await page.getByRole("button", { name: "Open library action Create Salesforce Contact" }).click();
      const editor = page.getByTestId("library-editor");
      await expect(editor.getByTestId("library-lineage")).toHaveText(
        "Generic REST API › Call Salesforce API › Create Salesforce Contact",
      );
      await expect(editor.getByTestId("library-status")).toHaveText("approved");

      // A new child: parameters, and code that does not compile yet.
      await page.getByTestId("library-search").fill("");
      await page.getByTestId("library-new").click();
      await expect(editor.getByRole("heading", { name: "New library action" })).toBeVisible();
      await commit(editor.getByTestId("library-name"), actionName);
      await editor.getByTestId("library-parent").selectOption({ label: "Generic REST API" });
      await editor.getByTestId("param-add").click();
      await editor.getByTestId("param-add").click();
      const params = editor.getByTestId("library-param");
      await expect(params).toHaveCount(2);
      await commit(params.nth(0).getByTestId("param-name"), "Name");
      await params.nth(0).getByTestId("param-required").check();
      await commit(params.nth(1).getByTestId("param-name"), "Base");
      await commit(
        editor.getByTestId("library-code"),
        "const r = await runAction('Generic REST API', {Method: 'POST', URL: context.params.Base + '/anything', Body: {name: context.params.Name}});\nreturn r.json.name +;",
      );
      await editor.getByTestId("library-save").click();
      await expect(editor.locator("#library-code-errors")).toContainText("SyntaxError");
      await commit(
        editor.getByTestId("library-code"),
        "const r = await runAction('Generic REST API', {Method: 'POST', URL: context.params.Base + '/anything', Body: {name: context.params.Name}});\nreturn {echoed: r.json.name};",
      );
      await editor.getByTestId("library-save").click();
      await expect(editor.getByTestId("library-status")).toHaveText("pending");
      await expect(editor.getByTestId("library-lineage")).toHaveText(`Generic REST API › ${actionName}`);

      // A test run: a required parameter left empty is named; then it reaches httpbin.
      const run = editor.getByTestId("library-test-run");
      await run.getByTestId("test-run").click();
      await expect(run.locator('[data-testid="test-param"][data-name="Name"] .field-error')).toContainText("required");
      await run.locator('[data-testid="test-param"][data-name="Name"] input').fill("Ada");
      await run.locator('[data-testid="test-param"][data-name="Base"] input').fill(bin.url);
      await run.getByTestId("test-run").click();
      await expect(run.getByTestId("test-run-ok")).toBeVisible({ timeout: 20_000 });
      await expect(run.getByTestId("test-run-output")).toContainText('"echoed": "Ada"');
      const items = run.getByTestId("activity-item");
      await expect(items.nth(0)).toContainText(actionName);
      await expect(items.nth(1)).toContainText("Generic REST API");
      await expect(items.nth(2)).toContainText("/anything");

      // Approval: recorded by the server.
      await editor.getByTestId("library-approve").click();
      await expect(editor.getByTestId("library-status")).toHaveText("approved");
      await expect(editor.getByTestId("library-code-versions")).toContainText("Code versions (1)");

      // A phone: nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      bin.stop();
    }
  });
  test("Generate with AI: the admin sets the model; a proposed child is reviewed, accepted, approved and test-run", async ({ page, browser }) => {
    test.setTimeout(120_000);
    const code =
      'const p = context.params;\nconst r = await runAction("Call Salesforce API", {Action: "create", ObjectType: "Lead", Data: {Company: p.Company, LastName: p.LastName}, Connection: p.Connection});\nreturn {Id: r.id};';
    const params = [
      { name: "Company", type: "string", required: true, description: "Company name" },
      { name: "LastName", type: "string", required: true },
      { name: "Connection", type: "string", description: "API configuration of Salesforce" },
      { name: "Id", type: "string", direction: "output" },
    ];
    const model = await startStubModel("Here is the action:\n```json\n" + JSON.stringify({ code, params }) + "\n```\nIt calls its parent.");
    const adminContext = await browser.newContext();
    try {
      // The admin: a bad URL is named beside its input; the key is typed once, then only "set".
      const admin = await adminContext.newPage();
      await signIn(admin, adminEmail());
      await admin.goto("/admin");
      await hydrated(admin);
      const llm = admin.getByTestId("llm-settings");
      await expect(llm.getByTestId("llm-state")).toHaveText("No language model is set.");
      await llm.getByTestId("llm-provider").selectOption("openai_compatible");
      await commit(llm.getByTestId("llm-base-url"), "model.example");
      await commit(llm.getByTestId("llm-model"), "coder-e2e");
      await llm.getByTestId("llm-save").click();
      await expect(llm.locator("#llm-base-url-errors")).toContainText("absolute");
      await commit(llm.getByTestId("llm-base-url"), model.url);
      await llm.getByTestId("llm-key").fill("sk-e2e-Zq81");
      await llm.getByTestId("llm-save").click();
      await expect(llm.getByTestId("llm-notice")).toContainText("Saved: coder-e2e");
      await expect(llm.getByLabel("API key (set; type a new one to replace it)")).toHaveValue("");
      await admin.reload();
      await hydrated(admin);
      await expect(llm.getByTestId("llm-state")).toHaveText("In use: coder-e2e (openai_compatible).");
      expect(await admin.content()).not.toContain("sk-e2e-Zq81");
      await admin.screenshot({ path: "artifacts/admin-language-model.png", fullPage: true });

      // The builder: a generated child of "Call Salesforce API".
      await signIn(page, who.email);
      await openLibrary(page);
      await page.getByTestId("library-new").click();
      const editor = page.getByTestId("library-editor");
      // One step from a description: the action is created (a Generated child) and the
      // model is asked at once.
      await commit(editor.getByTestId("library-name"), leadName);
      await editor.getByTestId("library-parent").selectOption({ label: "Call Salesforce API" });
      const first = editor.getByTestId("library-generate-new");
      await commit(first.getByTestId("generate-first"), "Create a Salesforce Lead from a company and a last name");
      await first.getByTestId("generate-create").click();
      await expect(editor.getByRole("heading", { name: leadName })).toBeVisible();
      const gen = editor.getByTestId("library-generate");
      await expect(gen.getByTestId("generate-proposal")).toBeVisible({ timeout: 20_000 });
      await expect(gen.getByTestId("generate-description")).toHaveValue("Create a Salesforce Lead from a company and a last name");
      await expect(editor.getByTestId("library-description")).toHaveValue("Create a Salesforce Lead from a company and a last name");
      // The proposal is already a code version (not the current one): the list shows it.
      await expect(editor.getByTestId("library-code-versions")).toContainText("Code versions (2)");
      await expect(editor.getByTestId("code-version").first()).toContainText("generated");
      const rows = gen.getByTestId("proposal-params").locator("tbody tr");
      await expect(rows).toHaveCount(4);
      await expect(rows.nth(0)).toContainText("Company");
      await expect(rows.nth(0)).toContainText("added");
      await expect(rows.nth(0)).toContainText("string, required");
      await expect(rows.nth(3)).toContainText("string, output");
      await expect(gen.getByTestId("proposal-diff")).toContainText('+ const r = await runAction("Call Salesforce API"');
      // The model was told to call the parent by name, with the parent's parameters.
      const asked = JSON.stringify(model.asked[0]);
      expect(asked).toContain('runAction(\\"Call Salesforce API\\"');
      expect(asked).toContain("ObjectType");
      // Nothing current changed before "Accept".
      await expect(editor.getByTestId("library-code")).toHaveValue("");
      await page.screenshot({ path: "artifacts/library-generate-proposal.png", fullPage: true });

      await gen.getByTestId("proposal-accept").click();
      await expect(editor.getByTestId("library-status")).toHaveText("pending");
      await expect(editor.getByTestId("library-code")).toHaveValue(code);
      await expect(editor.getByTestId("library-param")).toHaveCount(4);
      await editor.getByTestId("library-approve").click();
      await expect(editor.getByTestId("library-status")).toHaveText("approved");

      // A test run without a Salesforce connection: the error names every level.
      const run = editor.getByTestId("library-test-run");
      await run.locator('[data-testid="test-param"][data-name="Company"] input').fill("Acme");
      await run.locator('[data-testid="test-param"][data-name="LastName"] input').fill("Lovelace");
      await run.getByTestId("test-run").click();
      await expect(run.getByTestId("test-run-error")).toContainText(
        `${leadName} → Call Salesforce API → Generic REST API`,
      );
      const items = run.getByTestId("activity-item");
      await expect(items.nth(0)).toContainText(leadName);
      await expect(items.nth(1)).toContainText("Call Salesforce API");
      await expect(items.nth(2)).toContainText("Generic REST API");

      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await adminContext.close();
      model.stop();
    }
  });

  test("the generated action in a wizard event: mapped in the builder, published, run, every level in Activity", async ({ page }) => {
    test.setTimeout(180_000);
    const token = "sf-e2e-Wq3-token";
    const sf = await startStubSalesforce(token);
    const wizardName = `Leads ${stamp}`;
    try {
      await signIn(page, who.email);
      const wizardUrl = await newWizard(page, wizardName, "Lead");
      await addField(page, "text_input", "Company", "company");
      await addField(page, "text_input", "Last name", "last_name");
      const button = await addField(page, "apply_button", "Create lead", "create_lead");
      await expect(page.getByTestId("builder-save-status")).toHaveAttribute("data-state", "saved");

      // The Salesforce connection: an API configuration of the wizard, bearer token typed once.
      const configs = page.getByTestId("api-configs");
      await configs.getByTestId("api-config-new").click();
      const form = configs.getByTestId("api-config-form");
      await commit(form.getByTestId("api-config-name"), "salesforce");
      await commit(form.getByTestId("api-config-base-url"), sf.url);
      await form.getByTestId("api-config-auth").selectOption("bearer");
      await commit(form.getByTestId("api-config-secret"), token);
      await form.getByTestId("api-config-save").click();
      await expect(configs.getByTestId("api-config-status")).toHaveText("Saved salesforce.");

      // The button's event: the library action, its parameters from the fields, then a message
      // with its output parameter.
      const panel = button.getByTestId(/^events-os-/);
      await commit(panel.getByTestId("add-event-name"), "Create the lead");
      await panel.getByTestId("add-event-submit").click();
      const editor = page.getByTestId("event-editor");
      await editor.getByTestId("add-action").click();
      await editor.getByTestId("action-types").getByRole("button", { name: /Run a library action/ }).click();
      const lib = editor.locator('[data-testid="action-card"][data-name="library_action"]');
      await lib.getByTestId("library-action-pick").selectOption(leadName);
      await expect(lib.getByTestId("library-action-state")).toContainText("It returns Id.");
      const arg = (name: string) => lib.locator(`[data-testid="library-argument"][data-name="${name}"] [data-testid="library-arg"]`);
      await expect(lib.getByTestId("library-argument")).toHaveCount(3);
      await commit(arg("Company"), "{{ fields.company }}");
      await commit(arg("LastName"), "{{ fields.last_name }}");
      await commit(arg("Connection"), "salesforce");
      await editor.getByTestId("add-action").click();
      await editor.getByTestId("action-types").getByRole("button", { name: /Show a message/ }).click();
      const message = editor.locator('[data-testid="action-card"][data-name="message"]');
      await commit(message.getByTestId("message-text"), "Lead {{ actions.library_action.output.Id }} created");
      // A script may run a library action only when its box is ticked.
      await editor.getByTestId("add-action").click();
      await editor.getByTestId("action-types").getByRole("button", { name: /Run a script/ }).click();
      const script = editor.locator('[data-testid="action-card"][data-name="script"]');
      await commit(
        script.getByTestId("script-code"),
        `const r = await runAction(${JSON.stringify(leadName)}, {Company: "Beta", LastName: "Byron", Connection: "salesforce"});\nreturn r.Id;`,
      );
      await script.getByTestId("script-library-actions").getByLabel(leadName, { exact: true }).check();
      await page.screenshot({ path: "artifacts/event-editor-library-action.png", fullPage: true });
      await editor.getByTestId("event-save").click();
      await expect(editor.getByTestId("event-save-status")).toHaveText("Saved");

      // The row's switch: off while the editor holds the event; saved at once once it is closed.
      const row = panel.getByTestId("event-row");
      await expect(row.getByTestId("event-row-enabled")).toBeDisabled();
      await editor.getByTestId("event-close").click();
      await row.getByTestId("event-row-enabled").uncheck();
      await expect(row.getByTestId("event-disabled")).toBeVisible();
      await row.getByTestId("event-row-enabled").check();
      await expect(row.getByTestId("event-disabled")).toHaveCount(0);
      await page.getByTestId("publish").click();
      await expect(page.getByTestId("live-version")).toHaveText("Live: version 1");

      // Run it.
      await page.goto("/runs");
      await hydrated(page);
      await page.getByRole("button", { name: `Start ${wizardName}`, exact: true }).click();
      await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
      await hydrated(page);
      await page.getByLabel("Company").fill("Acme");
      await page.getByLabel("Last name").fill("Lovelace");
      await page.getByTestId("apply-create_lead").click();
      await expect(page.getByTestId("toast").filter({ hasText: "Lead 00Q000000000000001 created" })).toHaveCount(1, { timeout: 20_000 });
      await expect.poll(() => sf.created.length).toBe(2);
      expect(sf.created).toEqual([
        { type: "Lead", body: { Company: "Acme", LastName: "Lovelace" } },
        { type: "Lead", body: { Company: "Beta", LastName: "Byron" } },
      ]);

      // Activity: the event, its action, the three library levels, and the HTTP call.
      const activity = page.getByTestId("activity");
      await activity.locator("summary").first().click();
      const items = activity.getByTestId("activity-item");
      await expect(items.nth(0)).toContainText("Create the lead");
      await expect(items.nth(1)).toContainText("library_action");
      await expect(items.nth(2)).toContainText(leadName);
      await expect(items.nth(3)).toContainText("Call Salesforce API");
      await expect(items.nth(4)).toContainText("Generic REST API");
      await expect(items.nth(5)).toContainText("POST /services/data/v59.0/sobjects/Lead");
      await expect(items.nth(5)).toHaveClass(/activity-success/);
      await page.screenshot({ path: "artifacts/player-library-activity.png", fullPage: true });
      expect(await page.content()).not.toContain(token);

      // The stored token can be cleared (by dropping the bearer auth), and then it is gone.
      await page.goto(wizardUrl);
      await hydrated(page);
      await configs.getByRole("button", { name: "Edit API configuration salesforce" }).click();
      await form.getByTestId("secret-clear").click();
      await expect(form.getByTestId("api-config-auth")).toHaveValue("none");
      await form.getByTestId("api-config-save").click();
      await expect(configs.getByTestId("api-config-status")).toHaveText("Saved salesforce.");
      await expect(configs.getByTestId("api-config-row")).not.toContainText("credential set");
    } finally {
      sf.stop();
    }
  });
});
