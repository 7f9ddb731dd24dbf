// Module WorkflowDecider: see docs/architecture.md.
