//! Wall-clock arithmetic for the simulator: `Instant` to Unix time, and HTTP cookie dates.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Maps the monotonic `now` the simulator is given onto Unix time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    wall_us: u64,
}

impl Clock {
    /// A clock where `start` is the wall time `wall`.
    pub fn new(start: Instant, wall: SystemTime) -> Self {
        let wall_us = wall
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0);
        Clock { start, wall_us }
    }

    /// Unix microseconds at `now`.
    pub fn micros(&self, now: Instant) -> u64 {
        self.wall_us + now.saturating_duration_since(self.start).as_micros() as u64
    }

    /// Unix milliseconds at `now`.
    pub fn ms(&self, now: Instant) -> u64 {
        self.micros(now) / 1000
    }

    /// Unix seconds at `now`.
    pub fn secs(&self, now: Instant) -> u64 {
        self.ms(now) / 1000
    }
}

/// A cookie `Expires` date, `Thu, 26-Nov-2026 10:00:00 GMT`, for Unix seconds `t`.
pub fn cookie_date(t: u64) -> String {
    let days = t / 86_400;
    let rem = t % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let wd = WD.get((days % 7) as usize).copied().unwrap_or("Thu");
    let mo = MO.get((m - 1) as usize).copied().unwrap_or("Jan");
    format!(
        "{wd}, {d:02}-{mo}-{y} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31) (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Adds whole seconds to an instant (saturating on overflow).
pub fn after(now: Instant, d: Duration) -> Instant {
    now.checked_add(d).unwrap_or(now)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cookie_dates_match_known_days() {
        assert_eq!(cookie_date(0), "Thu, 01-Jan-1970 00:00:00 GMT");
        assert_eq!(cookie_date(1_546_211_468), "Sun, 30-Dec-2018 23:11:08 GMT");
        assert_eq!(cookie_date(1_709_208_000), "Thu, 29-Feb-2024 12:00:00 GMT");
    }
}
