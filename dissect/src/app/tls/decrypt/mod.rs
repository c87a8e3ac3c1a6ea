//! TLS decryption with secrets from a key log (NSS `SSLKEYLOGFILE` format,
//! `-o tls.keylog_file:FILE`) or from a pcapng Decryption Secrets Block.
//!
//! - [`keylog`]: the secrets by client random.
//! - [`suites`]: what each decryptable cipher suite uses.
//! - [`tls12`]: the PRF and key block; [`tls13`]: HKDF-Expand-Label and key updates.
//! - [`cipher`]: decrypting one record (AEAD, CBC with HMAC).
//! - [`session`]: each direction's keys, epoch and sequence number.

pub mod cipher;
pub mod keylog;
pub mod session;
pub mod suites;
pub mod tls12;
pub mod tls13;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use keylog::{KeyLog, Label};
pub use session::Decryption;
