// Module RDSCore: see docs/architecture.md.
