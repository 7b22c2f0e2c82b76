//! Which received messages are verified: the per-sender policy of NTCIP 1218
//! `rsuReceivedMsgAuthMsgInterval` (0..10, per `rsuReceivedMsgTable` row), sans-IO.
//!
//! The object's meaning: with a value n of 1 or more, the RSU authenticates the first message
//! it receives from a device and then every n-th message after it; 0 turns authentication off.
//! The device is the signer as the SPDU names it (its certificate's HashedId8, whether the
//! SPDU carries the certificate or only its digest), per PSID.
//!
//! A sender whose check failed is forgotten: its next message counts as a first one again, so
//! an unverified sender never earns skipped checks. (A message dropped because the
//! verification queue was full never reaches the policy, so it counts for nothing.) The table is bounded (two generations of
//! at most half the cap each, an O(1) approximation of least-recently-used): a flood of new
//! signers evicts old ones, which then simply start over with a checked first message.

use std::collections::HashMap;

use rsu_hw::Psid;
use rsu_security::HashedId8;

/// How often a sender's messages are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthInterval(u8);

impl AuthInterval {
    /// Every message (n = 1); the default.
    pub const ALL: AuthInterval = AuthInterval(1);
    /// None (n = 0): every signed message is forwarded as not checked.
    pub const NONE: AuthInterval = AuthInterval(0);
    /// The largest n NTCIP 1218 allows.
    pub const MAX: u8 = 10;

