// Intel ICH/PCH SMBus. Follows drivers/i2c/busses/i2c-i801.c (i801_probe).
import { type DriverEntry, type DriverModel, single } from './types';

/** drivers/i2c/busses/i2c-i801.c: INTx (shared, level). */
const i801: DriverModel = {
  ...single('i801_smbus', 'other', ['intx'], () => 'i801_smbus'),
  log: (ctx, stage, _nvec, mode) =>
    stage === 'allocated'
      ? [`i801_smbus ${ctx.bdf}: SMBus using ${mode === 'intx' ? 'PCI interrupt' : 'PCI MSI'}`]
      : [],
};

export const i801Entry: DriverEntry = {
  model: i801,
  ids: [
    { vendorDevice: /^8086:(2930|2930|a323|a123|9d23|06a3|02a3|a2a3|51a3|7aa3|8c22|8d22)$/ },
    { classCode: /^0x0c0500$/ },
  ],
};
