// Intel PCIe gigabit (82571..82574, 82583, 80003ES2LAN, ICH8..ICH10 LAN, PCH I217/I218/I219).
// Follows drivers/net/ethernet/intel/e1000e/netdev.c (e1000_pci_tbl, e1000e_set_interrupt_capability,
// e1000_request_irq, e1000_request_msix) and the board flags of 82571.c / ich8lan.c /
// es2lan.c; Linux 4.4 to mainline (the table as of 6.15, ids added by release only ever bind
// where the kernel has them).
import { type DriverEntry, type DriverModel, msiThenIntx } from './types';

/** board_82574 (82574L 10d3, 82574LA 10f6) is the only board with FLAG_HAS_MSIX. */
const MSIX_BOARDS = new Set(['10d3', '10f6']);

/** e1000_pci_tbl, every entry (board_82571 .. board_pch_ptp). */
const IDS = [
  // board_82571
  '105e',
  '105f',
  '1060',
  '10a4',
  '10bc',
  '10d5',
  '10a5',
  '10d9',
  '10da',
  // board_82572
  '107d',
  '107e',
  '107f',
  '10b9',
  // board_82573
  '108b',
  '108c',
  '109a',
  // board_82574, board_82583
  '10d3',
  '10f6',
  '150c',
  // board_80003es2lan
  '1096',
  '1098',
  '10ba',
  '10bb',
  // board_ich8lan
  '104c',
  '10c5',
  '10c4',
  '104a',
  '104b',
  '104d',
  '1049',
  '1501',
  // board_ich9lan
  '10c0',
  '10c2',
  '10c3',
  '10bd',
  '294c',
  '10e5',
  '10bf',
  '10f5',
  '10cb',
  '10cc',
  '10cd',
  '10ce',
  // board_ich10lan
  '10de',
  '10df',
  '1525',
  // board_pchlan, board_pch2lan
  '10ea',
  '10eb',
  '10ef',
  '10f0',
  '1502',
  '1503',
  // board_pch_lpt (I217, I218)
  '153a',
  '153b',
  '155a',
  '1559',
  '15a0',
  '15a1',
  '15a2',
  '15a3',
  // board_pch_spt (I219 SPT/LBG)
  '156f',
  '1570',
  '15b7',
  '15b8',
  '15b9',
  '15d7',
  '15d8',
  '15e3',
  '15d6',
  // board_pch_cnp (CNP, ICP, CMP, ...)
  '15bd',
  '15be',
  '15bb',
  '15bc',
  '15df',
  '15e0',
  '15e1',
  '15e2',
  '0d4e',
  '0d4f',
  '0d4c',
  '0d4d',
  '0d53',
  '0d55',
  // board_pch_tgp, board_pch_adp, board_pch_mtp (TGP, ADP, RPL, MTP, LNP, ARL, PTP, NVL)
  '15fb',
  '15fc',
  '15f9',
  '15fa',
  '15f4',
  '15f5',
  '1a1e',
  '1a1f',
  '1a1c',
  '1a1d',
  '0dc7',
  '0dc8',
  '0dc5',
  '0dc6',
  '550a',
  '550b',
  '550c',
  '550d',
  '550e',
  '550f',
  '5510',
  '5511',
  '57a0',
  '57a1',
  '57b3',
  '57b4',
  '57b5',
  '57b6',
  '57b7',
  '57b8',
  '57b9',
  '57ba',
];

/** e1000e_set_interrupt_capability: on 82574, MSI-X with 3 vectors named (e1000_request_msix)
 * "<if>-rx-0", "<if>-tx-0", "<if>" (other causes); every other board, and an 82574 whose MSI-X
 * fails, one MSI vector (pci_enable_msi), then INTx, named "<if>". Requested in e1000_open. */
const e1000e: DriverModel = {
  name: 'e1000e',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const name = () => ctx.netdev;
    if (!MSIX_BOARDS.has(ctx.vendorDevice.slice(5))) return [msiThenIntx(name)];
    return [
      {
        modes: ['msix'],
        min: 3,
        max: 3,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i, mode) =>
          mode !== 'msix'
            ? ctx.netdev
            : [`${ctx.netdev}-rx-0`, `${ctx.netdev}-tx-0`, ctx.netdev][i]!,
        fallback: msiThenIntx(name),
      },
    ];
  },
};

export const e1000eEntry: DriverEntry = {
  model: e1000e,
  ids: [{ vendorDevice: new RegExp(`^8086:(${IDS.join('|')})$`) }],
};

export const E1000E_IDS: readonly string[] = IDS;
