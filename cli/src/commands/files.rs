//! Writing attached files out of opened orders (`decrypt --files-dir`).
//!
//! File names come from customers: they are reduced to one safe path
//! component, so no name can climb out of the directory (`../x`), hide
//! (`.x`) or replace another file (new files only; a clash gets `-2`, `-3`).
//! Files hold decrypted order data and are created readable by the owner
//! only, inside owner-only directories.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where files of one batch go: `DIR/<submission id>/<file name>`.
pub struct FilesDir {
    root: PathBuf,
}

impl FilesDir {
    /// Files under `root`, created if missing.
    pub fn new(root: &Path) -> io::Result<FilesDir> {
        create_private_dir(root)?;
        Ok(FilesDir {
            root: root.to_owned(),
        })
    }

    /// Writes `data` as `name` for submission `sid`; returns its path.
    pub fn write(&self, sid: &str, name: &str, data: &[u8]) -> io::Result<PathBuf> {
        // `sid` is base64url from an opened envelope: already one safe component.
        let dir = self.root.join(safe_component(sid));
        create_private_dir(&dir).map_err(|e| with_path(&dir, e))?;
        let name = safe_component(name);
        let (stem, ext) = match name.rfind('.') {
            Some(i) if i > 0 => (&name[..i], &name[i..]),
            _ => (name.as_str(), ""),
        };
        for n in 1u32.. {
            let candidate = if n == 1 {
                dir.join(&name)
            } else {
                dir.join(format!("{stem}-{n}{ext}"))
            };
            match create_private_file(&candidate).and_then(|mut f| f.write_all(data)) {
                Ok(()) => return Ok(candidate),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(with_path(&candidate, e)),
            }
        }
        Err(io::Error::other("no free file name"))
    }
}

/// One path component made of `name`: the part after the last slash or
/// backslash, control characters and separators replaced, no leading dots,
/// at most 128 bytes; `file` if nothing is left.
pub fn safe_component(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut out = String::new();
    for c in base.chars() {
        let c = if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
            '_'
        } else {
            c
        };
        if out.len() + c.len_utf8() > 128 {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `e`, naming `path` (the caller's message says "writing the output").
fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_file_names_become_one_safe_component() {
        assert_eq!(safe_component("po.pdf"), "po.pdf");
        assert_eq!(safe_component("../../etc/passwd"), "passwd");
        assert_eq!(safe_component("C:\\Users\\a\\scan.png"), "scan.png");
        assert_eq!(safe_component(".."), "file");
        assert_eq!(safe_component(".bashrc"), "bashrc");
        assert_eq!(safe_component("a\u{1b}[2Jb"), "a_[2Jb");
        assert_eq!(safe_component(""), "file");
        assert!(safe_component(&"é".repeat(200)).len() <= 128);
    }

    #[test]
    fn clashing_names_get_a_number_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = FilesDir::new(dir.path()).expect("files dir");
        let a = files.write("sid", "po.pdf", b"one").expect("write");
        let b = files.write("sid", "po.pdf", b"two").expect("write");
        assert_eq!(a.file_name().and_then(|n| n.to_str()), Some("po.pdf"));
        assert_eq!(b.file_name().and_then(|n| n.to_str()), Some("po-2.pdf"));
        assert_eq!(fs::read(&a).expect("read"), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&a).expect("stat").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
