import { test, expect, type Page, type Locator } from "@playwright/test";
import { addField, commit } from "./helpers";

// The builder end to end, through the real UI: build a three-step wizard with conditions,
// publish it, run it (a field appears and disappears, a reload resumes mid-run), complete
// it, find it in My Runs, store it, offer it in the gallery, clone it, publish and run the
// clone. Plus the refusals a builder must see: broken conditions, bad imports, and a 409
// when the same wizard is edited in two tabs.
//
// Accounts after the first are builders by default; the accounts spec may or may not have
// run first, so this spec registers its own user.

const stamp = Date.now();
const builder = { email: `builder-${stamp}@example.com`, name: "Bea Builder" };
const password = "correct horse battery";
const wizardName = `Laptop onboarding ${stamp}`;
const copyName = `${wizardName} (copy)`;

async function hydrated(page: Page) {
  await expect(page.locator('main[data-hydrated="true"]')).toBeVisible();
  // The layout sets the marker only once the page's own chunk (lazy routes) and any
  // deferred widget have arrived and hydrated (app/src/components/loading.rs).
}

async function register(page: Page) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(builder.email);
  await page.getByLabel("Name").fill(builder.name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("whoami")).toContainText(builder.name);
}

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(builder.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toBeVisible();
}

const saveStatus = (page: Page) => page.getByTestId("builder-save-status");

async function saved(page: Page) {
  await expect(saveStatus(page)).toHaveAttribute("data-state", "saved");
}

async function setOptions(card: Locator, labels: string[]) {
  for (const [i, label] of labels.entries()) {
    if (i >= (await card.getByTestId("option-label").count())) {
      await card.getByTestId("add-option").click();
    }
    await commit(card.getByTestId("option-label").nth(i), label);
  }
}

async function addStep(page: Page, title: string) {
  await page.getByTestId("add-step").click();
  await commit(page.getByTestId("step-editor").getByTestId("step-title"), title);
}

async function selectStep(page: Page, title: string) {
  await page.getByTestId("step-item").filter({ hasText: title }).getByTestId("step-select").click();
  await expect(page.getByTestId("step-editor").getByTestId("step-title")).toHaveValue(title);
}

async function keysOfStep(page: Page): Promise<string[]> {
  return page
    .getByTestId("step-editor")
    .getByTestId("option-set")
    .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-key") ?? ""));
}

async function startRun(page: Page, name: string) {
  await page.goto("/runs");
  await hydrated(page);
  await page.getByRole("button", { name: `Start ${name}`, exact: true }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("step-title")).toHaveText("About you");
}

async function runSaved(page: Page) {
  await expect(page.getByTestId("save-status")).toContainText("All changes saved");
}

let wizardUrl = "";

