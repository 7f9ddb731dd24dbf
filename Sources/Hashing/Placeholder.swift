// Module Hashing: see docs/architecture.md.
