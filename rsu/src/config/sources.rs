//! Who may send to a UDP input: one filter for the TSCBM inputs and Immediate Forward.
//!
//! A socket bound to the IPv6 unspecified address (`[::]`) also receives IPv4 datagrams
//! (unless the host sets `net.ipv6.bindv6only`); their sender shows as the IPv4-mapped
//! address `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2). Comparing that with the `a.b.c.d` an
//! operator writes would refuse every IPv4 sender, so both sides are compared in canonical
//! form ([`IpAddr::to_canonical`]): a mapped address is the IPv4 address it carries.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// The senders an input accepts: any, or a list of addresses compared in canonical form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedSources(Vec<IpAddr>);

impl AllowedSources {
    /// Accepts `addresses` (stored canonical); an empty list accepts any sender.
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        AllowedSources(addresses.into_iter().map(|a| a.to_canonical()).collect())
    }

    /// Whether any sender is accepted (no list configured).
    pub fn is_any(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a datagram from `sender` is accepted, whichever family the socket reports it in.
    pub fn permits(&self, sender: IpAddr) -> bool {
        self.0.is_empty() || self.0.contains(&sender.to_canonical())
    }

    /// The addresses, canonical.
    pub fn addresses(&self) -> &[IpAddr] {
        &self.0
    }
}

impl fmt::Display for AllowedSources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("any");
        }
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

/// Why an allowed source can never be seen on a listener, or `None` when it can.
///
/// An IPv4 socket only hears IPv4 senders; an IPv6 socket bound to a specific IPv6 address
/// only hears IPv6 senders; `[::]` hears both (IPv4 as mapped addresses), so any source
/// may match there. Sources are canonical, so a mapped source counts as IPv4.
pub fn unreachable_source(listen: SocketAddr, source: IpAddr) -> Option<&'static str> {
    let listen_ip = listen.ip().to_canonical();
    match (listen_ip, source.to_canonical()) {
        (IpAddr::V4(_), IpAddr::V6(_)) => {
            Some("is an IPv6 address, but the listener is IPv4 and only hears IPv4 senders")
        }
        (IpAddr::V6(l), IpAddr::V4(_)) if !l.is_unspecified() => Some(
            "is an IPv4 address, but the listener is bound to one IPv6 address and only hears IPv6 senders (listen on [::] to hear both)",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_mapped_sender_matches_its_ipv4_entry_and_the_reverse() {
        let v4 = AllowedSources::new([ip("192.0.2.7")]);
        assert!(v4.permits(ip("192.0.2.7")));
        assert!(v4.permits(ip("::ffff:192.0.2.7")));
        assert!(!v4.permits(ip("::ffff:192.0.2.8")));
        assert!(!v4.permits(ip("192.0.2.8")));
        // An entry written mapped is the IPv4 address.
        let mapped = AllowedSources::new([ip("::ffff:192.0.2.7")]);
        assert!(mapped.permits(ip("192.0.2.7")));
        assert_eq!(mapped.addresses(), [ip("192.0.2.7")]);
        // IPv6 stays IPv6; the IPv4-compatible form (::a.b.c.d, deprecated) is not mapped.
        let v6 = AllowedSources::new([ip("2001:db8::1")]);
        assert!(v6.permits(ip("2001:db8::1")));
        assert!(!v6.permits(ip("::192.0.2.7")));
        assert!(AllowedSources::default().permits(ip("::1")));
        assert_eq!(v4.to_string(), "192.0.2.7");
        assert_eq!(AllowedSources::default().to_string(), "any");
    }

    #[test]
    fn sources_a_listener_can_never_hear() {
        let at = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(unreachable_source(at("0.0.0.0:6053"), ip("2001:db8::1")).is_some());
        assert!(unreachable_source(at("0.0.0.0:6053"), ip("::ffff:10.0.0.1")).is_none());
        assert!(unreachable_source(at("0.0.0.0:6053"), ip("10.0.0.1")).is_none());
        assert!(unreachable_source(at("[::]:6053"), ip("10.0.0.1")).is_none());
        assert!(unreachable_source(at("[::]:6053"), ip("2001:db8::1")).is_none());
        assert!(unreachable_source(at("[::1]:6053"), ip("127.0.0.1")).is_some());
        assert!(unreachable_source(at("[::1]:6053"), ip("::1")).is_none());
        // A listener on a mapped address is an IPv4 listener.
        assert!(unreachable_source(at("[::ffff:127.0.0.1]:6053"), ip("::1")).is_some());
    }
}
