// Module WorkflowEngine: see docs/architecture.md.
