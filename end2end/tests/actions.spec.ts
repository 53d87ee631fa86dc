import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { hydrated, password, register, signIn } from "./helpers";

// The action system in the player, with the seeded "Trip budget" template (no internet
// needed): an apply button runs JavaScript and JMESPath transforms whose outputs are shown
// by the table, chart, document and JSON renderers; a select gets its options from an
// action; a toast reports; a step.onValidate rule blocks Next; renders survive a reload
// and show without JavaScript.
const stamp = Date.now();
const who = { email: `trip-${stamp}@example.com`, name: "Tess Traveller" };
let runUrl = "";

const saved = (page: Page) => expect(page.getByTestId("save-status")).toContainText("All changes saved");
const breakdown = (page: Page) => page.getByTestId("render-breakdown");

test.describe.serial("actions in the player", () => {
  test("an apply button fills a table, a chart, dynamic options and a toast", async ({ page }) => {
    await register(page, who);

    await page.goto("/gallery?q=trip");
    await hydrated(page);
    await page.getByRole("button", { name: "Run Trip budget" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    runUrl = page.url();
    await hydrated(page);

    await page.getByLabel("Destination").fill("Lisbon");
    await page.getByLabel("Nights").fill("3");
    await page.getByLabel("Travellers").fill("2");
    await page.getByLabel("Daily budget per person").fill("100");
    await page.getByTestId("field-style").getByLabel("Comfort").check();
    await expect(page.getByTestId("render-breakdown")).toHaveCount(0);

    // Keyboard only: focus the button and press Enter; a second press while it runs is ignored.
    const plan = page.getByTestId("apply-plan");
    await plan.focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    const table = breakdown(page).locator("table");
    await expect(table.locator("tbody tr")).toHaveCount(4);
    await expect(table.locator("tbody tr").first()).toContainText("Lodging");
    await expect(table.locator("tbody tr").first()).toContainText("270");
    await expect(page.getByTestId("toast").filter({ hasText: "Your budget for Lisbon is ready." })).toHaveCount(1);
    await expect(plan).toBeEnabled();

    // Sort by Total: ascending, then descending; aria-sort says which.
    const total = table.getByRole("columnheader", { name: "Total" });
    await total.getByRole("button").click();
    await expect(total).toHaveAttribute("aria-sort", "ascending");
    await expect(table.locator("tbody tr").first()).toContainText("Transport");
    await total.getByRole("button").click();
    await expect(total).toHaveAttribute("aria-sort", "descending");
    await expect(table.locator("tbody tr").first()).toContainText("Lodging");

    // CSV of all rows, as shown.
    const download = page.waitForEvent("download");
    await breakdown(page).getByTestId("csv-all").click();
    const file = await (await download).path();
    const csv = readFileSync(file!, "utf8");
    expect(csv.split("\r\n")[0]).toBe("Category,Per day,Total");
    expect(csv).toContain("Lodging,90,270");

    // The chart: an SVG from the server with a text alternative and its data as a table.
    const chart = page.getByTestId("chart-chart");
    await expect(chart.getByRole("img")).toHaveAttribute("aria-label", /Bar chart “Total by category”: 4 points/);
    await expect(chart.locator("svg")).toBeVisible();
    await chart.getByText("Show data").click();
    await expect(chart.locator("details table tbody tr")).toHaveCount(4);
    await saved(page);
  });

  test("the next step shows a sanitized document and a JSON tree; a rule blocks Next", async ({ page }) => {
    await signIn(page, who.email);
    await page.goto(runUrl);
    await hydrated(page);
    // Renders survive a reload.
    await expect(breakdown(page).locator("tbody tr")).toHaveCount(4);

    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("step-title")).toHaveText("Stay");
    // step.onEntry wrote the summary (Markdown rendered on the server) and the JSON view.
    const summary = page.getByTestId("render-summary");
    await expect(summary.getByRole("heading", { name: "Trip to Lisbon" })).toBeVisible();
    await expect(summary.locator("table")).toContainText("600");
    const tree = page.getByTestId("json-tree");
    await expect(tree).toContainText("destination");
    await tree.getByRole("button", { name: "Collapse all" }).click();
    await expect(tree).not.toContainText("destination");
    await tree.getByRole("button", { name: "Expand all" }).click();
    await expect(tree).toContainText("\"Lisbon\"");

    // The hotels came from the plan action.
    const hotel = page.getByRole("combobox", { name: "Hotel" });
    await hotel.selectOption("harbour");
    await saved(page);

    // Too expensive: the step.onValidate rule blocks Next and says why.
    await page.getByTestId("run-back").click();
    await expect(page.getByTestId("step-title")).toHaveText("Your trip");
    await page.getByLabel("Daily budget per person").fill("5000");
    await saved(page);
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("step-title")).toHaveText("Stay");
    await page.getByTestId("run-next").click();
    await expect(page.getByTestId("run-notice")).toContainText("more than the 20000 limit");
    await expect(page.getByTestId("step-title")).toHaveText("Stay");

    // Phone-sized screens fit, renders included.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId("render-summary")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/player-actions-phone.png", fullPage: true });
  });

  test("renders show without JavaScript, and nothing in a document runs", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.goto(runUrl);
    await expect(page.getByTestId("render-summary").getByRole("heading", { name: "Trip to Lisbon" })).toBeVisible();
    await expect(page.getByTestId("render-summary").locator("script")).toHaveCount(0);
    await context.close();
  });
});

// The template that calls a public HTTP API: it works where the internet is reachable and
// says clearly what happened where it is not (CI machines reach only package registries).
test("the weather template reports the outcome of its public API call", async ({ page }) => {
  await register(page, { email: `weather-${stamp}@example.com`, name: "Wendy Weather" });
  await page.goto("/gallery?q=weather");
  await hydrated(page);
  await page.getByRole("button", { name: "Run Weather forecast" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.getByLabel("City")).toHaveValue("Berlin");
  await page.getByTestId("apply-look_up").click();
  const outcome = page.getByTestId("toast").filter({ hasText: /Found \d+ place|could not be reached|did not work/ });
  await expect(outcome.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("apply-look_up")).toBeEnabled();
});
