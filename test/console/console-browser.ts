/**
 * The console in a real browser: Debian's Chromium driven by playwright-core, and page objects built
 * on Cloudscape's test-utils selectors (CSS selectors of the components, not of our markup).
 */
import { join } from 'node:path';
import { ElementWrapper } from '@cloudscape-design/components/test-utils/selectors';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ROOT } from '../support/cairn-process.js';
import { requireProgram } from '../support/programs.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

/** Why the browser tests cannot run here (undefined when Chromium is installed). */
export function chromiumMissing(): string | undefined {
  return requireProgram(CHROMIUM, ['--version']) || undefined;
}

export interface ConsoleBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** One headless Chromium (playwright gives it a fresh temporary profile), a 1280-pixel-wide page. */
export async function openBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return {
    browser,
    context,
    page,
    close: () => browser.close(),
  };
}

export const ui = new ElementWrapper('body');

/** Sign-in page. */
export class SignInPage {
  constructor(private readonly page: Page) {}

  async signIn(accessKeyId: string, secret: string, region: string): Promise<void> {
    await this.page.locator('[data-testid=access-key-id] input').fill(accessKeyId);
    await this.page.locator('[data-testid=secret-access-key] input').fill(secret);
    await this.page.locator('[data-testid=region] input').fill(region);
    await this.page.locator(ui.findButton('[data-testid=sign-in]').toSelector()).click();
  }

  /** Only the keyboard: Tab between the fields, Enter to submit. */
  async signInWithKeyboard(accessKeyId: string, secret: string, region: string): Promise<void> {
    const field = this.page.locator('[data-testid=access-key-id] input');
    await field.fill('');
    await field.focus();
    await this.page.keyboard.type(accessKeyId);
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(secret);
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(region);
    await this.page.keyboard.press('Enter');
  }

  formError(): string {
    return ui.findForm().findError().toSelector();
  }
}

/** Event history (and the events table of a log file). */
export class EventHistoryPage {
  readonly filter = ui.findPropertyFilter();
  readonly dates = ui.findDateRangePicker();

  constructor(
    private readonly page: Page,
    readonly table = ui.findTable(),
  ) {}

  rows(): string {
    return this.table.findRows().toSelector();
  }

  /** The text of one column for every row shown (by the column's header text). */
  async column(header: string): Promise<string[]> {
    await this.waitLoaded();
    const headers = await this.page.locator(this.table.findColumnHeaders().toSelector()).allInnerTexts();
    const index = headers.findIndex((h) => h.trim() === header);
    if (index < 0) throw new Error(`no column ${header} in ${headers.join(' | ')}`);
    const count = await this.page.locator(this.rows()).count();
    const values: string[] = [];
    for (let row = 1; row <= count; row++) values.push((await this.page.locator(this.table.findBodyCell(row, index + 1).toSelector()).innerText()).trim());
    return values;
  }

  async columnHeaders(): Promise<string[]> {
    return (await this.page.locator(this.table.findColumnHeaders().toSelector()).allInnerTexts()).map((h) => h.trim()).filter((h) => h !== '');
  }

  async waitLoaded(): Promise<void> {
    await this.page.locator(this.table.findLoadingText().toSelector()).waitFor({ state: 'detached' });
    await this.page.locator(`${this.table.toSelector()} tbody`).first().waitFor();
  }

  /** Adds one condition by typing it as Cloudscape's property filter parses it ("Event name = X"). */
  async addCondition(propertyLabel: string, value: string): Promise<void> {
    const input = this.page.locator(this.filter.findNativeInput().toSelector());
    await input.click();
    await input.fill(`${propertyLabel} = ${value}`);
    await input.press('Enter');
    await this.page.keyboard.press('Escape');
  }

  async tokens(): Promise<string[]> {
    await this.page.locator(this.filter.toSelector()).waitFor();
    return (await this.page.locator(this.filter.findTokens().toSelector()).allInnerTexts()).map((t) => t.trim());
  }

  async setAbsoluteRange(start: { date: string; time: string }, end: { date: string; time: string }): Promise<void> {
    await this.page.locator(this.dates.findTrigger().toSelector()).click();
    const dropdown = this.dates.findDropdown({ expandToViewport: true });
    await this.page.locator(dropdown.findSelectionModeSwitch().findModesAsSegments().findSegmentById('absolute').toSelector()).click();
    await this.page.locator(dropdown.findStartDateInput().findNativeInput().toSelector()).fill(start.date);
    await this.page.locator(dropdown.findStartTimeInput().findNativeInput().toSelector()).fill(start.time);
    await this.page.locator(dropdown.findEndDateInput().findNativeInput().toSelector()).fill(end.date);
    await this.page.locator(dropdown.findEndTimeInput().findNativeInput().toSelector()).fill(end.time);
    await this.page.locator(dropdown.findApplyButton().toSelector()).click();
  }

  /** Chooses one of the relative options by its position (0: last hour, 1: last day, ...). */
  async setRelativeRange(index: number): Promise<void> {
    await this.page.locator(this.dates.findTrigger().toSelector()).click();
    const dropdown = this.dates.findDropdown({ expandToViewport: true });
    await this.page.locator(dropdown.findSelectionModeSwitch().findModesAsSegments().findSegmentById('relative').toSelector()).click();
    await this.page.locator(dropdown.findRelativeRangeRadioGroup().findButtons().get(index + 1).findNativeInput().toSelector()).check({ force: true });
    await this.page.locator(dropdown.findApplyButton().toSelector()).click();
  }

  async openEvent(eventName: string): Promise<void> {
    await this.waitLoaded();
    await this.page.locator(this.table.findRows().toSelector()).getByRole('link', { name: new RegExp(`^Open details of ${eventName} `) }).first().click();
    await this.page.locator(ui.findSplitPanel().findOpenPanelSide().toSelector()).waitFor();
  }

  /** Shows one more column through the preferences modal (its content display list). */
  async showColumn(label: string): Promise<void> {
    await this.page.locator(ui.findCollectionPreferences().findTriggerButton().toSelector()).click();
    const modal = ui.findCollectionPreferences().findModal();
    const display = modal.findContentDisplayPreference();
    const labels = (await this.page.locator(display.findOptions().toSelector()).allInnerTexts()).map((l) => l.trim().split('\n')[0]!.trim());
    const index = labels.indexOf(label);
    if (index < 0) throw new Error(`no column option ${label} in ${labels.join(' | ')}`);
    await this.page.locator(display.findOptionByIndex(index + 1).findVisibilityToggle().findNativeInput().toSelector()).click();
    await this.page.locator(modal.findConfirmButton().toSelector()).click();
  }
}
