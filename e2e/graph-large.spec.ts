// The graph of large machines: the `large` preset (1536 CPUs, 16 root complexes) and a
// 2,000-device machine open grouped (sockets and root complexes collapsed, with counts), a group
// opens on a click, the search box finds a BDF inside a collapsed group, and a boot keeps the
// user's view (zoom, pan, open groups).
import { expect, type Page } from '@playwright/test';
import { PRESETS } from '../core/model/presets';
import { simulate } from '../core/scenario';
import { runBoot, shot, test } from './helpers';

/** The graph's transform: the user's view (pan and zoom). */
const viewOf = (page: Page) =>
  page.locator('[data-testid="topology"] svg > g').getAttribute('transform');

async function openLarge(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: /^large/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await expect(page.getByTestId('topology')).toHaveAttribute('data-drawn', /\d/);
}

test('the large preset: grouped, a group opens, a BDF found, the view kept across a boot', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const machine = PRESETS.large!.make();
  const sockets = new Set(machine.cpus.list.map((c) => c.package)).size;
  const hostBridges = machine.pci.filter((f) => f.kind === 'host-bridge');
  await openLarge(page);

  // Every socket and every root complex is one node, with its count.
  for (let s = 0; s < sockets; s++)
    await expect(page.getByTestId(`node-socket:${s}`)).toContainText('192 CPUs');
  await expect(page.getByTestId(`node-rc:${hostBridges[0]!.bdf}`)).toContainText('13 functions');
  // Sockets, root complexes, the HPET and the PCI segment: what is drawn of the machine.
  await expect(page.getByTestId('topology-count')).toContainText(
    `${sockets + hostBridges.length + 2} nodes shown of`,
  );
  await expect(page.getByTestId('node-cpu:0')).toHaveCount(0);
  await expect(page.getByTestId('status')).toContainText('16 IOAPICs');
  // The toolbar is above the canvas: it covers no node.
  const tools = await page.locator('.topology-tools').boundingBox();
  const hpet = await page.getByTestId('node-hpet').boundingBox();
  expect(hpet!.y).toBeGreaterThanOrEqual(tools!.y + tools!.height);
  // Subtitles readable: at least 10 px tall on screen.
  const detail = await page.getByTestId('node-hpet').locator('.node-detail').boundingBox();
  expect(detail!.height).toBeGreaterThanOrEqual(10);
  await shot(page, '90-graph-large-collapsed');

  // A root complex opens: its host bridge, ports, devices, IOMMU and IOAPIC, in a frame.
  const rc = hostBridges[3]!;
  // Its functions: the buses of its 16-bus range.
  const members = machine.pci.filter((f) => parseInt(f.bdf.slice(5, 7), 16) >> 4 === 3).length;
  await page.getByRole('button', { name: `Expand Root complex ${rc.bdf.slice(0, 7)}` }).click();
  const frame = page.getByTestId(`group-rc:${rc.bdf}`);
  await expect(frame).toContainText(`${members} functions`);
  await expect(page.getByTestId(`node-pci:${rc.bdf}`)).toBeVisible();
  await expect(page.getByTestId('node-iommu:3')).toBeVisible();
  await expect(page.getByTestId('node-ioapic:3')).toBeVisible();
  await shot(page, '91-graph-large-expanded');

  // Search a BDF in a collapsed root complex (short form): its group opens, it is centred.
  const nic = machine.pci.find((f) => f.bdf.startsWith('0000:b3:') && f.kind === 'endpoint')!;
  const search = page.getByLabel('Search the graph');
  await search.fill(nic.bdf.slice(5));
  await search.press('Enter');
  const found = page.getByTestId(`node-pci:${nic.bdf}`);
  await expect(found).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('properties').getByRole('heading')).toHaveText(nic.name!);
  const canvas = (await page.locator('.topology-canvas').boundingBox())!;
  const box = (await found.boundingBox())!;
  expect(Math.abs(box.x + box.width / 2 - (canvas.x + canvas.width / 2))).toBeLessThan(4);
  expect(Math.abs(box.y + box.height / 2 - (canvas.y + canvas.height / 2))).toBeLessThan(4);
  await expect(page.getByTestId('node-pci:0000:b0:00.0')).toBeVisible();
  await shot(page, '92-graph-large-searched');

  // A boot: the open groups and the view stay as they were; nothing is laid out again.
  const view = await viewOf(page);
  const laidOut = await page.getByTestId('topology').getAttribute('data-layout');
  await runBoot(page);
  await expect(page.getByTestId(`group-rc:${rc.bdf}`)).toBeAttached();
  await expect(page.getByTestId(`node-pci:${nic.bdf}`)).toHaveAttribute('aria-pressed', 'true');
  expect(await viewOf(page)).toBe(view);
  expect(await page.getByTestId('topology').getAttribute('data-layout')).toBe(laidOut);
  await shot(page, '93-graph-large-after-boot');

  // An irq number of the run: the device that owns it, in another collapsed root complex.
  const nvme = machine.pci.find((f) => f.bdf === '0000:26:00.0')!;
  const irq = simulate(PRESETS.large!.make()).irqs.find((i) => i.owner === nvme.bdf)!.irq;
  await search.fill(String(irq));
  await search.press('Enter');
  await expect(page.getByTestId(`node-pci:${nvme.bdf}`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId(`group-rc:0000:20:00.0`)).toBeAttached();
  // Fit: the whole width of the machine, the socket row whole and readable from the top.
  await page.getByRole('button', { name: 'Fit' }).click();
  for (let s = 0; s < sockets; s++) {
    const b = (await page.getByTestId(`node-socket:${s}`).boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(canvas.x);
    expect(b.x + b.width).toBeLessThanOrEqual(canvas.x + canvas.width);
  }
  await shot(page, '94-graph-large-after-boot-fit');
});

test('a 2,000-device machine opens grouped, and a device is found by its BDF', async ({ page }) => {
  await page.goto('/');
  const start = page.getByTestId('start-page');
  await start.getByText('Generate a large machine…').click();
  await start.getByLabel('PCIe root complexes').fill('128');
  await start.getByLabel('NICs per root complex').fill('4');
  await start.getByLabel('NVMe per root complex').fill('3');
  await expect(start.getByTestId('generator-summary')).toContainText('1,920 PCI functions');
  await start.getByRole('button', { name: 'Generate and open' }).click();
  await expect(page.getByTestId('topology')).toHaveAttribute('data-drawn', /\d/);
  await expect(page.getByTestId('topology-count')).toContainText(/shown of 2,\d{3}/);
  await shot(page, '95-graph-2000-devices');
  const search = page.getByLabel('Search the graph');
  await search.fill('0005:41:00.0');
  await search.press('Enter');
  await expect(page.getByTestId('node-pci:0005:41:00.0')).toHaveAttribute('aria-pressed', 'true');
  await shot(page, '96-graph-2000-devices-searched');
});