    /// `n` as NTCIP 1218 writes it (0 = none, 1 = all, n = the first and every n-th).
    pub fn new(n: u8) -> Option<AuthInterval> {
        (n <= Self::MAX).then_some(AuthInterval(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Of two rules for one PSID, the one that checks more: a message is verified when any of
    /// its rules would have it verified (none only when every rule says none).
    pub fn stricter(self, other: AuthInterval) -> AuthInterval {
        match (self.0, other.0) {
            (0, _) => other,
            (_, 0) => self,
            (a, b) => AuthInterval(a.min(b)),
        }
    }
}

/// The policy's decision for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Verify,
    /// Forwarded labelled as not checked.
    Skip,
}

/// Who signed a message: PSID and signer.
pub type Sender = (Psid, HashedId8);

/// Messages of a sender since its last scheduled check.
type Since = u8;

/// The per-sender state, bounded.
#[derive(Debug)]
pub struct Senders {
    /// Each generation holds at most this many; two of them at most twice.
    half: usize,
    young: HashMap<Sender, Since>,
    old: HashMap<Sender, Since>,
    evicted: u64,
}

impl Senders {
    /// A table of at most `cap` senders (at least 2).
    pub fn new(cap: usize) -> Senders {
        let half = (cap / 2).max(1);
        Senders {
            half,
            young: HashMap::with_capacity(half),
            old: HashMap::with_capacity(half),
            evicted: 0,
        }
    }

    /// Whether `sender`'s message is verified under `interval`, and counts it.
    pub fn check(&mut self, sender: Sender, interval: AuthInterval) -> Check {
        match interval.0 {
            0 => return Check::Skip,
            // Every message is checked: no state needed.
            1 => return Check::Verify,
            _ => {}
        }
        let since = match self.young.get_mut(&sender) {
            Some(s) => s,
            None => {
                let previous = self.old.remove(&sender);
                if self.young.len() >= self.half {
                    // The old generation goes; whoever of it was heard since moved up.
                    self.evicted += self.old.len() as u64;
                    self.old =
                        std::mem::replace(&mut self.young, HashMap::with_capacity(self.half));
                }
                match previous {
                    Some(s) => self.young.entry(sender).or_insert(s),
                    None => {
                        // First message of this sender (or first since it was forgotten).
                        self.young.insert(sender, 0);
                        return Check::Verify;
                    }
                }
            }
        };
        *since = since.saturating_add(1);
        if *since >= interval.0 {
            *since = 0;
            Check::Verify
        } else {
            Check::Skip
        }
    }

    /// Forgets `sender`: its next message is checked as a first one.
    pub fn forget(&mut self, sender: &Sender) {
        self.young.remove(sender);
        self.old.remove(sender);
    }

    /// Senders remembered now.
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Senders dropped from the table to keep it bounded, so far.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn sender(k: u64) -> Sender {
        (Psid::BSM, HashedId8(k.to_be_bytes()))
    }

    fn pattern(t: &mut Senders, s: Sender, n: u8, count: usize) -> String {
        (0..count)
            .map(|_| match t.check(s, AuthInterval::new(n).unwrap()) {
                Check::Verify => 'V',
                Check::Skip => '.',
            })
            .collect()
    }

    #[test]
    fn the_first_message_and_then_every_nth() {
        let mut t = Senders::new(16);
        assert_eq!(pattern(&mut t, sender(1), 3, 10), "V..V..V..V");
        assert_eq!(pattern(&mut t, sender(2), 10, 12), "V.........V.");
        assert_eq!(pattern(&mut t, sender(3), 2, 5), "V.V.V");
    }

    #[test]
    fn all_and_none_keep_no_state() {
        let mut t = Senders::new(16);
        assert_eq!(pattern(&mut t, sender(1), 1, 5), "VVVVV");
        assert_eq!(pattern(&mut t, sender(1), 0, 5), ".....");
        assert!(t.is_empty());
        assert_eq!(AuthInterval::new(11), None);
    }

    #[test]
    fn senders_are_independent() {
        let mut t = Senders::new(16);
        let (a, b) = (sender(1), sender(2));
        let n = AuthInterval::new(3).unwrap();
        let mut seen = String::new();
        for s in [a, b, a, b, a, b, a, b] {
            seen.push(match t.check(s, n) {
                Check::Verify => 'V',
                Check::Skip => '.',
            });
        }
        // a: V . . V ; b: V . . V, interleaved.
        assert_eq!(seen, "VV....VV");
        // The same signer under another PSID is another sender.
        let other = (Psid::INTERSECTION, a.1);
        assert_eq!(t.check(other, n), Check::Verify);
    }

    #[test]
    fn a_forgotten_sender_starts_over() {
        let mut t = Senders::new(16);
        let n = AuthInterval::new(4).unwrap();
        assert_eq!(t.check(sender(1), n), Check::Verify);
        assert_eq!(t.check(sender(1), n), Check::Skip);
        t.forget(&sender(1));
        assert_eq!(pattern(&mut t, sender(1), 4, 5), "V...V");
    }

    #[test]
    fn the_table_is_bounded_and_evicts_the_least_recently_heard() {
        let cap = 8;
        let mut t = Senders::new(cap);
        let n = AuthInterval::new(5).unwrap();
        // Sender 0 is heard between every new one, so it stays; the rest come and go.
        assert_eq!(t.check(sender(0), n), Check::Verify);
        let mut zero = String::new();
        for k in 1..=1000 {
            assert_eq!(t.check(sender(k), n), Check::Verify, "sender {k} is new");
            zero.push(match t.check(sender(0), n) {
                Check::Verify => 'V',
                Check::Skip => '.',
            });
            assert!(t.len() <= cap, "{} senders kept, cap {cap}", t.len());
        }
        assert_eq!(&zero[..10], "....V....V", "sender 0 kept its count");
        assert!(t.evicted() >= 1000 - cap as u64, "evicted {}", t.evicted());
        // An evicted sender's next message is a first one again.
        assert_eq!(t.check(sender(1), n), Check::Verify);
        assert_eq!(t.evicted() + t.len() as u64, 1001 + 1);
    }

    #[test]
    fn stricter_of_two_rules() {
        let n = |k| AuthInterval::new(k).unwrap();
        assert_eq!(n(0).stricter(n(3)), n(3));
        assert_eq!(n(3).stricter(n(0)), n(3));
        assert_eq!(n(3).stricter(n(2)), n(2));
        assert_eq!(n(0).stricter(n(0)), AuthInterval::NONE);
        assert_eq!(n(1).stricter(n(5)), AuthInterval::ALL);
    }
}
