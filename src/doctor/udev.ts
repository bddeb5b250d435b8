/**
 * udev rules for the devices Kāraṇa Edge drives, written by `karana doctor --udev`. `TAG+="uaccess"` gives the
 * user logged in at the seat access through systemd-logind's ACLs (udev(7), systemd's `70-uaccess.rules`); the
 * GROUP/MODE lines cover headless dev kits where nobody is logged in at a seat (add the user to the group).
 * Matches by subsystem and, for USB HID, by vendor so that only the glasses' hidraw nodes are opened up.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Default place of the rules file (udev(7): /etc/udev/rules.d overrides /usr/lib/udev/rules.d). */
export const UDEV_RULES_PATH = '/etc/udev/rules.d/70-karana-edge.rules';

/** USB vendor IDs of supported HID glasses: XREAL (Nreal) 0x3318. */
export const HID_GLASSES_VENDORS: readonly { readonly vid: string; readonly name: string }[] = [{ vid: '3318', name: 'XREAL / Nreal (Air, Air 2, Air 2 Pro)' }];

/** The rules text (one file). */
export function udevRules(): string {
  const lines = [
    '# Kāraṇa Edge device access, written by `karana doctor --udev`.',
    '# Reload with: sudo udevadm control --reload-rules && sudo udevadm trigger',
    '',
    '# Cameras (V4L2): the seat user, and group video on headless kits.',
    'SUBSYSTEM=="video4linux", GROUP="video", MODE="0660", TAG+="uaccess"',
    '',
    '# AR glasses over USB HID (IMU and control interfaces).',
    ...HID_GLASSES_VENDORS.flatMap((v) => [`# ${v.name}`, `SUBSYSTEM=="hidraw", ATTRS{idVendor}=="${v.vid}", MODE="0660", GROUP="plugdev", TAG+="uaccess"`, `SUBSYSTEM=="usb", ATTR{idVendor}=="${v.vid}", MODE="0660", GROUP="plugdev", TAG+="uaccess"`]),
    '',
    '# I2C buses (IMUs, fuel gauges, power monitors): group i2c (Raspberry Pi OS has it; create it elsewhere).',
    'SUBSYSTEM=="i2c-dev", GROUP="i2c", MODE="0660", TAG+="uaccess"',
    '',
    '# Serial IMUs: UARTs and USB-serial adapters, group dialout.',
    'KERNEL=="ttyUSB[0-9]*|ttyACM[0-9]*|ttyAMA[0-9]*|ttyTHS[0-9]*", SUBSYSTEM=="tty", GROUP="dialout", MODE="0660", TAG+="uaccess"',
    '',
    '# Microphones (ALSA): group audio.',
    'SUBSYSTEM=="sound", GROUP="audio", MODE="0660", TAG+="uaccess"',
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes {@link udevRules} to `path` (creating its folder).
 * @throws Error naming the path and the fix when it cannot be written (EACCES: run with sudo).
 */
export async function writeUdevRules(path = UDEV_RULES_PATH): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, udevRules());
  } catch (err) {
    const code = (err as { code?: string }).code;
    const hint = code === 'EACCES' || code === 'EPERM' ? ': run `sudo karana doctor --udev`, or give another path' : '';
    throw new Error(`cannot write udev rules to ${path}: ${(err as Error).message}${hint}`, { cause: err });
  }
}
