// Module Activities: see docs/architecture.md.
