/** Contract of power devices: at least one measured field, each in its physical range. */
import type { PowerInfo, PowerReading } from '../../../hal/types.js';
import { describeDeviceContract } from './device.js';
import type { ContractOptions } from './device.js';

export function powerContract(name: string, options: ContractOptions<PowerInfo>): void {
  describeDeviceContract<PowerInfo, PowerReading>(name, 'power', options, (reading) => {
    const { batteryPercent, voltageV, powerW, charging } = reading;
    if ([batteryPercent, voltageV, powerW, charging].every((v) => v === undefined)) return 'no field measured';
    if (batteryPercent !== undefined && !(batteryPercent >= 0 && batteryPercent <= 100)) return `batteryPercent ${batteryPercent}`;
    if (voltageV !== undefined && !(voltageV > 0 && voltageV < 60)) return `voltageV ${voltageV}`;
    if (powerW !== undefined && !Number.isFinite(powerW)) return `powerW ${powerW}`;
    return undefined;
  });
}
