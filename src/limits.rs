//! The documented size limits, enforced when sealing and when opening.
//!
//! They bound the memory a server or decryptor spends on one envelope and
//! keep a form from smuggling unbounded data. `docs/FORMAT.md` lists them.

/// Largest serialized envelope accepted, in bytes (12 MiB).
pub const MAX_ENVELOPE_BYTES: usize = 12 * 1024 * 1024;
/// Largest plaintext before padding (the document and, in version 2, the
/// file bytes after it), in bytes (8 MiB).
pub const MAX_PLAINTEXT_BYTES: usize = 8 * 1024 * 1024;
/// Most fields in one form.
pub const MAX_FIELDS: usize = 256;
/// Longest field name, in bytes.
pub const MAX_FIELD_NAME_BYTES: usize = 128;
/// Longest text value, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Most values of one repeated field (multi-select, several files).
pub const MAX_VALUES: usize = 256;
/// Longest file name or media type, in bytes.
pub const MAX_FILE_NAME_BYTES: usize = 255;
/// Longest form id, in bytes.
pub const MAX_FORM_ID_BYTES: usize = 64;