test.describe.serial("builder", () => {
  test("build a three-step wizard with conditions, publish, run, store, clone", async ({ page }) => {
    test.setTimeout(240_000);
    await register(page);

    // --- create -----------------------------------------------------------------
    await page.goto("/wizards");
    await hydrated(page);
    await page.locator("#new-name").fill(wizardName);
    await page.locator("#new-description").fill("Who you are and the laptop you need.");
    await page.locator("#new-category").fill("HR");
    await page.getByRole("button", { name: "Create wizard" }).click();
    await expect(page).toHaveURL(/\/wizards\/[0-9a-f-]{36}$/);
    wizardUrl = new URL(page.url()).pathname;
    await expect(page.getByTestId("builder-title")).toHaveText(wizardName);
    await expect(page.getByTestId("live-version")).toHaveText("Not published yet");

    // --- step 1: name, role, and team size shown only for managers ----------------
    await addStep(page, "About you");
    const nameCard = await addField(page, "text_input", "Name", "name");
    await nameCard.getByTestId("os-required").check();
    await commit(nameCard.getByTestId("setting-max_length"), "80");

    const roleCard = await addField(page, "single_select", "Role", "role");
    await setOptions(roleCard, ["Developer", "Manager"]);
    await expect(roleCard.getByTestId("option-value").nth(1)).toHaveValue("manager");

    const teamCard = await addField(page, "number_input", "Team size", "team_size");
    await commit(teamCard.getByTestId("setting-min"), "1");
    await teamCard.locator("details.conditions > summary").click();
    const teamShowIf = teamCard.getByTestId("condition-show_if");
    await teamShowIf.getByTestId("cond-add-rule").click();
    await teamShowIf.getByTestId("cond-field").selectOption("role");
    // Only the operators that suit a single choice are offered.
    await expect(teamShowIf.getByTestId("cond-op").locator("option")).toHaveText([
      "is", "is not", "is one of", "is none of", "contains", "is empty", "is answered", "matches pattern",
    ]);
    await teamShowIf.getByTestId("cond-value").selectOption("manager");
    await saved(page);

    // The live preview runs the same rules as the player.
    const preview = page.getByTestId("preview");
    await expect(preview.getByTestId("field-team_size")).toHaveCount(0);
    await preview.getByTestId("field-role").getByLabel("Manager").check();
    await expect(preview.getByTestId("field-team_size")).toBeVisible();
    await preview.getByTestId("field-role").getByLabel("Developer").check();
    await expect(preview.getByTestId("field-team_size")).toHaveCount(0);
    await preview.getByTestId("field-role").getByLabel("Manager").check();

    // --- step 2: laptop or not; fields reordered with the keyboard ---------------
    await addStep(page, "Details");
    await addField(page, "date_input", "Start date", "start_date");
    const laptopCard = await addField(page, "single_select", "Need a laptop", "need_a_laptop");
    await setOptions(laptopCard, ["Yes", "No"]);
    await expect.poll(() => keysOfStep(page)).toEqual(["start_date", "need_a_laptop"]);
    const moveUp = page.getByRole("button", { name: "Move field Need a laptop up" });
    await moveUp.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => keysOfStep(page)).toEqual(["need_a_laptop", "start_date"]);
    // Focus follows the moved field, so it can be moved again from the keyboard.
    await expect(moveUp).toBeFocused();

    // --- step 3: only for those who need a laptop ----------------------------------
    await addStep(page, "Laptop");
    const stepShowIf = page.getByTestId("step-editor").getByTestId("condition-show_if").first();
    await stepShowIf.getByTestId("cond-add-rule").click();
    await stepShowIf.getByTestId("cond-field").selectOption("need_a_laptop");
    await stepShowIf.getByTestId("cond-value").selectOption("yes");
    const osCard = await addField(page, "single_select", "Operating system", "operating_system");
    await setOptions(osCard, ["Linux", "macOS"]);
    await osCard.getByTestId("os-required").check();
    await saved(page);

    // Steps reorder from the keyboard too: down and back up.
    await page.getByRole("button", { name: "Move step Details up" }).click();
    await expect(page.getByTestId("step-item").first()).toContainText("Details");
    await page.getByRole("button", { name: "Move step Details down" }).click();
    await expect(page.getByTestId("step-item").first()).toContainText("About you");
    await expect(page.getByTestId("step-item")).toHaveText([/About you/, /Details/, /Laptop/]);
    // …and by drag and drop; then back into place from the keyboard.
    await page.getByTestId("step-item").nth(2).dragTo(page.getByTestId("step-item").nth(0));
    await expect(page.getByTestId("step-item")).toHaveText([/Laptop/, /About you/, /Details/]);
    await page.getByRole("button", { name: "Move step Laptop down" }).click();
    await page.getByRole("button", { name: "Move step Laptop down" }).click();
    await expect(page.getByTestId("step-item")).toHaveText([/About you/, /Details/, /Laptop/]);
    await saved(page);

    // --- a condition naming a missing field is refused with the reason -----------
    const tempCard = await addField(page, "text_input", "Temp", "temp");
    await osCard.locator("details.conditions > summary").click();
    const osShowIf = osCard.getByTestId("condition-show_if");
    await osShowIf.getByTestId("cond-add-rule").click();
    await osShowIf.getByTestId("cond-field").selectOption("temp");
    await saved(page);
    await tempCard.getByTestId("os-delete").click();
    await tempCard.getByTestId("confirm-delete").click();
    await expect(saveStatus(page)).toHaveAttribute("data-state", "invalid");
    await expect(saveStatus(page)).toContainText("Not saved");
    await expect(osShowIf.getByTestId("field-error")).toContainText("there is no field `temp` in this wizard");
    await expect(page.getByTestId("error-summary")).toContainText("steps[2].option_sets[0].show_if.field");
    // The edit stays on the page; removing the rule saves again.
    await osShowIf.getByTestId("cond-remove").click();
    await saved(page);
    await expect(page.getByTestId("error-summary")).toHaveCount(0);

    // --- publish ------------------------------------------------------------------
    await selectStep(page, "About you");
    await page.getByTestId("publish").click();
    await expect(page.getByTestId("builder-notice")).toContainText("Published version 1");
    await expect(page.getByTestId("live-version")).toHaveText("Live: version 1");
    await expect(page.getByTestId("versions").locator('[data-live="true"]')).toContainText("v1");
    await expect(page.getByTestId("unpublished-badge")).toHaveCount(0);
    await page.screenshot({ path: "artifacts/builder.png", fullPage: true });

    // The export link serves the schema-versioned document.
    const exportHref = await page.getByTestId("export").getAttribute("href");
    const exported = await (await page.request.get(exportHref ?? "")).json();
    expect(exported.schema_version).toBe(1);
    expect(exported.wizard.steps.map((s: { title: string }) => s.title)).toEqual(["About you", "Details", "Laptop"]);

    // --- run it ---------------------------------------------------------------------
    await startRun(page, wizardName);
    await page.getByTestId("field-name").locator("input").fill("Ada");
    const role = page.getByTestId("field-role");
    const teamSize = page.getByTestId("field-team_size");
    await expect(teamSize).toHaveCount(0);
    await role.getByLabel("Manager").check();
    await expect(teamSize).toBeVisible();
    await role.getByLabel("Developer").check();
    await expect(teamSize).toHaveCount(0);
    await role.getByLabel("Manager").check();
    await teamSize.locator("input").fill("7");
    await runSaved(page);
    await page.screenshot({ path: "artifacts/player.png", fullPage: true });
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("step-title")).toHaveText("Details");
    await page.getByTestId("field-need_a_laptop").getByLabel("Yes").check();
    await runSaved(page);

    // Reload mid-run: same step, answers kept.
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId("step-title")).toHaveText("Details");
    await expect(page.getByTestId("field-need_a_laptop").getByLabel("Yes")).toBeChecked();
    await page.getByTestId("run-back").click();
    await expect(page.getByTestId("step-title")).toHaveText("About you");
    await expect(page.getByTestId("field-name").locator("input")).toHaveValue("Ada");
    await expect(teamSize.locator("input")).toHaveValue("7");
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("step-title")).toHaveText("Details");
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("step-title")).toHaveText("Laptop");
    await page.getByTestId("field-operating_system").getByLabel("Linux").check();
    await runSaved(page);
    await page.getByTestId("run-complete").click();
    const runUrl = page.url();

    // --- store it, find it in My Runs and the Store -----------------------------------
    await page.getByTestId("store-name").fill(`Ada's laptop ${stamp}`);
    await page.getByTestId("store-visibility").selectOption("shared");
    await page.getByTestId("store-save").click();
    await expect(page.getByText(`Saved to the Store as “Ada's laptop ${stamp}”`)).toBeVisible();
    await page.goto("/runs");
    await hydrated(page);
    const myRun = page.getByTestId("runs-table").getByTestId("run-row").filter({ hasText: wizardName });
    await expect(myRun).toHaveCount(1);
    await expect(myRun).toHaveAttribute("data-status", "completed");
    await page.goto("/store");
    await expect(page.getByTestId("store-table")).toContainText(`Ada's laptop ${stamp}`);
    expect(runUrl).toMatch(/\/runs\/[0-9a-f-]{36}$/);

    // --- offer it in the gallery, clone it, publish and run the clone -------------------
    await page.goto(wizardUrl);
    await hydrated(page);
    await page.getByTestId("offer-in-gallery").check();
    await expect(page.getByTestId("builder-notice")).toContainText("Offered in the gallery");
    await page.goto("/gallery");
    await hydrated(page);
    const card = page.getByTestId("template-card").filter({ hasText: wizardName });
    await card.getByTestId("clone-template").click();
    await expect(page).toHaveURL(/\/wizards\/[0-9a-f-]{36}$/);
    expect(new URL(page.url()).pathname).not.toBe(wizardUrl);
    await expect(page.getByTestId("builder-title")).toHaveText(wizardName);
    await commit(page.getByTestId("wizard-name"), copyName);
    await expect(page.getByTestId("builder-title")).toHaveText(copyName);
    await saved(page);
    await page.getByTestId("publish").click();
    await expect(page.getByTestId("live-version")).toHaveText("Live: version 1");

    await startRun(page, copyName);
    await page.getByTestId("field-name").locator("input").fill("Grace");
    await page.getByTestId("field-role").getByLabel("Developer").check();
    await runSaved(page);
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("step-title")).toHaveText("Details");
    // No laptop: the Laptop step is skipped, so this step is the last.
    await page.getByTestId("field-need_a_laptop").getByLabel("No").check();
    await runSaved(page);
    await expect(page.getByTestId("run-next")).toHaveCount(0);
    await page.getByTestId("run-complete").click();
    await page.goto("/runs");
    await hydrated(page);
    await expect(
      page.getByTestId("runs-table").getByTestId("run-row").filter({ hasText: copyName }),
    ).toHaveAttribute("data-status", "completed");
  });

  test("edits of the same wizard in two tabs get a conflict, never a lost update", async ({ browser }) => {
    const context = await browser.newContext();
    const a = await context.newPage();
    await signIn(a);
    await a.goto(wizardUrl);
    await hydrated(a);
    const b = await context.newPage();
    await b.goto(wizardUrl);
    await hydrated(b);

    await commit(b.getByTestId("wizard-description"), "Changed in tab B.");
    await saved(b);
    await commit(a.getByTestId("wizard-name"), "Changed in tab A");
    await expect(a.getByTestId("conflict")).toContainText("Changed elsewhere — reload");
    await expect(saveStatus(a)).toHaveAttribute("data-state", "conflict");

    await a.getByTestId("conflict-reload").click();
    await expect(a.getByTestId("conflict")).toHaveCount(0);
    await expect(a.getByTestId("wizard-description")).toHaveValue("Changed in tab B.");
    await expect(a.getByTestId("builder-title")).toHaveText(wizardName);
    await expect(a.getByTestId("unpublished-badge")).toBeVisible();
    await context.close();
  });

  test("the builder fits a phone screen and works from the keyboard", async ({ page }) => {
    await signIn(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(wizardUrl);
    await hydrated(page);
    await selectStep(page, "About you");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/builder-phone.png", fullPage: true });

    // Select a step and reach its title from the keyboard.
    const details = page.getByTestId("step-item").filter({ hasText: "Details" }).getByTestId("step-select");
    await details.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("step-editor").getByTestId("step-title")).toHaveValue("Details");
    await expect(details).toHaveAttribute("aria-current", "step");
  });

  test("import reports every problem with its JSON path, then imports a good document", async ({ page }) => {
    await signIn(page);
    await page.goto("/wizards");
    await hydrated(page);
    const broken = {
      schema_version: 1,
      wizard: {
        name: "Broken",
        steps: [
          {
            title: "A",
            option_sets: [
              { key: "Bad Key", label: "X", selection_type: "text_input" },
              { key: "n", label: "N", selection_type: "bogus_input" },
            ],
          },
          { option_sets: [] },
        ],
      },
    };
    await page.getByLabel("Wizard JSON").fill(JSON.stringify(broken));
    await page.getByRole("button", { name: "Import" }).click();
    const problems = page.getByTestId("import-errors");
    await expect(problems).toContainText("wizard.steps[0].option_sets[0].key");
    await expect(problems).toContainText("wizard.steps[0].option_sets[1].selection_type");
    await expect(problems).toContainText("wizard.steps[1].title");
    await expect(problems.locator("li")).toHaveCount(3);

    const doc = await (await page.request.get(`/api/v1${wizardUrl}/export`)).json();
    doc.wizard.name = `Imported ${stamp}`;
    // Choosing a file puts its text in the box, where it can still be edited.
    await page.getByLabel("Or choose a .json file").setInputFiles({
      name: "wizard.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(doc)),
    });
    await expect(page.getByLabel("Wizard JSON")).toHaveValue(/"schema_version":1/);
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page).toHaveURL(/\/wizards\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("builder-title")).toHaveText(`Imported ${stamp}`);
    await expect(page.getByTestId("step-item")).toHaveCount(3);

    await page.goto("/wizards");
    await hydrated(page);
    await expect(page.getByTestId("wizards-table")).toContainText(`Imported ${stamp}`);
    await expect(page.getByTestId("wizards-table")).toContainText(wizardName);

    // Deleting asks first, then removes the row.
    const imported = page.getByTestId("wizard-row").filter({ hasText: `Imported ${stamp}` });
    await imported.getByTestId("wizard-delete").click();
    await imported.getByRole("button", { name: "Cancel" }).click();
    await expect(imported).toHaveCount(1);
    await imported.getByTestId("wizard-delete").click();
    await imported.getByTestId("confirm-delete").click();
    await expect(imported).toHaveCount(0);
    await expect(page.getByTestId("wizards-table")).toContainText(wizardName);

    // A wizard needs a name: the message sits beside the input.
    await page.getByRole("button", { name: "Create wizard" }).click();
    await expect(page.locator("#new-name-errors")).toContainText("needs a name");
    await expect(page.locator("#new-name")).toHaveAttribute("aria-invalid", "true");
  });
});
