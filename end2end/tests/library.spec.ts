import { test, expect, type Page } from "@playwright/test";
import { adminEmail, commit, hydrated, register, signIn, startHttpbin, startStubModel } from "./helpers";

// The action library through the UI (issue 14): a builder finds the seeded hierarchy and
// its lineage, creates a child of "Generic REST API" whose code is refused beside the
// editor until it compiles, test-runs it against httpbin on 127.0.0.1 (accounts.spec's
// admin allow-lists it) and sees the output and the two-level log, approves it, and the
// page fits a phone. Then "Generate with AI": accounts.spec's admin points the platform at a
// stub OpenAI-compatible model on 127.0.0.1 through the admin screen (the key typed once,
// shown only as set), and the builder has a child of "Call Salesforce API" written from a
// description, reviews the parameter and code diff, accepts, approves, and test-runs it:
// without a Salesforce connection the error names all three levels.
const stamp = Date.now();
const who = { email: `library-${stamp}@example.com`, name: "Lib Rarian" };
const actionName = `Echo name ${stamp}`;

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
    const leadName = `Create Lead ${stamp}`;
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
      await commit(editor.getByTestId("library-name"), leadName);
      await editor.getByTestId("library-kind-edit").selectOption("generated");
      await editor.getByTestId("library-parent").selectOption({ label: "Call Salesforce API" });
      await editor.getByTestId("library-save").click();
      await expect(editor.getByRole("heading", { name: leadName })).toBeVisible();
      const gen = editor.getByTestId("library-generate");
      await commit(gen.getByTestId("generate-description"), "Create a Salesforce Lead from a company and a last name");
      await gen.getByTestId("generate-ask").click();
      await expect(gen.getByTestId("generate-proposal")).toBeVisible({ timeout: 20_000 });
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
});
