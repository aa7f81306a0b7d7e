//! Opening the walk's files relative to their directory. `open(root/a/b/c/file)` makes the
//! kernel look up every component of the path again for each of a directory's files; each
//! walker thread keeps its last directory open instead and opens the file by name in it
//! (a walker visits a directory's files one after another).

use std::fs::File;
use std::io;
use std::path::Path;

/// Opens `path` for reading.
pub(crate) fn open(path: &Path) -> io::Result<File> {
    imp::open(path)
}

#[cfg(unix)]
mod imp {
    use rustix::fd::OwnedFd;
    use rustix::fs::{Mode, OFlags};
    use std::cell::RefCell;
    use std::fs::File;
    use std::io;
    use std::path::{Path, PathBuf};

    thread_local! {
        /// This thread's last directory and a handle on it.
        static LAST_DIR: RefCell<Option<(PathBuf, OwnedFd)>> = const { RefCell::new(None) };
    }

    pub(super) fn open(path: &Path) -> io::Result<File> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return File::open(path);
        };
        LAST_DIR.with_borrow_mut(|last| {
            let handle = match last {
                Some((open_dir, handle)) if open_dir == dir => handle,
                _ => {
                    let handle = rustix::fs::open(
                        dir,
                        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                        Mode::empty(),
                    )?;
                    &last.insert((dir.to_path_buf(), handle)).1
                }
            };
            let file = rustix::fs::openat(
                handle,
                name,
                OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(File::from(file))
        })
    }
}

#[cfg(not(unix))]
mod imp {
    pub(super) fn open(path: &std::path::Path) -> std::io::Result<std::fs::File> {
        std::fs::File::open(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn files_of_several_directories_open_in_turn() {
        let dir = tempfile::tempdir().unwrap();
        for (sub, name, text) in [
            ("a", "one.txt", "1"),
            ("b", "two.txt", "2"),
            ("a", "three.txt", "3"),
        ] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join(name), text).unwrap();
        }
        for (sub, name, text) in [
            ("a", "one.txt", "1"),
            ("b", "two.txt", "2"),
            ("a", "three.txt", "3"),
            ("a", "one.txt", "1"),
        ] {
            let mut read = String::new();
            open(&dir.path().join(sub).join(name))
                .unwrap()
                .read_to_string(&mut read)
                .unwrap();
            assert_eq!(read, text, "{sub}/{name}");
        }
        let missing = open(&dir.path().join("a").join("missing.txt")).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        let no_dir = open(&dir.path().join("nope").join("x.txt")).unwrap_err();
        assert_eq!(no_dir.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn a_replaced_directory_is_not_served_from_the_old_handle() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("conf");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("app.yaml"), "old").unwrap();
        let mut read = String::new();
        open(&sub.join("app.yaml"))
            .unwrap()
            .read_to_string(&mut read)
            .unwrap();
        assert_eq!(read, "old");
        // Another directory in between drops the cached handle.
        std::fs::write(dir.path().join("top.txt"), "top").unwrap();
        open(&dir.path().join("top.txt")).unwrap();
        std::fs::remove_dir_all(&sub).unwrap();
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("app.yaml"), "new").unwrap();
        read.clear();
        open(&sub.join("app.yaml"))
            .unwrap()
            .read_to_string(&mut read)
            .unwrap();
        assert_eq!(read, "new");
    }
}
