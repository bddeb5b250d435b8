//! Bounded memory and tracking of slow drift: two envelopes fed the same samples, the older one
//! answering, the younger one replacing it once it spans `period` — the switching scheme of the
//! TICSync library (`SwitchingOneWayClockSync`, A. Harrison, Oxford 2012). The answering window
//! always covers between one and two periods of the latest samples; each sample costs two envelope
//! updates (amortised O(1)), and each hull holds at most its preallocated number of vertices.

use super::line::Envelope;

/// What one [`Switching::add`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WindowEvents {
    /// The younger envelope took over.
    pub switched: bool,
    /// An envelope was full and was replaced (see [`Switching::add`]).
    pub full: bool,
}

#[derive(Clone, Debug)]
pub struct Switching<E> {
    active: E,
    pending: E,
    period_ns: i64,
}

impl<E: Envelope> Switching<E> {
    /// `make` builds each of the two envelopes (their buffers are allocated here, once).
    pub fn new(period_ns: i64, make: impl Fn() -> E) -> Self {
        Self {
            active: make(),
            pending: make(),
            period_ns,
        }
    }

    /// The envelope that answers.
    pub fn active(&self) -> &E {
        &self.active
    }

    pub fn clear(&mut self) {
        self.active.clear();
        self.pending.clear();
    }

    /// Feeds both envelopes. The younger one takes over when it spans the period, or when the older
    /// one is full (its hull cannot take the point); a full younger envelope restarts at this sample.
    /// The new younger envelope starts with this sample.
    pub fn add(&mut self, x: i64, y: i64) -> WindowEvents {
        let active_full = self.active.add(x, y).is_err();
        let mut ev = WindowEvents {
            full: active_full,
            switched: false,
        };
        if self.pending.add(x, y).is_err() {
            ev.full = true;
            self.pending.clear();
            // A cleared envelope always takes its first point.
            let _ = self.pending.add(x, y);
        }
        if active_full || self.pending.span_ns() >= self.period_ns {
            std::mem::swap(&mut self.active, &mut self.pending);
            self.pending.clear();
            let _ = self.pending.add(x, y);
            ev.switched = true;
        }
        ev
    }
}
