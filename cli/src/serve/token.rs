//! The back-office bearer token: 256 random bits, made at the first start,
//! printed once, kept in `DATA/token` (mode 0600), compared in constant time.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Bytes of randomness in a token.
const TOKEN_BYTES: usize = 32;

/// Where the token lives in the data directory.
pub fn path(data: &Path) -> PathBuf {
    data.join("token")
}

/// The token the server checks requests against.
pub struct Token {
    /// SHA-256 of the token text: comparing digests keeps the comparison
    /// constant-time whatever the length of what a client sends.
    digest: [u8; 32],
    /// The token text if it was made by this start (to print once).
    new_secret: Option<Zeroizing<String>>,
}

impl Token {
    /// Reads `DATA/token`, or creates it if missing.
    pub fn load_or_create(data: &Path) -> Result<Token, String> {
        let file = path(data);
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                check_mode(&file)?;
                let secret = text.trim();
                if secret.len() < 32 {
                    return Err(format!(
                        "{} does not hold a token; delete it to have a new one made",
                        file.display()
                    ));
                }
                Ok(Token {
                    digest: digest(secret.as_bytes()),
                    new_secret: None,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(&file),
            Err(e) => Err(format!("cannot read {}: {e}", file.display())),
        }
    }

    /// A token given in process ([`super::Inbox::open`]), held to the same
    /// rule as the file's: at least 32 characters, surrounding whitespace
    /// ignored.
    pub fn from_secret(secret: &str) -> Result<Token, String> {
        let secret = secret.trim();
        if secret.len() < 32 {
            return Err("a back-office token has at least 32 characters".to_owned());
        }
        Ok(Token {
            digest: digest(secret.as_bytes()),
            new_secret: None,
        })
    }

    fn create(file: &Path) -> Result<Token, String> {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        getrandom::fill(&mut bytes[..])
            .map_err(|e| format!("no secure random numbers for the token: {e}"))?;
        let secret = Zeroizing::new(hex(&bytes[..]));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options
            .open(file)
            .map_err(|e| format!("cannot create {}: {e}", file.display()))?;
        f.write_all(format!("{}\n", secret.as_str()).as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        Ok(Token {
            digest: digest(secret.as_bytes()),
            new_secret: Some(secret),
        })
    }

    /// The token text, if this start made it.
    pub fn new_secret(&self) -> Option<&str> {
        self.new_secret.as_deref().map(String::as_str)
    }

    /// Whether an `Authorization` header value carries this token.
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some(presented) = strip_bearer(value) else {
            return false;
        };
        digest(presented).ct_eq(&self.digest).into()
    }
}

/// `Bearer <token>` (scheme case-insensitive, RFC 7235 §2.1).
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    if scheme.eq_ignore_ascii_case(b"bearer ") {
        Some(rest.trim_ascii())
    } else {
        None
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A token readable by others is refused, as ssh refuses such a key.
fn check_mode(file: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is readable by other users (mode {:o}); run `chmod 600 {}`",
                file.display(),
                mode & 0o777,
                file.display()
            ));
        }
    }
    Ok(())
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(secret: &str) -> Token {
        Token {
            digest: digest(secret.as_bytes()),
            new_secret: None,
        }
    }

    #[test]
    fn accepts_only_the_exact_bearer_token() {
        let t = token("abc123abc123abc123abc123abc123abc123");
        assert!(t.accepts(Some(b"Bearer abc123abc123abc123abc123abc123abc123")));
        assert!(t.accepts(Some(b"bearer abc123abc123abc123abc123abc123abc123")));
        assert!(!t.accepts(Some(b"Bearer abc123abc123abc123abc123abc123abc12")));
        assert!(!t.accepts(Some(b"Basic abc123abc123abc123abc123abc123abc123")));
        assert!(!t.accepts(Some(b"abc123abc123abc123abc123abc123abc123")));
        assert!(!t.accepts(Some(b"Bearer ")));
        assert!(!t.accepts(None));
    }
}
