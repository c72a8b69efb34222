/**
 * The console end to end: Debian's Chromium against a real `cairn serve` holding imported real
 * events. One browser and one server for the whole file; the steps run in order and build on
 * each other (signed in, then a trail, then its log files). Every page is photographed into
 * docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DescribeTrailsCommand, GetInsightSelectorsCommand, GetTrailCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ElementWrapper } from '@cloudscape-design/components/test-utils/selectors';
import type { Page } from 'playwright-core';
import type { ConsoleBrowser } from './console-browser.js';
import { chromiumMissing, eventually, EventHistoryPage, openBrowser, parseCsv, shoot, SignInPage, ui } from './console-browser.js';
import type { ConsoleServer } from './setup.js';
import { ACCOUNT, BUCKET, lookupAll, REAL_REGION, startConsoleServer } from './setup.js';

const skip = chromiumMissing();
const TRAIL = 'console-trail';

void describe('console in Chromium', { skip }, () => {
  let server: ConsoleServer;
  let b: ConsoleBrowser;
  let page: Page;
  let history: EventHistoryPage;
  let base: string;

  before(async () => {
    server = await startConsoleServer(['--delivery-interval', '1', '--digest-interval', '2']);
    b = await openBrowser();
    page = b.page;
    history = new EventHistoryPage(page);
    base = `${server.cairn.url}/console`;
  });

  after(async () => {
    await b?.close();
    await server?.cairn.dispose();
  });

  void it('refuses a wrong secret and records the ConsoleLogin as Failed authentication', async () => {
    await page.goto(`${base}/events`);
    await shoot(page, '01-sign-in');
    await new SignInPage(page).signIn(server.alice.accessKeyId, 'not-the-secret', REAL_REGION);
    const error = await page.locator(new SignInPage(page).formError()).innerText();
    assert.match(error, /Failed authentication/);
    const out = await server.client(REAL_REGION).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] }));
    const failed = (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>).find((r) => r.errorMessage === 'Failed authentication');
    assert.ok(failed, 'a failed ConsoleLogin event is in event history');
    assert.equal(failed.eventSource, 'signin.amazonaws.com');
    assert.equal(failed.eventType, 'AwsConsoleSignIn');
    assert.deepEqual(failed.responseElements, { ConsoleLogin: 'Failure' });
    assert.equal((failed.userIdentity as { userName?: string }).userName, 'alice');
    assert.equal('errorCode' in failed, false, 'AWS writes no errorCode for a failed sign-in');
  });

  void it('signs in (keyboard only): the session is an HttpOnly SameSite=Strict cookie and the sign-in is recorded', async () => {
    await new SignInPage(page).signInWithKeyboard(server.alice.accessKeyId, server.alice.secretAccessKey, REAL_REGION);
    await history.waitLoaded();
    const cookie = (await b.context.cookies()).find((c) => c.name === 'cairn-console-session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(cookie.expires > Date.now() / 1000, 'the cookie expires');
    assert.equal(await page.evaluate('document.cookie'), '', 'scripts cannot read the session');
    const out = await server.client(REAL_REGION).send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }] }));
    const success = (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>).find((r) => r.eventName === 'ConsoleLogin' && (r.responseElements as { ConsoleLogin?: string } | null)?.ConsoleLogin === 'Success');
    assert.ok(success, 'a successful ConsoleLogin event is in event history');
    assert.equal(success.recipientAccountId, ACCOUNT);
    await shoot(page, '02-event-history');
  });

  void it('filters by event name RunInstances, then by a second condition as well', async () => {
    await history.addCondition('Event name', 'RunInstances');
    await eventually(() => history.column('Event name'), (names) => names.length > 0 && names.every((n) => n === 'RunInstances'), 'RunInstances rows');
    const expected = await lookupAll(server.client(REAL_REGION), 'EventName', 'RunInstances');
    assert.deepEqual(await history.column('Event ID').catch(() => undefined), undefined, 'Event ID is hidden by default');
    assert.equal((await history.column('Event name')).length, expected.length);
    assert.match(page.url(), /filter=EventName%3ARunInstances/);

    await history.addCondition('User name', 'fakeusername');
    assert.equal((await history.tokens()).length, 2);
    await eventually(() => Promise.resolve(page.url()), (url) => url.includes('filter=Username%3Afakeusername'), 'second condition in the URL');
    const both = await eventually(() => history.column('User name'), (users) => users.length > 0, 'rows');
    assert.deepEqual(both, expected.filter((e) => e.Username === 'fakeusername').map(() => 'fakeusername'));

    // The conditions combine: RunInstances by alice matches nothing.
    await page.goto(`${base}/events?filter=EventName:RunInstances&filter=Username:alice`);
    await history.waitLoaded();
    assert.equal(await page.locator(history.rows()).count(), 0);
    assert.deepEqual(await history.tokens(), ['Event name = RunInstances', 'User name = alice']);
  });

  void it('narrows by an absolute and by a relative time range', async () => {
    await page.goto(`${base}/events?filter=EventName:RunInstances`);
    await history.waitLoaded();
    await history.setAbsoluteRange({ date: '2022/02/07', time: '22:00:00' }, { date: '2022/02/07', time: '23:00:00' });
    await eventually(() => Promise.resolve(page.url()), (url) => url.includes('start=2022-02-07T22'), 'absolute range in the URL');
    assert.deepEqual(await history.column('Event name'), ['RunInstances']);
    await history.addCondition('User name', 'fakeusername');
    await eventually(() => page.locator(history.rows()).count(), (n) => n === 1, 'two conditions and a range');
    await shoot(page, '03-event-history-filtered');
    await history.setAbsoluteRange({ date: '2021/01/01', time: '00:00:00' }, { date: '2021/12/31', time: '23:59:59' });
    await eventually(() => page.locator(history.rows()).count(), (n) => n === 0, 'no rows in 2021');

    await page.goto(`${base}/events`);
    await history.waitLoaded();
    await history.setRelativeRange(0);
    await eventually(() => Promise.resolve(page.url()), (url) => url.includes('last=1-hour'), 'relative range in the URL');
    const times = await eventually(() => history.column('Event time'), (t) => t.length > 0 && t.every((x) => Date.parse(x) > Date.now() - 3_600_000), 'only the last hour');
    assert.ok(times.length > 0);
  });

  void it('opens an event in the split panel with its resources, which link to their history', async () => {
    await page.goto(`${base}/events?filter=EventName:RunInstances`);
    await history.openEvent('RunInstances');
    const resources = ui.findSplitPanel().findOpenPanelSide().findTable();
    const names = await page.locator(resources.findRows().toSelector()).allInnerTexts();
    const expected = (await lookupAll(server.client(REAL_REGION), 'EventName', 'RunInstances'))[0]?.Resources ?? [];
    assert.equal(names.length, expected.length);
    assert.ok(names.some((n) => n.includes('i-01234567890123456') && n.includes('AWS::EC2::Instance')));
    const record = page.locator('[aria-label="Event record"]');
    assert.ok(await record.isVisible(), 'the record is shown');
    // Collapsible: folding userIdentity hides its members.
    assert.ok(await record.getByText('"principalId":').first().isVisible());
    await record.getByRole('button', { name: 'Collapse userIdentity' }).click();
    assert.equal(await record.getByText('"principalId":').count(), 0);
    await record.getByRole('button', { name: 'Expand userIdentity' }).click();
    await shoot(page, '04-event-details');
    await page.locator(resources.findRows().toSelector()).getByRole('link', { name: 'Event history for no-access' }).click();
    await eventually(() => Promise.resolve(page.url()), (url) => url.includes('filter=ResourceName%3Ano-access'), 'resource filter');
    const byResource = await lookupAll(server.client(REAL_REGION), 'ResourceName', 'no-access');
    assert.ok(byResource.length > 0);
    assert.deepEqual(await eventually(() => history.column('Event name'), (n) => n.length === byResource.length, 'resource rows'), byResource.map((e) => e.EventName));
  });

  void it('remembers the columns a user chooses after a reload', async () => {
    await page.goto(`${base}/events?filter=EventName:RunInstances`);
    await history.waitLoaded();
    assert.ok(!(await history.columnHeaders()).includes('Event ID'));
    await history.showColumn('Event ID');
    await history.showColumn('Source IP address');
    await eventually(() => history.columnHeaders(), (h) => h.includes('Event ID') && h.includes('Source IP address'), 'new columns');
    await page.reload();
    await history.waitLoaded();
    const headers = await history.columnHeaders();
    assert.ok(headers.includes('Event ID') && headers.includes('Source IP address'), `after reload: ${headers.join(', ')}`);
    const expected = await lookupAll(server.client(REAL_REGION), 'EventName', 'RunInstances');
    assert.deepEqual(await history.column('Event ID'), expected.map((e) => e.EventId));
  });

  void it('downloads the current results as CSV, row for row what LookupEvents returns', async () => {
    await page.goto(`${base}/events?filter=EventSource:ec2.amazonaws.com`);
    await history.waitLoaded();
    const menu = ui.findButtonDropdown('[data-testid=download]');
    await page.locator(menu.findNativeButton().toSelector()).click();
    const downloading = page.waitForEvent('download');
    await page.locator(menu.findItemById('csv').toSelector()).click();
    const download = await downloading;
    const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
    const header = rows[0]!;
    assert.equal(header.length, 14, 'every CloudTrail column');
    const col = (name: string): number => header.indexOf(name);
    const expected = await lookupAll(server.client(REAL_REGION), 'EventSource', 'ec2.amazonaws.com');
    assert.ok(expected.length > 0);
    assert.deepEqual(
      rows.slice(1).map((r) => [r[col('Event ID')], r[col('Event name')], Date.parse(r[col('Event time')]!) / 1000, r[col('User name')] || undefined]),
      expected.map((e) => [e.EventId, e.EventName, (e.EventTime?.getTime() ?? 0) / 1000, e.Username]),
    );
    // JSON: the records themselves, as AWS's download writes them.
    await page.locator(menu.findNativeButton().toSelector()).click();
    const downloadingJson = page.waitForEvent('download');
    await page.locator(menu.findItemById('json').toSelector()).click();
    const json = JSON.parse(readFileSync(await (await downloadingJson).path(), 'utf8')) as { Records: Record<string, unknown>[] };
    assert.deepEqual(json.Records, expected.map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>));
  });

  void it('creates a trail with the wizard and sees it logging', async () => {
    await page.goto(`${base}/trails/create`);
    await page.locator('[data-testid=trail-name] input').fill(TRAIL);
    await page.locator('[data-testid=trail-bucket] input').fill(BUCKET);
    await shoot(page, '05-trail-wizard');
    const wizard = ui.findWizard();
    await page.locator(wizard.findPrimaryButton().toSelector()).click();
    await page.locator(ui.findTiles().toSelector()).waitFor();
    await shoot(page, '06-trail-wizard-events');
    await page.locator(wizard.findPrimaryButton().toSelector()).click();
    await page.locator(wizard.findPrimaryButton().toSelector()).click();
    await eventually(() => Promise.resolve(page.url()), (url) => url.endsWith(`/trails/${TRAIL}`), 'trail detail page');
    await page.locator(ui.findStatusIndicator().toSelector()).filter({ hasText: /^Logging$/ }).first().waitFor();
    const status = await server.client(REAL_REGION).send(new GetTrailStatusCommand({ Name: TRAIL }));
    assert.equal(status.IsLogging, true);
    await shoot(page, '07-trail-detail');
    await page.goto(`${base}/trails`);
    await page.locator(ui.findTable().findRows().toSelector()).filter({ hasText: TRAIL }).waitFor();
    await shoot(page, '08-trails');
  });

  void it('opens a delivered log file: its records and its integrity from the signed digest', async () => {
    const client = server.client(REAL_REGION);
    await eventually(() => client.send(new GetTrailStatusCommand({ Name: TRAIL })), (s) => s.LatestDeliveryTime !== undefined && s.LatestDigestDeliveryTime !== undefined, 'a delivery and a digest', 30_000);
    const arn = `arn:aws:cloudtrail:${REAL_REGION}:${ACCOUNT}:trail/${TRAIL}`;
    await page.goto(`${base}/log-files?trail=${encodeURIComponent(arn)}`);
    const files = ui.findTable('[data-testid=log-file-list]');
    await page.locator(files.findRows().toSelector()).first().waitFor();
    // Browse by region, then by day (UTC): the URL keeps the choice.
    const today = /\d{4}-\d{2}-\d{2}/.exec(await page.locator(files.findRows().toSelector()).first().innerText())![0];
    for (const [testId, value] of [['log-region', REAL_REGION], ['log-day', today]] as const) {
      const select = ui.findSelect(`[data-testid=${testId}]`);
      await page.locator(select.findTrigger().toSelector()).click();
      await page.locator(select.findDropdown().findOptionByValue(value).toSelector()).click();
    }
    await eventually(() => Promise.resolve(page.url()), (url) => url.includes(`region=${REAL_REGION}`) && url.includes(`day=${today}`), 'region and day in the URL');
    const regions = await page.locator(files.findRows().toSelector()).allInnerTexts();
    assert.ok(regions.length > 0 && regions.every((row) => row.includes(REAL_REGION) && row.includes(today)));
    const first = page.locator(files.findRows().toSelector()).first().locator('a');
    const fileName = (await first.innerText()).trim();
    await first.click();
    await eventually(() => Promise.resolve(page.url()), (url) => url.includes('key='), 'file in the URL');
    const key = new URL(page.url()).searchParams.get('key')!;
    assert.ok(key.endsWith(fileName));
    const onDisk = JSON.parse(gunzipSync(readFileSync(join(server.cairn.dataDir, 'buckets', BUCKET, key))).toString()) as { Records: { eventID: string }[] };
    // The digest listing the file may come a period later: reload until it is judged.
    const verdict = await eventually(
      async () => {
        await page.reload();
        return (await page.locator('[data-testid=integrity]').innerText({ timeout: 10_000 })).trim();
      },
      (v) => v !== 'Not yet in a digest',
      'an integrity verdict',
      30_000,
    );
    assert.equal(verdict, 'Valid');
    const records = new ElementWrapper('[data-testid=log-records]').findTable();
    const ids = await new EventHistoryPage(page, records).column('Event ID');
    assert.deepEqual(ids, onDisk.Records.map((r) => r.eventID), 'the table holds the file\'s records');
    await shoot(page, '09-log-file');
  });

  void it('edits the trail with the same wizard: insight selectors and an SNS topic', async () => {
    const client = server.client(REAL_REGION);
    await page.goto(`${base}/trails/${TRAIL}`);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await eventually(() => Promise.resolve(page.url()), (url) => url.endsWith(`/trails/${TRAIL}/edit`), 'edit page');
    const name = page.locator('[data-testid=trail-name] input');
    await eventually(() => name.inputValue(), (v) => v === TRAIL, 'the trail loaded into the wizard');
    assert.equal(await name.isDisabled(), true, 'a trail cannot be renamed');
    assert.equal(await page.locator('[data-testid=trail-bucket] input').inputValue(), BUCKET);
    await page.locator('[data-testid=trail-sns] input').fill('console-topic');
    const wizard = ui.findWizard();
    await page.locator(wizard.findPrimaryButton().toSelector()).click();
    await page.getByRole('checkbox', { name: 'API call rate' }).check();
    await page.locator(wizard.findPrimaryButton().toSelector()).click();
    await page.locator(wizard.findPrimaryButton().toSelector()).click();
    await eventually(() => Promise.resolve(page.url()), (url) => url.endsWith(`/trails/${TRAIL}`), 'back to the trail');
    const insights = await client.send(new GetInsightSelectorsCommand({ TrailName: TRAIL }));
    assert.deepEqual(insights.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }]);
    const trail = await client.send(new GetTrailCommand({ Name: TRAIL }));
    assert.equal(trail.Trail?.SnsTopicName, 'console-topic');
    assert.equal(trail.Trail?.LogFileValidationEnabled, true, 'what was not edited stays');
    assert.equal((await client.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, true);
  });

  void it('shows the dashboard: recent events, the trail and its status, counts over time', async () => {
    await page.goto(`${base}/`);
    await page.locator(ui.findBarChart().toSelector()).waitFor();
    await page.locator(ui.findTable().findRows().toSelector()).filter({ hasText: TRAIL }).waitFor();
    assert.ok(await page.locator(ui.findStatusIndicator().toSelector()).filter({ hasText: /^Logging$/ }).first().isVisible());
    await shoot(page, '00-dashboard');
  });

  void it('stops logging, then deletes the trail once its name is typed to confirm', async () => {
    const client = server.client(REAL_REGION);
    await page.goto(`${base}/trails/${TRAIL}`);
    await page.getByRole('button', { name: 'Stop logging' }).click();
    await page.locator(ui.findStatusIndicator().toSelector()).filter({ hasText: /^Not logging$/ }).first().waitFor();
    assert.equal((await client.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, false);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const modal = ui.findModal();
    assert.equal(await page.locator(modal.findFooter().toSelector()).getByRole('button', { name: 'Delete' }).isDisabled(), true, 'delete waits for the name');
    await page.locator(modal.findContent().findInput().findNativeInput().toSelector()).fill(TRAIL);
    await page.locator(modal.findFooter().toSelector()).getByRole('button', { name: 'Delete' }).click();
    await eventually(() => Promise.resolve(page.url()), (url) => url.endsWith('/trails'), 'back to the trail list');
    const trails = await client.send(new DescribeTrailsCommand({}));
    assert.deepEqual((trails.trailList ?? []).map((t) => t.Name).filter((n) => n === TRAIL), []);
  });

  void it('pages through every event on the server, signs out and back in to another region', async () => {
    await page.locator(ui.findTopNavigation().findUtility(2).toSelector()).click();
    await page.locator(ui.findTopNavigation().findUtility(2).findMenuDropdownType().findItemById('signout').toSelector()).click();
    await page.locator('[data-testid=access-key-id]').waitFor();
    assert.equal((await b.context.cookies()).find((c) => c.name === 'cairn-console-session'), undefined, 'sign-out clears the cookie');
    await new SignInPage(page).signIn(server.alice.accessKeyId, server.alice.secretAccessKey, 'us-east-1');
    await page.locator(ui.findTopNavigation().toSelector()).waitFor();
    await page.goto(`${base}/events?filter=EventSource:ec2.amazonaws.com`);
    const expected = (await lookupAll(server.client('us-east-1'), 'EventSource', 'ec2.amazonaws.com')).map((e) => e.EventId);
    assert.ok(expected.length > 100, `enough events for three pages (${expected.length})`);
    const seen: string[] = [];
    const next = page.locator(ui.findPagination().findNextPageButton().toSelector());
    for (let pageNo = 1; ; pageNo++) {
      await eventually(() => page.locator(ui.findPagination().findCurrentPage().toSelector()).innerText(), (t) => t.trim() === String(pageNo), `page ${pageNo}`);
      seen.push(...(await history.column('Event ID')));
      if (await next.isDisabled()) break;
      await next.click();
    }
    assert.deepEqual(seen, expected);
  });
});
