/** Contract of thermal devices: a finite temperature in the range silicon survives, °C. */
import type { ThermalInfo, ThermalReading } from '../../../hal/types.js';
import { describeDeviceContract } from './device.js';
import type { ContractOptions } from './device.js';

export function thermalContract(name: string, options: ContractOptions<ThermalInfo>): void {
  describeDeviceContract<ThermalInfo, ThermalReading>(name, 'thermal', options, (reading, info) => {
    if (info.zone === '') return 'empty zone name';
    if (!(reading.tempC > -55 && reading.tempC < 150)) return `tempC ${reading.tempC}`;
    return undefined;
  });
}
