// Module RDSSimulator: see docs/architecture.md.
