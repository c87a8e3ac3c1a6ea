//! SSH on real bytes from shared/captures/ssh.
