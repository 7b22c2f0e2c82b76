//! Datagrams the kernel dropped before the service read them (receive buffer full), per
//! socket: otherwise invisible, since they never reach a counter of ours.
//!
//! Linux keeps a drop count per UDP socket and shows it in the `drops` column of
//! `/proc/net/udp` and `/proc/net/udp6`, on the row of the socket's inode; the inode is that
//! of `/proc/self/fd/<fd>`. Reading both needs no unsafe code and no socket option. A task
//! per socket samples it (the read on tokio's blocking pool) into a Prometheus counter.

use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use metrics::Counter;

/// How often a socket's drop count is read.
pub const SAMPLE_PERIOD: Duration = Duration::from_secs(5);

/// The tables that hold UDP sockets of the process's network namespace.
const TABLES: [&str; 2] = ["/proc/net/udp", "/proc/net/udp6"];

/// The inode of a socket: the key of its row in the tables.
pub fn socket_inode(socket: &impl AsRawFd) -> std::io::Result<u64> {
    let meta = std::fs::metadata(format!("/proc/self/fd/{}", socket.as_raw_fd()))?;
    Ok(meta.ino())
}

/// The `drops` column of the row for `inode` in the text of one table, if it has one.
pub fn drops_in(table: &str, inode: u64) -> Option<u64> {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout
    // inode ref pointer drops
    table.lines().skip(1).find_map(|line| {
        let mut columns = line.split_whitespace();
        let row_inode: u64 = columns.nth(9)?.parse().ok()?;
        if row_inode != inode {
            return None;
        }
        columns.nth(2)?.parse().ok()
    })
}

/// The kernel's drop count for the socket with `inode`; `None` if no table has it.
pub fn read_drops(inode: u64) -> Option<u64> {
    TABLES.iter().find_map(|path| {
        let table = std::fs::read_to_string(path).ok()?;
        drops_in(&table, inode)
    })
}

/// Stops the sampling task when dropped (with the input task that owns it).
#[derive(Debug)]
pub struct Watch(tokio::task::JoinHandle<()>);

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Samples `socket`'s drop count into `counter` every `period` until the returned
/// [`Watch`] drops; an error when the socket's inode cannot be had.
pub fn watch(
    socket: &impl AsRawFd,
    counter: Counter,
    period: Duration,
) -> Result<Watch, std::io::Error> {
    let inode = socket_inode(socket)?;
    Ok(Watch(tokio::spawn(async move {
        loop {
            if let Ok(Some(n)) = tokio::task::spawn_blocking(move || read_drops(inode)).await {
                counter.absolute(n);
            }
            tokio::time::sleep(period).await;
        }
    })))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::telemetry::metrics::Metrics;

    #[test]
    fn the_drops_column_of_the_sockets_row() {
        let table = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n\
                     \x20 123: 0100007F:17A5 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 4242 2 0000000000000000 0\n\
                     \x20 124: 00000000:07B5 00000000:0000 07 00000000:00034000 00:00000000 00000000  1000        0 777 2 0000000000000000 1379\n";
        assert_eq!(drops_in(table, 777), Some(1379));
        assert_eq!(drops_in(table, 4242), Some(0));
        assert_eq!(drops_in(table, 1), None);
        assert_eq!(drops_in("", 777), None);
        assert_eq!(drops_in("header\n garbage line\n", 777), None);
    }

    fn sample(metrics: &Metrics, socket: &str) -> Option<f64> {
        metrics
            .render()
            .lines()
            .find(|l| {
                l.starts_with("rsu_udp_receive_drops_total{")
                    && l.contains(&format!("socket=\"{socket}\""))
            })
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
    }

    /// A socket nobody reads, flooded past its receive buffer, shows drops in the metric;
    /// one that is read shows 0 (not a missing series).
    #[tokio::test]
    async fn a_flooded_unread_socket_shows_its_drops() {
        let flooded = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let normal = std::net::UdpSocket::bind("[::1]:0").unwrap();
        normal.set_nonblocking(true).unwrap();
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let sender6 = std::net::UdpSocket::bind("[::1]:0").unwrap();
        let metrics = Metrics::new();
        let _a = watch(
            &flooded,
            metrics.udp_drops("tscbm", Some(1001)),
            Duration::from_millis(20),
        )
        .unwrap();
        let _b = watch(
            &normal,
            metrics.udp_drops("immediate_forward", None),
            Duration::from_millis(20),
        )
        .unwrap();
        // Far more than any default receive buffer holds.
        let datagram = [0u8; 1024];
        for _ in 0..20_000 {
            sender
                .send_to(&datagram, flooded.local_addr().unwrap())
                .unwrap();
        }
        let mut buf = [0u8; 2048];
        for _ in 0..50 {
            sender6
                .send_to(&datagram, normal.local_addr().unwrap())
                .unwrap();
            while normal.recv(&mut buf).is_ok() {}
        }
        // Let both samplers read the tables.
        let mut flooded_drops = None;
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            flooded_drops = sample(&metrics, "tscbm");
            if flooded_drops.is_some_and(|n| n > 0.0)
                && sample(&metrics, "immediate_forward").is_some()
            {
                break;
            }
        }
        let drops = flooded_drops.expect("no sample for the flooded socket");
        assert!(drops > 0.0, "{drops}");
        assert_eq!(
            read_drops(socket_inode(&flooded).unwrap()),
            Some(drops as u64)
        );
        assert_eq!(sample(&metrics, "immediate_forward"), Some(0.0));
        let text = metrics.render();
        assert!(
            text.contains("rsu_udp_receive_drops_total{intersection=\"1001\",socket=\"tscbm\"}")
                || text.contains(
                    "rsu_udp_receive_drops_total{socket=\"tscbm\",intersection=\"1001\"}"
                ),
            "{text}"
        );
    }
}
