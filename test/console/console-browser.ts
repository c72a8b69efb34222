/**
 * The console in a real browser: Debian's Chromium driven by playwright-core, and page objects built
 * on Cloudscape's test-utils selectors (CSS selectors of the components, not of our markup).
 */
import { join } from 'node:path';
import { ElementWrapper } from '@cloudscape-design/components/test-utils/selectors';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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

/** Photographs the page once its requests have settled. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Waits until `read` returns a value satisfying `ok` (the UI updates asynchronously). */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

/** RFC 4180 CSV into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

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

/** The Query (CloudTrail Lake) page: CodeMirror editor, run/cancel, results, samples, history. */
export class QueryEditorPage {
  readonly results = ui.findTable('[data-testid=query-results]');
  readonly samples = ui.findTable('[data-testid=sample-queries]');
  readonly history = ui.findTable('[data-testid=query-history]');
  readonly tabs = ui.findTabs();

  constructor(private readonly page: Page) {}

  editor(): Locator {
    return this.page.locator('[data-testid=sql-editor] .cm-content');
  }

  async sql(): Promise<string> {
    return (await this.page.locator('[data-testid=sql-editor] .cm-line').allTextContents()).join('\n');
  }

  /** Replaces the editor's text by typing it, key by key, as a person would. */
  async type(sql: string): Promise<void> {
    await this.editor().click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.type(sql);
    await this.page.keyboard.press('Escape'); // closes a completion list the typing may have opened
  }

  /** Replaces the editor's text at once (a paste). */
  async paste(sql: string): Promise<void> {
    await this.editor().click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(sql);
  }

  async run(): Promise<void> {
    await this.page.locator(ui.findButton('[data-testid=run-query]').toSelector()).click();
  }

  async cancel(): Promise<void> {
    await this.page.locator(ui.findButton('[data-testid=cancel-query]').toSelector()).click();
  }

  /** The status indicator's text ("Running", "Finished", ...). */
  async status(): Promise<string> {
    const indicator = this.page.locator(new ElementWrapper('[data-testid=query-status]').findStatusIndicator().toSelector());
    return (await indicator.count()) === 0 ? '' : (await indicator.first().innerText()).trim();
  }

  /**
   * Waits until the page shows a query in `status` whose id `accept`s (a new run: not the id shown
   * before; an opened entry: its id), and returns the id.
   */
  async waitForQuery(status: string, accept: (queryId: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const read = async (): Promise<{ status: string; queryId: string }> => ({ status: await this.status(), queryId: await this.statistic('Query ID').catch(() => '') });
    const shown = await eventually(read, (s) => s.status === status && s.queryId !== '' && accept(s.queryId), `a query ${status}`, timeoutMs);
    return shown.queryId;
  }

  /** The id of the query shown ('' before any). */
  async queryId(): Promise<string> {
    return this.statistic('Query ID').catch(() => '');
  }

  /** The statistics shown for the current query, by label. */
  async statistic(label: string): Promise<string> {
    const pairs = this.page.locator('[data-testid=query-status]');
    const text = await pairs.innerText();
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const index = lines.indexOf(label);
    if (index < 0 || index + 1 >= lines.length) throw new Error(`no statistic ${label} in ${lines.join(' | ')}`);
    return lines[index + 1]!;
  }

  async openTab(id: 'results' | 'samples' | 'history'): Promise<void> {
    await this.page.locator(this.tabs.findTabLinkById(id).toSelector()).click();
  }

  async columnHeaders(): Promise<string[]> {
    return (await this.page.locator(this.results.findColumnHeaders().toSelector()).allInnerTexts()).map((h) => h.trim());
  }

  /** The rows of the results page shown, each a list of cell texts. */
  async resultRows(): Promise<string[][]> {
    await this.page.locator(this.results.findLoadingText().toSelector()).waitFor({ state: 'detached' });
    const columns = (await this.columnHeaders()).length;
    const count = await this.page.locator(this.results.findRows().toSelector()).count();
    const rows: string[][] = [];
    for (let row = 1; row <= count; row++) {
      const cells: string[] = [];
      for (let col = 1; col <= columns; col++) cells.push((await this.page.locator(this.results.findBodyCell(row, col).toSelector()).innerText()).trim());
      rows.push(cells);
    }
    return rows;
  }

  async flashes(): Promise<string[]> {
    return (await this.page.locator(ui.findFlashbar().findItems().toSelector()).allInnerTexts()).map((t) => t.trim());
  }
}
