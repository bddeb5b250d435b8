//! Batched calls of [`ClockSync`] over caller-owned slices: one N-API crossing for many samples.

use super::line::Line;
use super::sync::ClockSync;
use karana_core::error::{invalid, require_len, KaranaResult};

/// Checks that `host` pairs with `device` and that `flags_out`, if given, can hold a flag per pair.
fn check_pairs(device: usize, host: usize, flags_out: Option<usize>) -> KaranaResult<()> {
    if host != device {
        return Err(invalid(
            "hostNs",
            format!("{device} timestamps (as many as deviceNs)"),
            host,
        ));
    }
    if let Some(len) = flags_out {
        require_len("flagsOut", "flags", device, len)?;
    }
    Ok(())
}

/// `line`'s host time of a f64 device time (whole ns exact, the fraction added unscaled).
fn host_f64(line: &Line, device_ns: f64) -> f64 {
    if device_ns.abs() < (1u64 << 62) as f64 {
        let whole = device_ns.round();
        line.host_f64(whole as i64) + (device_ns - whole)
    } else {
        f64::NAN
    }
}

impl ClockSync {
    /// Feeds pairs `(device_ns[i], host_ns[i])` in order; writes each pair's flags to `flags_out`
    /// (if given) and returns the OR of all of them. Fails only when the lengths do not match.
    pub fn update_batch(
        &mut self,
        device_ns: &[i64],
        host_ns: &[i64],
        flags_out: Option<&mut [u8]>,
    ) -> KaranaResult<u32> {
        check_pairs(
            device_ns.len(),
            host_ns.len(),
            flags_out.as_deref().map(<[u8]>::len),
        )?;
        let mut all = 0;
        let mut flags_out = flags_out;
        for (i, (&d, &h)) in device_ns.iter().zip(host_ns).enumerate() {
            let f = self.update(d, h);
            all |= f;
            if let Some(out) = flags_out.as_deref_mut() {
                out[i] = f as u8;
            }
        }
        Ok(all)
    }

    /// [`Self::update_batch`] with f64 ns stamps (see [`ClockSync::update_f64`]).
    pub fn update_batch_f64(
        &mut self,
        device_ns: &[f64],
        host_ns: &[f64],
        flags_out: Option<&mut [u8]>,
    ) -> KaranaResult<u32> {
        check_pairs(
            device_ns.len(),
            host_ns.len(),
            flags_out.as_deref().map(<[u8]>::len),
        )?;
        let mut all = 0;
        let mut flags_out = flags_out;
        for (i, (&d, &h)) in device_ns.iter().zip(host_ns).enumerate() {
            let f = self.update_f64(d, h);
            all |= f;
            if let Some(out) = flags_out.as_deref_mut() {
                out[i] = f as u8;
            }
        }
        Ok(all)
    }

    /// Host time of device time `device_ns`, ns (NaN before the first sample, or for a non-finite
    /// or out-of-range input). A fraction of a ns is carried over unscaled.
    pub fn to_host_f64(&self, device_ns: f64) -> f64 {
        self.line().map_or(f64::NAN, |l| host_f64(&l, device_ns))
    }

    /// Host time of device time `device_ns`, rounded to whole ns; `None` before the first sample.
    pub fn to_host_i64(&self, device_ns: i64) -> Option<i64> {
        self.line().map(|l| l.host_i64(device_ns))
    }

    /// [`Self::to_host_f64`] over a slice (`out` may be longer).
    pub fn to_host_batch_f64(&self, device_ns: &[f64], out: &mut [f64]) -> KaranaResult<()> {
        require_len("out", "timestamps", device_ns.len(), out.len())?;
        let line = self.line();
        for (o, &d) in out.iter_mut().zip(device_ns) {
            *o = line.map_or(f64::NAN, |l| host_f64(&l, d));
        }
        Ok(())
    }

    /// [`Self::to_host_i64`] over a slice (`out` may be longer). Fails before the first sample.
    pub fn to_host_batch(&self, device_ns: &[i64], out: &mut [i64]) -> KaranaResult<()> {
        require_len("out", "timestamps", device_ns.len(), out.len())?;
        let Some(line) = self.line() else {
            return Err(invalid(
                "clockSync",
                "fed at least one sample before mapping",
                "no sample since the last restart",
            ));
        };
        for (o, &d) in out.iter_mut().zip(device_ns) {
            *o = line.host_i64(d);
        }
        Ok(())
    }
}
