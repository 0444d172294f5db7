//! Picket's Mailer trait with SMTP, file and memory mailers.
