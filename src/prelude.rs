//! What `std`'s prelude gives, from `alloc`: the seal build is `no_std`.
//! Modules `use crate::prelude::*;`; with `std`, these are the very items
//! its prelude holds.

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::format;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
