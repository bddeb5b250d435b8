/**
 * MAX17048 and INA219 drivers on their emulators fed by the UPSplus battery log (4.1 h discharge, 4138 →
 * 3436 mV): readings equal the trace within the chips' quantisation; identity checks; the MAX17048 reset that
 * is not acknowledged; the INA219 calibration arithmetic of SBOS448G §8.5.1 and its overflow flag.
 */
import { describe, expect, it } from 'vitest';
import { Ina219Emulator } from '../../../hal/emulators/i2c/ina219.js';
import { Max17048Emulator } from '../../../hal/emulators/i2c/max17048.js';
import { loadUpsTrace } from '../../../hal/emulators/i2c/recording.js';
import { Ina219Monitor, ina219Calibration } from '../../../hal/i2c/ina219.js';
import { Max17048Gauge } from '../../../hal/i2c/max17048.js';
import { DeviceError, SampleError } from '../../../hal/types.js';
import { field, plainCsv } from '../data.js';
import { UPS_BATTERY, makeBus, rigOptions, run } from './rig.js';

/** The trace as this test reads it: time from the first row (s), V, W, %. */
async function trace(): Promise<{ t: number[]; v: number[]; p: number[]; soc: number[] }> {
  const rows = (await plainCsv(UPS_BATTERY)).slice(1);
  const t0 = Number(field(rows[0], 0));
  return { t: rows.map((r) => Number(field(r, 0)) - t0), v: rows.map((r) => Number(field(r, 1)) / 1000), p: rows.map((r) => Number(field(r, 2)) / 1000), soc: rows.map((r) => Number(field(r, 3))) };
}

function at(tr: { t: number[] }, col: number[], tS: number): number {
  const i = Math.max(0, tr.t.findIndex((x) => x > tS) - 1);
  const f = (tS - (tr.t[i] ?? 0)) / ((tr.t[i + 1] ?? 1) - (tr.t[i] ?? 0));
  return (col[i] ?? 0) + ((col[i + 1] ?? 0) - (col[i] ?? 0)) * f;
}

describe('MAX17048', () => {
  it('VCELL and SOC equal the battery log within one LSB (78.125 µV, 1/256 %) over the whole discharge', async () => {
    const tr = await trace();
    const rec = await loadUpsTrace(UPS_BATTERY);
    const rig = makeBus(0x36, (clock) => new Max17048Emulator({ clock, recording: rec, timeScale: 60 }));
    const device = new Max17048Gauge({ ...rigOptions(rig.clock, rig.bus, 0x36, 'battery') });
    await device.open();
    const { samples, errors } = await run({ clock: rig.clock, device }, 245, 1000); // 245 s × 60 = 4.08 h of trace
    expect(errors).toEqual([]);
    let worstV = 0;
    let worstSoc = 0;
    samples.forEach((s) => {
      const tS = (Number(s.hostTimeNs! - rig.emulator.time.originNs) / 1e9) * 60;
      worstV = Math.max(worstV, Math.abs(s.voltageV! - at(tr, tr.v, tS)) / 78.125e-6);
      worstSoc = Math.max(worstSoc, Math.abs(s.batteryPercent! - Math.min(100, at(tr, tr.soc, tS))) * 256);
    });
    console.log(`I2C-ACCURACY MAX17048 VCELL ${worstV.toFixed(3)} LSB, SOC ${worstSoc.toFixed(3)} LSB over ${samples.length} readings`);
    expect(worstV).toBeLessThanOrEqual(1);
    expect(worstSoc).toBeLessThanOrEqual(1);
    expect(samples.every((s) => s.charging === false)).toBe(true); // CRATE < 0 all along a discharge
    expect(samples.at(-1)!.batteryPercent).toBeLessThan(5);
  });

  it('checks VERSION (0x001_) and survives its unacknowledged power-on reset', async () => {
    const rec = await loadUpsTrace(UPS_BATTERY);
    const rig = makeBus(0x36, (clock) => new Max17048Emulator({ clock, recording: rec }));
    const device = new Max17048Gauge({ ...rigOptions(rig.clock, rig.bus, 0x36, 'battery'), reset: true });
    await device.open();
    expect(device.isOpen).toBe(true);
    const other = makeBus(0x36, (clock) => new Ina219Emulator({ clock, recording: rec })); // an INA219 answers: its pointer-8 register reads CONFIGURATION
    await expect(new Max17048Gauge(rigOptions(other.clock, other.bus, 0x36, 'battery')).open()).rejects.toThrow(
      new DeviceError('battery', 'VERSION (0x08) of i2c:1:0x36 reads 0x399f, expected 0x0010 (MAX17048)'),
    );
  });
});

