//! Integration tests of picket-mail's mailers, each against something real: a running
//! aiosmtpd server for SMTP, Python's `email` parser for the files on disk.

mod common;
mod file;
mod memory;
mod smtp;
