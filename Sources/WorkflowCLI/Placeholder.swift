// Module WorkflowCLI: see docs/architecture.md.