describe('INA219', () => {
  it('calibration per SBOS448G §8.5.1: 0.1 Ω, 3.2 A → CAL trunc(4194.3) = 4194, 97.66 µA and 1.953 mW per LSB, PGA ÷8', () => {
    const c = ina219Calibration('rail', 0.1, 3.2, 32);
    expect(c.calibration).toBe(4194);
    expect(c.currentLsbA).toBeCloseTo(0.04096 / (4194 * 0.1), 12);
    expect(c.currentLsbA).toBeCloseTo(97.66e-6, 8);
    expect(c.powerLsbW).toBeCloseTo(20 * c.currentLsbA, 12);
    expect(c.config).toBe(0x399f); // BRNG 32 V, PG ÷8, 12-bit, continuous: the power-on value
    expect(ina219Calibration('rail', 0.01, 2, 16).config).toBe(0x019f); // 20 mV → PG ÷1, 16 V
  });

  it('bus voltage and power equal the battery log within the chip quantisation', async () => {
    const tr = await trace();
    const rec = await loadUpsTrace(UPS_BATTERY);
    const rig = makeBus(0x40, (clock) => new Ina219Emulator({ clock, recording: rec, timeScale: 60 }));
    const device = new Ina219Monitor(rigOptions(rig.clock, rig.bus, 0x40, 'rail'));
    await device.open();
    const { samples, errors } = await run({ clock: rig.clock, device }, 245, 1000);
    expect(errors).toEqual([]);
    const cal = device.calibration;
    let worstV = 0;
    let worstP = 0;
    samples.forEach((s) => {
      const tS = (Number(s.hostTimeNs! - rig.emulator.time.originNs) / 1e9) * 60;
      const v = at(tr, tr.v, tS);
      const p = at(tr, tr.p, tS);
      worstV = Math.max(worstV, Math.abs(s.voltageV! - v) / 0.004);
      // Power = CURRENT × BUS / 5000 in LSBs: quantised current (±0.5 shunt LSB = 100 µA at 0.1 Ω, then truncated
      // to a current LSB), quantised bus voltage (±2 mV), truncated power: bound in power LSBs.
      const boundW = cal.powerLsbW + v * (100e-6 + cal.currentLsbA) + (p / v) * 0.002;
      worstP = Math.max(worstP, Math.abs(s.powerW! - p) / boundW);
    });
    console.log(`I2C-ACCURACY INA219 bus voltage ${worstV.toFixed(3)} LSB (4 mV); power error ${worstP.toFixed(3)} of its quantisation bound over ${samples.length} readings`);
    expect(worstV).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(worstP).toBeLessThanOrEqual(1);
  });

  it('identifies by its power-on CONFIGURATION after reset; OVF is a SampleError naming BUS_VOLTAGE', async () => {
    const rec = await loadUpsTrace(UPS_BATTERY);
    const rig = makeBus(0x40, (clock) => new Max17048Emulator({ clock, recording: rec }));
    await expect(new Ina219Monitor(rigOptions(rig.clock, rig.bus, 0x40, 'rail')).open()).rejects.toThrow('rail: CONFIGURATION after reset (0x00) of i2c:1:0x40 reads 0x0000, expected 0x399f (INA219)');
    // The emulated board's shunt is 10× the configured one: the current overflows the calibration.
    const big = makeBus(0x41, (clock) => new Ina219Emulator({ clock, recording: rec, shuntOhms: 1 }));
    const device = new Ina219Monitor({ ...rigOptions(big.clock, big.bus, 0x41, 'rail'), shuntOhms: 0.1, maxCurrentA: 0.224 }); // CAL 59918: a full-scale shunt reading overflows CURRENT
    await device.open();
    const { samples, errors } = await run({ clock: big.clock, device }, 3, 1000);
    expect(samples).toEqual([]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toEqual(new SampleError('rail', { byteOffset: 1 }, 'math overflow (BUS_VOLTAGE 0x02 OVF): current or power beyond the calibrated range; raise maxCurrentA'));
  });
});
