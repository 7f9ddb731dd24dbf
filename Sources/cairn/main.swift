// The cairn executable: everything lives in WorkflowCLI.
print("cairn: not built yet")
