//! Reading the Store-and-Repeat folder without trusting what is in it.
//!
//! Whoever writes the folder may put anything there, and may swap an entry between two
//! looks at it. So nothing is decided on a path: each entry is opened once, without
//! following a link and without blocking (`O_NOFOLLOW | O_NONBLOCK`, so a FIFO's open
//! returns at once), then `fstat` on that descriptor says what it is, and only a regular
//! file is read, at most one byte past the limit. Nothing here ever returns a file's
//! text other than as the bytes to parse.
//!
//! These are blocking calls (a hung network filesystem blocks them): they run on tokio's
//! blocking pool, never on the runtime thread.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::forward::message_file::MAX_FILE_LEN;

/// A file younger than this is read again even if its size and time look unchanged: a
/// writer in the same second as the last look may have changed it without moving either.
const SETTLE: Duration = Duration::from_secs(3);

/// A file's size and modification time when last read: an unchanged file is not read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// What the scan made of a regular file.
#[derive(Debug)]
pub enum Content {
    /// Its stamp is the one given and it has settled: not read.
    Unchanged,
    /// Its bytes, at most [`MAX_FILE_LEN`].
    Read(Vec<u8>),
    /// Not read, or not whole: the reason code and what the system said.
    Refused { code: &'static str, detail: String },
}

/// One entry of the folder.
#[derive(Debug)]
pub enum Entry {
    /// A regular file.
    File {
        name: String,
        stamp: Stamp,
        content: Content,
    },
    /// Something that is not a message file (`kind` says what), or that could not be
    /// opened: refused without reading. `code` is the counter's reason.
    Refused {
        name: String,
        code: &'static str,
        kind: &'static str,
    },
}

/// The entries of `dir` (temporary files of editors and copy tools left out); `known` holds
/// the stamps of files read before, so unchanged ones are not read again.
pub fn read(dir: &Path, known: &HashMap<String, Stamp>) -> io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".tmp") {
            continue;
        }
        // The directory's own word (d_type) spares opening what is plainly not a file;
        // the fstat below decides for what claims to be one.
        if let Ok(t) = entry.file_type()
            && !t.is_file()
        {
            out.push(Entry::Refused {
                name,
                code: NOT_REGULAR,
                kind: kind_of(t),
            });
            continue;
        }
        if let Some(e) = read_entry(&dir.join(&name), name, known) {
            out.push(e);
        }
    }
    Ok(out)
}

/// The reason code of an entry that is not a regular file.
pub const NOT_REGULAR: &str = "not_a_regular_file";

/// Opens, inspects and reads one entry; `None` if it vanished meanwhile.
fn read_entry(path: &Path, name: String, known: &HashMap<String, Stamp>) -> Option<Entry> {
    let refused = |code, kind| {
        Some(Entry::Refused {
            name: name.clone(),
            code,
            kind,
        })
    };
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
    {
        Ok(f) => f,
        Err(e) => {
            return match e.raw_os_error() {
                Some(libc::ENOENT) => None,
                // O_NOFOLLOW on a symbolic link.
                Some(libc::ELOOP) => refused(NOT_REGULAR, "symlink"),
                // A socket, or a device without a driver.
                Some(libc::ENXIO) | Some(libc::ENODEV) => refused(NOT_REGULAR, "special"),
                _ => refused("unreadable", "unopenable"),
            };
        }
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(_) => return refused("unreadable", "unstattable"),
    };
    if !meta.is_file() {
        return refused(NOT_REGULAR, kind_of(meta.file_type()));
    }
    let stamp = Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    };
    let settled = stamp
        .modified
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= SETTLE);
    let content = if settled && known.get(&name) == Some(&stamp) {
        Content::Unchanged
    } else {
        bounded(file, stamp.len)
    };
    Some(Entry::File {
        name,
        stamp,
        content,
    })
}

/// At most [`MAX_FILE_LEN`] bytes; a file that is longer (or grew past it while being
/// read) is refused after one byte more.
fn bounded(file: File, len: u64) -> Content {
    let oversized = || Content::Refused {
        code: "oversized",
        detail: format!("over {MAX_FILE_LEN} bytes"),
    };
    if len > MAX_FILE_LEN as u64 {
        return oversized();
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(MAX_FILE_LEN));
    match file.take(MAX_FILE_LEN as u64 + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() > MAX_FILE_LEN => oversized(),
        Ok(_) => Content::Read(bytes),
        Err(e) => Content::Refused {
            code: "unreadable",
            detail: e.to_string(),
        },
    }
}

fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_symlink() {
        "symlink"
    } else if t.is_dir() {
        "directory"
    } else if t.is_fifo() {
        "fifo"
    } else if t.is_socket() {
        "socket"
    } else if t.is_block_device() || t.is_char_device() {
        "device"
    } else {
        "other"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rsu-folder-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn one(dir: &Path, name: &str) -> Entry {
        read_entry(&dir.join(name), name.to_owned(), &HashMap::new()).unwrap()
    }

    /// Opened by path, as an entry swapped after the directory listing would be: a FIFO
    /// does not block the open, a link is not followed (/dev/zero is never read), a
    /// folder is not a file.
    #[test]
    fn swapped_entries_are_refused_at_open_without_blocking_or_reading() {
        let dir = scratch("swapped");
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe"))
            .status()
            .unwrap();
        assert!(status.success());
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero")).unwrap();
        std::fs::write(dir.join("target"), "Version=0.7\n").unwrap();
        std::os::unix::fs::symlink(dir.join("target"), dir.join("link")).unwrap();
        std::fs::create_dir(dir.join("folder")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("socket")).unwrap();
        for (name, kind) in [
            ("pipe", "fifo"),
            ("zero", "symlink"),
            ("link", "symlink"),
            ("folder", "directory"),
            ("socket", "special"),
        ] {
            match one(&dir, name) {
                Entry::Refused { code, kind: k, .. } => {
                    assert_eq!((code, k), (NOT_REGULAR, kind), "{name}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // /dev/zero itself, as a hard link or a bind mount would show it: a device.
        match read_entry(Path::new("/dev/zero"), "zero".into(), &HashMap::new()).unwrap() {
            Entry::Refused { code, kind, .. } => assert_eq!((code, kind), (NOT_REGULAR, "device")),
            other => panic!("{other:?}"),
        }
        assert!(read_entry(&dir.join("gone"), "gone".into(), &HashMap::new()).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file over the limit is refused from its size; one that grows after the size was
    /// taken is read one byte past the limit and no further.
    #[test]
    fn reads_stop_one_byte_past_the_limit() {
        let dir = scratch("bounded");
        std::fs::write(dir.join("big"), vec![b'#'; MAX_FILE_LEN + 1]).unwrap();
        std::fs::write(dir.join("max"), vec![b'#'; MAX_FILE_LEN]).unwrap();
        match one(&dir, "big") {
            Entry::File {
                content: Content::Refused { code, .. },
                stamp,
                ..
            } => {
                assert_eq!(code, "oversized");
                assert_eq!(stamp.len, MAX_FILE_LEN as u64 + 1);
            }
            other => panic!("{other:?}"),
        }
        match one(&dir, "max") {
            Entry::File {
                content: Content::Read(b),
                ..
            } => assert_eq!(b.len(), MAX_FILE_LEN),
            other => panic!("{other:?}"),
        }
        // Growth after the fstat: the stamp said 10 bytes, the file is now endless.
        let zero = File::open("/dev/zero").unwrap();
        match bounded(zero, 10) {
            Content::Refused { code, .. } => assert_eq!(code, "oversized"),
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_settled_unchanged_file_is_not_read_again() {
        let dir = scratch("unchanged");
        let path = dir.join("a.txt");
        std::fs::write(&path, "Version=0.7\n").unwrap();
        let old = SystemTime::now() - Duration::from_secs(60);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let Entry::File { stamp, content, .. } = one(&dir, "a.txt") else {
            panic!()
        };
        assert!(matches!(content, Content::Read(_)));
        let known = HashMap::from([("a.txt".to_owned(), stamp)]);
        let listed = read(&dir, &known).unwrap();
        assert!(
            matches!(
                listed.as_slice(),
                [Entry::File {
                    content: Content::Unchanged,
                    ..
                }]
            ),
            "{listed:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
